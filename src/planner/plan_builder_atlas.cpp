// PlanBuilder blocks for seed 001 Atlas clusters: Distribute to Cluster, accepting per traffic
// node set on the primary master, waiting for connected clients to end, Sync Now, backup
// operations and the masters' failover roles. Pure.
#include <algorithm>

#include "planner/plan_builder.hpp"

namespace hitless::plan {

int PlanBuilder::region_floor(const Policy& policy, int region_size) {
  // Never a region's last accepting node when it has two or more; the policy may ask for more.
  return std::max(region_size >= 2 ? 1 : 0, capacity_floor_count(policy, region_size));
}

void PlanBuilder::guard_region(Step& s, const std::string& node) const {
  const InventoryNode* self = cluster_.find(node);
  if (!self || self->role != "traffic") return;
  std::vector<std::string> region;
  for (const auto& n : cluster_.nodes)
    if (n.role == "traffic" && n.region == self->region) region.push_back(n.name);
  const int floor = region_floor(cluster_.policy, static_cast<int>(region.size()));
  if (floor == 0) return;
  s.guards.push_back(
      {Cond::kRegionServing, "", self->region + ":" + std::to_string(floor), std::move(region)});
}

std::string PlanBuilder::distribute(const std::string& master, const catalog::CatalogPackage& pkg,
                                    const std::vector<std::string>& nodes,
                                    const std::string& seed_ref) {
  Step& s = add(Verb::kDistribute, {master}, "distribute-" + pkg.id(),
                "Distribute to Cluster: " + master + " sends " + pkg.id() +
                    " to every node (staged, not installed)");
  s.params = {{"package", pkg.id()}};
  s.preconditions = {{Cond::kStaged, master, pkg.id()}};
  double longest = 0;
  for (const auto& n : nodes) {
    if (n == master) continue;
    s.gate.push_back({Cond::kStaged, n, pkg.id()});
    longest = std::max(longest, pkg.manifest.size_mb / std::max(0.001, profile(n).sync_mb_per_s));
  }
  s.estimate_s = kApiCallS + longest;
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::set_traffic_accepting(const std::string& master, const std::string& node,
                                               bool accepting, const std::string& seed_ref) {
  Step& s = add(Verb::kSetAccepting, {node}, (accepting ? "accept-" : "offline-") + node,
                (accepting ? "Check" : "Uncheck") + std::string(" Accepting New Client ") +
                    "Connections for " + node + " (on " + master + ")");
  s.params = {{"accepting", accepting}, {"master", master}};
  s.preconditions = {{Cond::kReachable, master, ""}};
  s.gate = {{Cond::kAccepting, node, accepting ? "yes" : "no"}};
  if (!accepting) guard_region(s, node);
  s.estimate_s = kApiCallS;
  s.undo = Undo{Verb::kSetAccepting,
                {node},
                {{"accepting", !accepting}, {"master", master}},
                (accepting ? "Uncheck" : "Check") + std::string(" Accepting for ") + node};
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::wait_drained(const std::string& node, const std::string& seed_ref) {
  const Policy& p = cluster_.policy;
  Step& s = add(Verb::kWaitDrained, {node}, "drain-" + node,
                "Wait for the connected clients of " + node + " to end (at most " +
                    std::to_string(static_cast<long>(p.drain_timeout_s)) + " s, then " +
                    to_string(p.on_drain_timeout) + ")");
  s.params = {{"timeout_s", p.drain_timeout_s}, {"on_timeout", to_string(p.on_drain_timeout)}};
  s.gate = {{Cond::kDrained, node, ""}};
  s.estimate_s = std::min(p.drain_timeout_s, profile(node).session_lifetime_s);
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::cluster_sync(const std::string& master,
                                      const std::map<std::string, bool>& expect,
                                      const std::string& backup_master,
                                      const std::string& seed_ref) {
  Step& s = add(Verb::kClusterSync, {master}, "cluster-sync",
                "Sync Now on " + master + ": the traffic nodes take its cluster configuration" +
                    (backup_master.empty() ? "" : ", " + backup_master + " syncs"));
  s.preconditions = {{Cond::kServing, master, ""}};
  for (const auto& [node, accepting] : expect)
    s.gate.push_back({Cond::kAccepting, node, accepting ? "yes" : "no"});
  s.estimate_s = kApiCallS;
  if (!backup_master.empty()) {
    s.gate.push_back({Cond::kSynced, backup_master, ""});
    s.estimate_s += profile(master).data_mb / std::max(0.001, profile(backup_master).sync_mb_per_s);
  }
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::backup_operations(const std::string& master, bool enabled,
                                           const std::string& seed_ref) {
  Step& s =
      add(Verb::kBackupOperations, {master}, "backup-ops-" + master,
          (enabled ? "Check" : "Uncheck") + std::string(" Enable Backup Operations on ") + master);
  s.params = {{"enabled", enabled}};
  s.preconditions = {{Cond::kReachable, master, ""}};
  s.estimate_s = kApiCallS;
  s.undo = Undo{Verb::kBackupOperations,
                {master},
                {{"enabled", !enabled}},
                "Set Enable Backup Operations back"};
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::set_role(const std::string& node, const std::string& role, bool force,
                                  const std::string& seed_ref) {
  Step& s = add(Verb::kSetRole, {node}, "become-" + role + "-" + node,
                node + ": Become " + (role == "primary" ? "Primary" : "Backup") +
                    (force ? " (even if the peer site cannot be contacted)" : ""));
  s.params = {{"role", role}, {"force", force}};
  s.preconditions = {{Cond::kReachable, node, ""}};
  s.gate = {{Cond::kHaRole, node, role}};
  s.estimate_s = kApiCallS;
  s.undo = Undo{Verb::kSetRole,
                {node},
                {{"role", role == "primary" ? "backup" : "primary"}, {"force", true}},
                "Give the role back"};
  s.seed_ref = seed_ref;
  return s.id;
}

}  // namespace hitless::plan
