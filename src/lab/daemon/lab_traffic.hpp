#pragma once
// LabTraffic: the real traffic components a lab definition asks for, beside the emulated nodes:
// Knot DNS for clusters with `traffic: dns` and a NAT gateway (network namespace + nftables) for
// clusters with `traffic: nat`, and the namespaces of `shared_ip: netns` clusters. prepare() runs
// before the nodes bind (it gives them addresses the components can reach), start() after (it
// points the record / rule at each cluster's primary). Everything it started or created is stopped
// or removed by stop() or the destructor. Owned by the daemon's thread; blocking.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "lab/daemon/knot_server.hpp"
#include "lab/daemon/lab_runtime.hpp"
#include "lab/daemon/nat_gateway.hpp"
#include "lab/daemon/shared_ip_netns.hpp"
#include "lab/spec/lab_spec.hpp"

namespace hitless::lab {

struct DnsService {
  std::string server;  // host:port of knotd
  std::string zone, record;
  double ttl_s = 5;
  std::string key_file;    // relative to the lab directory
  std::uint16_t port = 0;  // the port every node of the cluster serves on
};

struct NatService {
  std::string netns, table, chain;
  std::string public_address;  // host:port clients connect to
};

class LabTraffic {
 public:
  ~LabTraffic() { stop(); }
  // DNS clusters' nodes get addresses of their own (127.x.y.k, one port for all, so the A
  // record alone says where clients go); NAT clusters' nodes listen on the gateway's side.
  // What it creates outside the daemon is recorded in `record_dir` (leftovers.hpp).
  Status<KnotErrc> prepare(const LabSpec& spec, std::map<std::string, NodeEndpoint>& endpoints,
                           const std::string& record_dir = "");
  // `shared_ip: netns` clusters: their namespaces and bridge; each one's VIP:port goes into
  // `shared_ips` (after prepare(), whose record_dir it uses).
  Status<KnotErrc> prepare_shared_ips(const LabSpec& spec,
                                      std::map<std::string, std::string>& shared_ips);
  // Starts knotd (TSIG key in DIR/secrets/dns-update.tsig, mode 0600) and adds the DNAT rules.
  Status<KnotErrc> start(const LabSpec& spec, const LabRuntime& runtime, const std::string& dir);
  void stop();

  const DnsService* dns(const std::string& cluster) const;
  const NatService* nat(const std::string& cluster) const;
  int knot_pid() const { return knot_ ? knot_->pid() : -1; }
  std::string netns() const { return gateway_ ? gateway_->netns() : ""; }
  SharedIpNetns* shared_ip_netns(const std::string& cluster) const;

 private:
  std::string record_dir_;
  std::unique_ptr<KnotServer> knot_;
  std::unique_ptr<NatGateway> gateway_;
  std::map<std::string, DnsService> dns_;
  std::map<std::string, NatService> nat_;
  std::map<std::string, std::unique_ptr<SharedIpNetns>> shared_ip_netns_;
};

// The node a cluster's clients reach at start: its primary (or active), else its first node.
std::string initial_service_node(const LabSpec& spec, const ClusterSpec& c);

}  // namespace hitless::lab
