#include "executor/conditions.hpp"

namespace hitless::exec {

std::optional<std::string> unmet(const plan::Condition& c, const std::string& cluster, const Evidence& e) {
  if (c.kind == "service-from") {
    auto it = e.answered_by.find(cluster);
    if (it == e.answered_by.end()) return "nobody answers at the service address of " + cluster;
    if (it->second != c.node) return "the service address is answered by " + it->second + ", not " + c.node;
    return std::nullopt;
  }
  auto it = e.nodes.find(c.node);
  if (it == e.nodes.end()) return c.node + " was not observed";
  const ObservedNode& n = it->second;
  if (c.kind == "powered-off") return n.reachable ? std::optional<std::string>(c.node + " still answers") : std::nullopt;
  if (!n.reachable) return c.node + " does not answer its management API" + (n.error.empty() ? "" : " (" + n.error + ")");
  if (c.kind == "reachable") return std::nullopt;
  if (c.kind == "serving") {
    if (n.serving) return std::nullopt;
    return c.node + " is not serving (phase " + n.phase + ")";
  }
  if (c.kind == "version") {
    if (n.version == c.value) return std::nullopt;
    return c.node + " runs " + n.version + ", not " + c.value;
  }
  if (c.kind == "package") {
    const auto eq = c.value.find('=');
    const std::string name = c.value.substr(0, eq), version = c.value.substr(eq + 1);
    auto p = n.packages.find(name);
    if (p != n.packages.end() && p->second == version) return std::nullopt;
    return c.node + " has " + name + " " + (p == n.packages.end() ? std::string("not installed") : p->second) + ", not " + version;
  }
  if (c.kind == "staged") {
    for (const auto& s : n.staged)
      if (s == c.value) return std::nullopt;
    return c.value + " is not staged on " + c.node;
  }
  if (c.kind == "install-pending") {
    if (n.install_state == "pending-reboot" && n.install_package == c.value) return std::nullopt;
    return c.node + " has not finished writing " + c.value + " (install " + n.install_state + ")";
  }
  if (c.kind == "ha-role") {
    if (n.ha_role == c.value) return std::nullopt;
    return c.node + " is " + n.ha_role + " in the failover relation, not " + c.value;
  }
  if (c.kind == "ha-none") {
    if (n.ha_role == "none") return std::nullopt;
    return c.node + " is still " + n.ha_role + " of " + n.ha_peer;
  }
  if (c.kind == "owns-shared-ip") {
    if (n.shared_ip_enabled) return std::nullopt;
    return c.node + " does not hold the shared IP";
  }
  if (c.kind == "not-syncing") {
    if (!n.syncing) return std::nullopt;
    return c.node + " is syncing";
  }
  if (c.kind == "synced") {
    auto b = e.sync_baseline.find(c.node);
    const double before = b == e.sync_baseline.end() ? -1 : b->second;
    if (!n.syncing && n.last_sync_at > before) return std::nullopt;
    return n.syncing ? c.node + " is still syncing" : c.node + " has not synced yet";
  }
  return "unknown condition '" + c.kind + "'";
}

}  // namespace hitless::exec
