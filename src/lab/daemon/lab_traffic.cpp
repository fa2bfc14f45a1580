#include "lab/daemon/lab_traffic.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab/daemon/lab_dir.hpp"
#include "net/tsig_key.hpp"

namespace hitless::lab {
namespace {

// Whether host:port can be bound right now (TCP).
bool bindable(const std::string& host, std::uint16_t port, std::uint16_t* chosen = nullptr) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) return false;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  socklen_t len = sizeof a;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  if (ok && chosen) *chosen = ntohs(a.sin_port);
  ::close(fd);
  return ok;
}

// 127.X.Y.1..n for one DNS cluster, X.Y random so labs side by side do not share addresses.
std::vector<std::string> loopback_block(std::size_t n) {
  const std::uint32_t r = randombytes_uniform(1u << 14);
  const std::string prefix =
      "127." + std::to_string(64 + (r >> 8)) + "." + std::to_string(r & 255) + ".";
  std::vector<std::string> out;
  for (std::size_t i = 1; i <= n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

// One port free on every address (the lab binds them moments later, with SO_REUSEADDR).
std::uint16_t common_port(const std::vector<std::string>& hosts) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    std::uint16_t port = 0;
    if (!bindable(hosts.front(), 0, &port)) return 0;
    bool all = true;
    for (const auto& h : hosts) all = all && bindable(h, port);
    if (all) return port;
  }
  return 0;
}

std::string chain_name(std::size_t cluster_index) { return "svc" + std::to_string(cluster_index); }

}  // namespace

std::string initial_service_node(const LabSpec& spec, const ClusterSpec& c) {
  for (const auto& name : c.nodes) {
    const NodeSpec* n = spec.find_node(name);
    if (n && (n->role == "primary" || n->role == "active")) return name;
  }
  return c.nodes.empty() ? "" : c.nodes.front();
}

Status<KnotErrc> LabTraffic::prepare(const LabSpec& spec,
                                     std::map<std::string, NodeEndpoint>& endpoints,
                                     const std::string& record_dir) {
  record_dir_ = record_dir;
  for (std::size_t i = 0; i < spec.clusters.size(); ++i) {
    const ClusterSpec& c = spec.clusters[i];
    if (c.traffic == TrafficSteering::kDns && c.dns) {
      const auto hosts = loopback_block(c.nodes.size());
      const std::uint16_t port = common_port(hosts);
      if (port == 0)
        return make_error(KnotErrc::kStart, "cluster " + c.name + ": no port is free on all of " +
                                                hosts.front() + ".." + hosts.back());
      for (std::size_t j = 0; j < c.nodes.size(); ++j) {
        endpoints.at(c.nodes[j]).host = hosts[j];
        endpoints.at(c.nodes[j]).port = port;
      }
      dns_[c.name] = DnsService{"", c.dns->zone, c.dns->record, c.dns->ttl_s, "", port};
    }
    if (c.traffic == TrafficSteering::kNat) {
      if (!gateway_) {
        auto g = NatGateway::create(record_dir_);
        if (!g) return make_error(KnotErrc::kStart, g.message());
        gateway_ = std::move(*g);
      }
      for (const auto& name : c.nodes) {
        endpoints.at(name).host = gateway_->inside_address();
        endpoints.at(name).port = 0;
      }
      const std::uint16_t port =
          c.nat && c.nat->port != 0 ? c.nat->port : static_cast<std::uint16_t>(8080 + i);
      nat_[c.name] = NatService{gateway_->netns(), gateway_->table(), chain_name(i),
                                gateway_->public_address() + ":" + std::to_string(port)};
    }
  }
  return Unit{};
}

Status<KnotErrc> LabTraffic::prepare_shared_ips(const LabSpec& spec,
                                                std::map<std::string, std::string>& shared_ips) {
  for (const auto& c : spec.clusters) {
    if (!c.shared_ip_netns) continue;
    auto net = SharedIpNetns::create(c.name, c.nodes, record_dir_);
    if (!net) return make_error(KnotErrc::kStart, net.message());
    // Fresh namespaces: any port is free in them.
    const std::uint16_t port = c.shared_ip && c.shared_ip->port != 0 ? c.shared_ip->port : 8080;
    shared_ips[c.name] = (*net)->vip() + ":" + std::to_string(port);
    shared_ip_netns_[c.name] = std::move(*net);
  }
  return Unit{};
}

SharedIpNetns* LabTraffic::shared_ip_netns(const std::string& cluster) const {
  auto it = shared_ip_netns_.find(cluster);
  return it == shared_ip_netns_.end() ? nullptr : it->second.get();
}

Status<KnotErrc> LabTraffic::start(const LabSpec& spec, const LabRuntime& runtime,
                                   const std::string& dir) {
  for (std::size_t i = 0; i < spec.clusters.size(); ++i) {
    const ClusterSpec& c = spec.clusters[i];
    auto it = nat_.find(c.name);
    if (it == nat_.end()) continue;
    const auto& ep = runtime.endpoint(initial_service_node(spec, c));
    const std::string& pub = it->second.public_address;
    const auto port = static_cast<std::uint16_t>(std::stoi(pub.substr(pub.rfind(':') + 1)));
    if (auto s =
            gateway_->add_service(it->second.chain, port, ep.host + ":" + std::to_string(ep.port));
        !s)
      return make_error(KnotErrc::kStart, "cluster " + c.name + ": " + s.message());
  }
  if (dns_.empty()) return Unit{};

  KnotOptions o;
  o.dir = dir + "/knot";
  o.record_dir = record_dir_;
  o.key = generate_tsig_key("hitless-update");
  const std::string key_file = "secrets/dns-update.tsig";
  try {
    write_file_atomic(dir + "/" + key_file, net::format_tsig_key(o.key) + "\n", true);
  } catch (const std::exception& e) {
    return make_error(KnotErrc::kConfig, e.what());
  }
  std::map<std::string, KnotZone> zones;
  for (const auto& c : spec.clusters) {
    if (!dns_.count(c.name)) continue;
    if (o.port == 0) {  // one knotd for every zone, where the first DNS cluster asks for it
      o.host = c.dns->server.host;
      o.port = c.dns->server.port;
    }
    KnotZone& z = zones[c.dns->zone];
    z.zone = c.dns->zone;
    z.ttl = static_cast<std::uint32_t>(c.dns->ttl_s);
    z.a_records.emplace_back(c.dns->record, runtime.endpoint(initial_service_node(spec, c)).host);
  }
  for (auto& [name, z] : zones) o.zones.push_back(z);
  auto k = KnotServer::start(o);
  if (!k) return k.error();
  knot_ = std::move(*k);
  for (auto& [name, d] : dns_) {
    d.server = knot_->server().str();
    d.key_file = key_file;
  }
  return Unit{};
}

void LabTraffic::stop() {
  if (knot_) knot_->stop();
  knot_.reset();
  if (gateway_) gateway_->remove();
  gateway_.reset();
  shared_ip_netns_.clear();  // deletes the namespaces
}

const DnsService* LabTraffic::dns(const std::string& cluster) const {
  auto it = dns_.find(cluster);
  return it == dns_.end() ? nullptr : &it->second;
}

const NatService* LabTraffic::nat(const std::string& cluster) const {
  auto it = nat_.find(cluster);
  return it == nat_.end() ? nullptr : &it->second;
}

}  // namespace hitless::lab
