#include "lab/daemon/haproxy_config.hpp"

namespace hitless::lab {

std::string haproxy_config(const std::vector<BalancedCluster>& clusters, const HaproxyPaths& paths,
                           bool drop_to_nobody) {
  std::string c;
  c += "# Written by `hitless lab up`; HAProxy runs while the lab runs. Do not edit.\n";
  c += "global\n";
  c += "    stats socket " + paths.socket + " mode 600 level admin\n";
  c += "    stats timeout 30s\n";
  c += "    pidfile " + paths.pidfile + "\n";
  c += "    maxconn 4096\n";
  if (drop_to_nobody) c += "    user nobody\n    group nogroup\n";
  c += "defaults\n";
  c += "    mode http\n";
  c += "    timeout connect 1s\n";
  // Client sessions are long-lived streams that stay quiet until they end: inactivity alone must
  // not cut them. Dead servers are found by the health checks, not by these timeouts.
  c += "    timeout client 1h\n";
  c += "    timeout server 1h\n";
  c += "    timeout http-keep-alive 10s\n";
  c += "    retries 3\n";
  c += "    option redispatch 1\n";
  // Requests that never reached a server are retried on another one (the probe's are idempotent).
  c += "    retry-on conn-failure empty-response response-timeout\n";
  for (const auto& cl : clusters) {
    c += "frontend " + cl.name + "-front\n";
    c += "    bind " + cl.service + "\n";
    c += "    default_backend " + cl.name + "\n";
    c += "backend " + cl.name + "\n";
    c += "    balance roundrobin\n";
    // The data plane answers 200 only while the node serves and accepts new connections.
    c += "    option httpchk GET /\n";
    c += "    http-check expect status 200\n";
    c += "    default-server check inter 100ms fall 2 rise 2\n";
    for (const auto& s : cl.servers) c += "    server " + s.name + " " + s.address + "\n";
  }
  return c;
}

}  // namespace hitless::lab
