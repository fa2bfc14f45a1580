#include "executor/conditions.hpp"

#include <cmath>
#include <cstdlib>

#include "common/durations.hpp"

namespace hitless::exec {
namespace {

using plan::Cond;

// Serving now and not about to be taken out by a step in flight.
bool counts_as_serving(const std::string& node, const Evidence& e) {
  if (e.going_out.count(node)) return false;
  auto it = e.nodes.find(node);
  return it != e.nodes.end() && it->second.reachable && it->second.serving;
}

// Region guards (seed 001 Atlas) count nodes that take new clients: serving and accepting.
bool counts_as_accepting(const std::string& node, const Evidence& e) {
  if (!counts_as_serving(node, e)) return false;
  return e.nodes.at(node).accepting;
}

std::optional<std::string> unmet_cluster_wide(const plan::Condition& c, const Evidence& e) {
  int up = 0;
  std::string down;
  const bool region = c.kind == Cond::kRegionServing;
  for (const auto& n : c.nodes) {
    if (region ? counts_as_accepting(n, e) : counts_as_serving(n, e)) {
      ++up;
    } else {
      down += (down.empty() ? "" : ", ") + n + (e.going_out.count(n) ? " (taken out)" : "");
    }
  }
  const int total = static_cast<int>(c.nodes.size());
  const std::string left =
      std::to_string(up) + " of " + std::to_string(total) + " would be serving";
  switch (c.kind) {
    case Cond::kMinServing: {
      auto need = plan::required_count(c.value, total);
      if (!need) return "malformed capacity '" + c.value + "'";
      if (up >= *need) return std::nullopt;
      return left + ", below the floor of " + c.value + " (down: " + down + ")";
    }
    case Cond::kMaxOut: {
      auto most = plan::required_count(c.value, total);
      if (!most) return "malformed count '" + c.value + "'";
      if (total - up <= *most) return std::nullopt;
      return std::to_string(total - up) + " of " + std::to_string(total) +
             " would be out of service, more than " + c.value + " (down: " + down + ")";
    }
    case Cond::kPairUp:
      if (up >= 1 || total == 0) return std::nullopt;
      return "both members of the pair would be down (" + down + ")";
    case Cond::kRegionServing: {
      // "REGION" (at least one) or "REGION:N" (at least N accepting new clients).
      const auto colon = c.value.find(':');
      int need = 1;
      if (colon != std::string::npos) {
        auto n = plan::required_count(c.value.substr(colon + 1), total);
        if (!n) return "malformed region floor '" + c.value + "'";
        need = *n;
      }
      if (up >= need || total == 0) return std::nullopt;
      return "region " + c.value.substr(0, colon) + " would have " + std::to_string(up) +
             " node(s) accepting new clients, fewer than " + std::to_string(need) +
             " (down: " + down + ")";
    }
    default:
      return "not a cluster-wide condition";
  }
}

// Seed 004 hardware migration. nullopt: `c` is not one of these kinds; otherwise the verdict.
std::optional<std::optional<std::string>> unmet_migration(const plan::Condition& c,
                                                          const ObservedNode& n,
                                                          const Evidence& e) {
  using Verdict = std::optional<std::string>;
  switch (c.kind) {
    case Cond::kDataEqual: {
      const std::string other = c.nodes.empty() ? "" : c.nodes.front();
      auto o = e.nodes.find(other);
      if (o == e.nodes.end() || !o->second.reachable)
        return Verdict(other + " was not observed: its data cannot be compared");
      if (!n.data_checksum.empty() && n.data_checksum == o->second.data_checksum)
        return Verdict(std::nullopt);
      return Verdict(c.node + " holds data " + n.data_checksum.substr(0, 12) + ", " + other +
                     " holds " + o->second.data_checksum.substr(0, 12));
    }
    case Cond::kCertificate: {
      if (!n.migration) return Verdict(c.node + " does not report its certificates");
      const auto at = c.value.find('@');
      const std::string name = c.value.substr(0, at);
      if (n.migration->certificate != name)
        return Verdict(c.node + " holds " +
                       (n.migration->certificate.empty()
                            ? std::string("no certificate")
                            : "a certificate issued to " + n.migration->certificate) +
                       ", not one issued to " + name);
      if (at != std::string::npos && n.migration->certificate_ip != c.value.substr(at + 1))
        return Verdict(c.node + "'s certificate is assigned to '" + n.migration->certificate_ip +
                       "', not " + c.value.substr(at + 1));
      return Verdict(std::nullopt);
    }
    case Cond::kFactoryDefaults:
      if (n.migration && n.migration->factory_defaults) return Verdict(std::nullopt);
      return Verdict(c.node + " is not in factory state");
    default:
      return std::nullopt;
  }
}

// With out-of-band power the BMC decides: a node whose management plane is wedged is silent
// yet still on. Without it, silence is all there is to go by.
std::optional<std::string> unmet_powered_off(const std::string& node, const ObservedNode& n,
                                             const Evidence& e) {
  auto bmc = e.bmc_power.find(node);
  if (bmc == e.bmc_power.end())
    return n.reachable ? std::optional<std::string>(node + " still answers") : std::nullopt;
  if (!bmc->second.on)
    return "the BMC of " + node + " could not be read (" + bmc->second.error +
           "): its power state is unknown";
  if (!*bmc->second.on) return std::nullopt;
  return "the BMC of " + node + " reports power on" +
         (n.reachable ? std::string()
                      : " (its management API does not answer: wedged, or still shutting down)");
}

}  // namespace

std::optional<std::string> unmet(const plan::Condition& c, const std::string& cluster,
                                 const Evidence& e) {
  if (plan::is_cluster_wide(c.kind)) return unmet_cluster_wide(c, e);
  if (c.kind == Cond::kServiceFrom) {
    auto it = e.answered_by.find(cluster);
    if (it == e.answered_by.end()) return "nobody answers at the service address of " + cluster;
    if (it->second != c.node)
      return "the service address is answered by " + it->second + ", not " + c.node;
    return std::nullopt;
  }
  auto it = e.nodes.find(c.node);
  if (it == e.nodes.end()) return c.node + " was not observed";
  const ObservedNode& n = it->second;
  if (c.kind == Cond::kPoweredOff) return unmet_powered_off(c.node, n, e);
  if (!n.reachable)
    return c.node + " does not answer its management API" +
           (n.error.empty() ? "" : " (" + n.error + ")");
  if (auto m = unmet_migration(c, n, e)) return *m;
  switch (c.kind) {
    case Cond::kReachable:
      return std::nullopt;
    case Cond::kServing:
      if (n.serving) return std::nullopt;
      return c.node + " is not serving (phase " + n.phase + ")";
    case Cond::kVersion:
      if (n.version == c.value) return std::nullopt;
      return c.node + " runs " + n.version + ", not " + c.value;
    case Cond::kPackage: {
      const auto eq = c.value.find('=');
      const std::string name = c.value.substr(0, eq), version = c.value.substr(eq + 1);
      auto p = n.packages.find(name);
      if (p != n.packages.end() && p->second == version) return std::nullopt;
      return c.node + " has " + name + " " +
             (p == n.packages.end() ? std::string("not installed") : p->second) + ", not " +
             version;
    }
    case Cond::kStaged:
      for (const auto& s : n.staged)
        if (s == c.value) return std::nullopt;
      return c.value + " is not staged on " + c.node;
    case Cond::kInstallPending:
      if (n.install_state == "pending-reboot" && n.install_package == c.value) return std::nullopt;
      return c.node + " has not finished writing " + c.value + " (install " + n.install_state + ")";
    case Cond::kPeerInstallPending:
      if (n.ha_peer_after_reboot == c.value) return std::nullopt;
      return c.node + "'s High Availability page does not show " + c.value +
             " active after reboot on " + (n.ha_peer.empty() ? "the other node" : n.ha_peer) +
             (n.ha_peer_after_reboot.empty() ? "" : " (it shows " + n.ha_peer_after_reboot + ")");
    case Cond::kHaRole:
      if (n.ha_role == c.value) return std::nullopt;
      return c.node + " is " + n.ha_role + " in the failover relation, not " + c.value;
    case Cond::kHaNone:
      if (n.ha_role == "none") return std::nullopt;
      return c.node + " is still " + n.ha_role + " of " + n.ha_peer;
    case Cond::kOwnsSharedIp:
      if (n.shared_ip_enabled) return std::nullopt;
      return c.node + " does not hold the shared IP";
    case Cond::kHaStatus:
      if (n.ha_status == c.value) return std::nullopt;
      return c.node + "'s HA status is " + (n.ha_status.empty() ? "unknown" : n.ha_status) +
             ", not " + c.value;
    case Cond::kNotSyncing:
      if (!n.syncing) return std::nullopt;
      return c.node + " is syncing";
    case Cond::kAccepting:
      if (n.accepting == (c.value != "no")) return std::nullopt;
      return c.node + (n.accepting ? " still accepts" : " does not accept") +
             " new client connections";
    case Cond::kDrained:
      if (n.connected_clients == 0) return std::nullopt;
      if (n.connected_clients < 0) return c.node + " does not report its connected clients";
      return c.node + " still has " + std::to_string(n.connected_clients) + " connected clients";
    case Cond::kClockInSync: {
      const double limit = std::atof(c.value.c_str());
      if (!n.clock_skew_s || std::fabs(*n.clock_skew_s) <= limit) return std::nullopt;
      return c.node + "'s clock is " + format_duration(std::fabs(*n.clock_skew_s)) +
             (*n.clock_skew_s > 0 ? " ahead of" : " behind") + " this host's (limit " +
             format_duration(limit) +
             "): the appliance refuses updates and download keys while its time is wrong; "
             "correct its time (NTP) and resume";
    }
    case Cond::kSynced: {
      auto b = e.sync_baseline.find(c.node);
      const double before = b == e.sync_baseline.end() ? -1 : b->second;
      if (!n.syncing && n.last_sync_at > before) return std::nullopt;
      return n.syncing ? c.node + " is still syncing" : c.node + " has not synced yet";
    }
    default:
      return "condition " + std::string(plan::to_string(c.kind)) + " cannot be judged on one node";
  }
}

}  // namespace hitless::exec
