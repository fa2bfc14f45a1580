#pragma once
// The haproxy.cfg the lab writes for its active/active clusters: one frontend per cluster at its
// service address, one backend named after the cluster whose servers are named after its nodes,
// HTTP health checks on each node's data plane, `retries` and `option redispatch`, and the
// runtime API on a unix socket in the lab directory (level admin). Unprivileged: no chroot, ports
// the lab chose; when run as root HAProxy drops to nobody after binding. Pure.

#include <string>
#include <vector>

namespace hitless::lab {

struct BalancedServer {
  std::string name;     // the node's name
  std::string address;  // host:port of the node's data plane
};

struct BalancedCluster {
  std::string name;     // the cluster's name, also the backend's
  std::string service;  // host:port of the frontend (clients connect here)
  std::vector<BalancedServer> servers;
};

struct HaproxyPaths {
  std::string socket;  // the runtime API's unix socket
  std::string pidfile;
};

std::string haproxy_config(const std::vector<BalancedCluster>& clusters, const HaproxyPaths& paths,
                           bool drop_to_nobody);

}  // namespace hitless::lab
