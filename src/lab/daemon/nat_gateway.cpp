#include "lab/daemon/nat_gateway.hpp"

#include <sodium.h>

#include "lab/daemon/leftovers.hpp"
#include "net/child_process.hpp"

namespace hitless::lab {
namespace {

constexpr double kNatCommandTimeoutS = 10;

Status<NatErrc> run_nat_command(const std::vector<std::string>& argv,
                                const std::string& input = "") {
  auto r = net::run_command(argv, input, kNatCommandTimeoutS);
  std::string cmd;
  for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
  if (!r)
    return make_error(
        r.code() == net::ProcessErrc::kNotFound ? NatErrc::kNotInstalled : NatErrc::kCommand,
        "NAT gateway: " + cmd + ": " + r.message());
  if (r->exit_code != 0) {
    std::string err = r->err.empty() ? r->out : r->err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    return make_error(NatErrc::kCommand, "NAT gateway: " + cmd + " exited with " +
                                             std::to_string(r->exit_code) + ": " + err);
  }
  return Unit{};
}

std::string hex(std::uint32_t v, int digits) {
  static const char* d = "0123456789abcdef";
  std::string s(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = d[v & 15];
  return s;
}

}  // namespace

Result<std::unique_ptr<NatGateway>, NatErrc> NatGateway::create(const std::string& record_dir) {
  for (const char* tool : {"ip", "nft"})
    if (net::find_program(tool).empty())
      return make_error(NatErrc::kNotInstalled,
                        std::string("NAT gateway: ") + tool + ": not found (install " +
                            (std::string(tool) == "ip" ? "iproute2" : "nftables") + ")");
  std::unique_ptr<NatGateway> g(new NatGateway);
  // Random names and subnet: labs of several users or tests run side by side; a clash (one in
  // 2^24 for names, rarer for a subnet also in use) makes `ip` fail and is retried.
  Status<NatErrc> made = Unit{};
  for (int attempt = 0; attempt < 4; ++attempt) {
    const std::uint32_t id = randombytes_uniform(1u << 24);
    const std::uint32_t subnet = randombytes_uniform(1u << 15);  // /30s of 198.18.0.0/15
    const std::uint32_t base = (198u << 24) | (18u << 16) | (subnet << 2);
    const auto dotted = [](std::uint32_t a) {
      return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
             std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
    };
    g->netns_ = "hitless-" + hex(id, 6);
    g->veth_out_ = "hl" + hex(id, 6) + "o";
    g->veth_in_ = "hl" + hex(id, 6) + "i";
    g->inside_ = dotted(base + 1);
    g->public_ = dotted(base + 2);
    made = run_nat_command({"ip", "netns", "add", g->netns_});
    if (made) break;
  }
  if (!made) return made.error();
  record_namespace(record_dir, g->netns_);
  const std::string ns = g->netns_;
  const std::vector<std::vector<std::string>> setup{
      {"ip", "link", "add", g->veth_out_, "type", "veth", "peer", "name", g->veth_in_, "netns", ns},
      {"ip", "addr", "add", g->inside_ + "/30", "dev", g->veth_out_},
      {"ip", "link", "set", g->veth_out_, "up"},
      {"ip", "-n", ns, "addr", "add", g->public_ + "/30", "dev", g->veth_in_},
      {"ip", "-n", ns, "link", "set", g->veth_in_, "up"},
      {"ip", "-n", ns, "link", "set", "lo", "up"},
      // Packets DNATed back out of the interface they came in on are forwarded, not redirected.
      {"ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1"},
      {"ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.send_redirects=0"},
      {"ip", "netns", "exec", ns, "sysctl", "-qw",
       "net.ipv4.conf." + g->veth_in_ + ".send_redirects=0"},
  };
  for (const auto& argv : setup)
    if (auto s = run_nat_command(argv); !s)
      return s.error();  // the destructor removes the namespace
  const std::string table = "table ip " + g->table_ + " {\n" +
                            "  chain prerouting {\n"
                            "    type nat hook prerouting priority dstnat; policy accept;\n"
                            "  }\n"
                            "  chain postrouting {\n"
                            "    type nat hook postrouting priority srcnat; policy accept;\n"
                            "    oifname \"" +
                            g->veth_in_ +
                            "\" masquerade\n"
                            "  }\n"
                            "}\n";
  if (auto s = run_nat_command({"ip", "netns", "exec", ns, "nft", "-f", "-"}, table); !s)
    return s.error();
  return g;
}

Status<NatErrc> NatGateway::add_service(const std::string& chain, std::uint16_t port,
                                        const std::string& target) {
  const std::string t = "ip " + table_;
  const std::string script = "add chain " + t + " " + chain + "\n" + "add rule " + t + " " + chain +
                             " ip daddr " + public_ + " tcp dport " + std::to_string(port) +
                             " dnat to " + target + "\n" + "add rule " + t + " prerouting jump " +
                             chain + "\n";
  return run_nat_command({"ip", "netns", "exec", netns_, "nft", "-f", "-"}, script);
}

void NatGateway::remove() {
  if (netns_.empty()) return;
  (void)run_nat_command(
      {"ip", "netns", "del", netns_});  // nothing more to do if it is already gone
  netns_.clear();
}

NatGateway::~NatGateway() { remove(); }

}  // namespace hitless::lab
