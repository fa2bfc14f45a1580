#include "lab/daemon/shared_ip_netns.hpp"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <sodium.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lab/daemon/leftovers.hpp"
#include "lab/daemon/netns_scope.hpp"
#include "net/child_process.hpp"

namespace hitless::lab {
namespace {

constexpr double kCommandTimeoutS = 10;
constexpr const char* kNodeInterface = "eth0";

Status<NetnsErrc> run(const std::vector<std::string>& argv, const std::string& input = "") {
  auto r = net::run_command(argv, input, kCommandTimeoutS);
  std::string cmd;
  for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
  if (!r)
    return make_error(NetnsErrc::kCommand, "shared IP namespaces: " + cmd + ": " + r.message());
  if (r->exit_code != 0) {
    std::string err = r->err.empty() ? r->out : r->err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    return make_error(NetnsErrc::kCommand, "shared IP namespaces: " + cmd + " exited with " +
                                               std::to_string(r->exit_code) + ": " + err);
  }
  return Unit{};
}

std::string hex6(std::uint32_t v) {
  static const char* d = "0123456789abcdef";
  std::string s(6, '0');
  for (int i = 5; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = d[v & 15];
  return s;
}

}  // namespace

Result<std::unique_ptr<SharedIpNetns>, NetnsErrc> SharedIpNetns::create(
    const std::string& cluster, const std::vector<std::string>& nodes,
    const std::string& record_dir) {
  if (net::find_program("ip").empty())
    return make_error(NetnsErrc::kNotInstalled,
                      "cluster " + cluster + ": shared_ip: netns needs `ip` (install iproute2)");
  if (nodes.size() > 80)
    return make_error(NetnsErrc::kCommand, "cluster " + cluster +
                                               ": shared_ip: netns takes at "
                                               "most 80 nodes (one /24)");
  std::unique_ptr<SharedIpNetns> n(new SharedIpNetns);
  // Random names and subnet: labs side by side do not meet (a name clash makes `ip` fail, and
  // is retried; a /24 of 100.64.0.0/10 is one of 16384).
  const std::uint32_t r = randombytes_uniform(1u << 24);
  const std::uint32_t subnet = randombytes_uniform(1u << 14);
  const std::string prefix =
      "100." + std::to_string(64 + (subnet >> 8)) + "." + std::to_string(subnet & 255) + ".";
  n->id_ = hex6(r);
  n->bridge_ns_ = "hitless-" + n->id_ + "-br";
  n->host_veth_ = "hl" + n->id_ + "c";
  n->vip_ = prefix + "100";
  for (std::size_t k = 0; k < nodes.size(); ++k)
    n->node_ns_[nodes[k]] = "hitless-" + n->id_ + "-" + std::to_string(k + 1);
  for (const auto& ns : n->namespaces()) record_namespace(record_dir, ns);
  for (const auto& ns : n->namespaces()) {
    if (auto s = run({"ip", "netns", "add", ns}); !s) return s.error();  // destructor cleans up
    n->created_.push_back(ns);
  }

  std::string bridge = "link add br0 type bridge\nlink set br0 up\n";
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    const std::string port = "p" + std::to_string(k + 1);
    bridge += "link add " + port + " type veth peer name " + kNodeInterface + " netns " +
              n->node_ns_.at(nodes[k]) + "\nlink set " + port + " master br0\nlink set " + port +
              " up\n";
  }
  if (auto s = run({"ip", "-n", n->bridge_ns_, "-b", "-"}, bridge); !s) return s.error();
  if (auto s = run({"ip", "-b", "-"}, "link add " + n->host_veth_ +
                                          " type veth peer name client netns " + n->bridge_ns_ +
                                          "\naddr add " + prefix + "1/24 dev " + n->host_veth_ +
                                          "\nlink set " + n->host_veth_ + " up\n");
      !s)
    return s.error();
  if (auto s = run({"ip", "-n", n->bridge_ns_, "-b", "-"},
                   "link set client master br0\nlink set client up\n");
      !s)
    return s.error();
  for (std::size_t k = 0; k < nodes.size(); ++k)
    if (auto s = run({"ip", "-n", n->node_ns_.at(nodes[k]), "-b", "-"},
                     "link set lo up\naddr add " + prefix + std::to_string(11 + k) + "/24 dev " +
                         kNodeInterface + "\nlink set " + kNodeInterface + " up\n");
        !s)
      return s.error();
  return n;
}

SharedIpNetns::~SharedIpNetns() { remove(); }

std::string SharedIpNetns::netns_of(const std::string& node) const {
  auto it = node_ns_.find(node);
  return it == node_ns_.end() ? "" : it->second;
}

std::vector<std::string> SharedIpNetns::namespaces() const {
  std::vector<std::string> all;
  if (!bridge_ns_.empty()) all.push_back(bridge_ns_);
  for (const auto& [node, ns] : node_ns_) all.push_back(ns);
  return all;
}

Status<NetnsErrc> SharedIpNetns::add_vip(const std::string& node) {
  auto r = net::run_command(
      {"ip", "-n", netns_of(node), "addr", "replace", vip_ + "/32", "dev", kNodeInterface}, "",
      kCommandTimeoutS);
  if (!r || r->exit_code != 0)
    return make_error(NetnsErrc::kCommand, "node " + node + ": cannot add shared IP " + vip_ +
                                               ": " + (r ? r->err : r.message()));
  return Unit{};
}

void SharedIpNetns::remove_vip(const std::string& node) {
  (void)net::run_command(
      {"ip", "-n", netns_of(node), "addr", "del", vip_ + "/32", "dev", kNodeInterface}, "",
      kCommandTimeoutS);
}

Status<NetnsErrc> SharedIpNetns::announce(const std::string& node) {
  NetnsScope in(netns_of(node));
  if (!in.entered()) return make_error(NetnsErrc::kAnnounce, "node " + node + ": " + in.error());
  const auto fail = [&](const char* what) {
    return make_error(NetnsErrc::kAnnounce, "node " + node + ": gratuitous ARP for " + vip_ + ": " +
                                                what + ": " + std::strerror(errno));
  };
  const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ARP));
  if (fd < 0) return fail("socket");
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, kNodeInterface, IFNAMSIZ - 1);
  if (::ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) {
    ::close(fd);
    return fail("SIOCGIFHWADDR");
  }
  unsigned char mac[ETH_ALEN];
  std::memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
  if (::ioctl(fd, SIOCGIFINDEX, &ifr) != 0) {
    ::close(fd);
    return fail("SIOCGIFINDEX");
  }
  in_addr vip{};
  inet_pton(AF_INET, vip_.c_str(), &vip);
  // An ARP request for the VIP from the VIP (what `arping -U` sends), then the same as a reply:
  // Linux takes either as a gratuitous ARP and overrides its neighbour entry at once.
  bool sent = true;
  for (const std::uint16_t op : {ARPOP_REQUEST, ARPOP_REPLY}) {
    struct {
      ether_header eth;
      ether_arp arp;
    } __attribute__((packed)) frame{};
    std::memset(frame.eth.ether_dhost, 0xff, ETH_ALEN);
    std::memcpy(frame.eth.ether_shost, mac, ETH_ALEN);
    frame.eth.ether_type = htons(ETHERTYPE_ARP);
    frame.arp.arp_hrd = htons(ARPHRD_ETHER);
    frame.arp.arp_pro = htons(ETHERTYPE_IP);
    frame.arp.arp_hln = ETH_ALEN;
    frame.arp.arp_pln = 4;
    frame.arp.arp_op = htons(op);
    std::memcpy(frame.arp.arp_sha, mac, ETH_ALEN);
    std::memcpy(frame.arp.arp_spa, &vip, 4);
    std::memset(frame.arp.arp_tha, op == ARPOP_REPLY ? 0xff : 0, ETH_ALEN);
    std::memcpy(frame.arp.arp_tpa, &vip, 4);
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_ARP);
    to.sll_ifindex = ifr.ifr_ifindex;
    to.sll_halen = ETH_ALEN;
    std::memset(to.sll_addr, 0xff, ETH_ALEN);
    sent = sent && ::sendto(fd, &frame, sizeof frame, 0, reinterpret_cast<sockaddr*>(&to),
                            sizeof to) == static_cast<ssize_t>(sizeof frame);
  }
  if (!sent) {
    auto e = fail("sendto");
    ::close(fd);
    return e;
  }
  ::close(fd);
  return Unit{};
}

void SharedIpNetns::remove() {
  for (const auto& ns : created_) (void)run({"ip", "netns", "del", ns});
  created_.clear();
}

}  // namespace hitless::lab
