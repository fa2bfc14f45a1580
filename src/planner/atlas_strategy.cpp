// Seed 001 (BeyondTrust PRA), "Multiple appliances in an Atlas cluster", with and without
// failover configured, step for step. One deliberate reading: the seed upgrades the backup master
// and then "repeats the upgrade process" on each offline traffic node; these are independent, so
// they run in parallel branches (the backup master's copy of the configuration is not in force
// until it becomes primary). The second half is drained before its install as the first was (the
// seed installs at once, which would cut its remaining sessions).
#include "planner/atlas_strategy.hpp"

#include <algorithm>
#include <set>

namespace hitless::plan {
namespace {

constexpr const char* kAtlasSeed = "001 Atlas clusters";

std::string ref(bool failover, const std::string& section) {
  return std::string(kAtlasSeed) +
         (failover ? " > With failover configured > " : " > Without failover configured > ") +
         section;
}

}  // namespace

Result<std::map<std::string, std::vector<std::string>>, PlanningErrc> atlas_first_wave(
    const InventoryCluster& c) {
  std::map<std::string, std::vector<std::string>> regions;
  for (const auto& n : c.nodes) {
    if (n.role != "traffic") continue;
    if (n.region.empty())
      return make_error(PlanningErrc::kMismatch,
                        "cluster " + c.name + ": traffic node " + n.name +
                            " has no region; the seed takes half of each region's traffic "
                            "nodes offline, so every traffic node needs one");
    regions[n.region].push_back(n.name);
  }
  if (regions.empty())
    return make_error(PlanningErrc::kMismatch,
                      "cluster " + c.name + ": an Atlas cluster needs traffic nodes");
  std::map<std::string, std::vector<std::string>> first;
  for (const auto& [region, nodes] : regions) {
    const int n = static_cast<int>(nodes.size());
    const int floor = PlanBuilder::region_floor(c.policy, n);
    if (n - floor < floor || (n == 1 && capacity_floor_count(c.policy, n) >= 1))
      return make_error(
          PlanningErrc::kBadPolicy,
          "cluster " + c.name + ": region " + region + " has " + std::to_string(n) +
              " traffic node(s) and policy.capacity_floor keeps " + std::to_string(floor) +
              " accepting; each half is upgraded while the other serves, so the region needs " +
              "at least " + std::to_string(2 * std::max(1, floor)) +
              " traffic nodes: add traffic nodes to region " + region + " or lower the floor");
    const int k = std::clamp(n / 2, floor, n - floor);
    first[region] = std::vector<std::string>(nodes.begin(), nodes.begin() + k);
  }
  return first;
}

Status<PlanningErrc> AtlasStrategy::build(PlanBuilder& b, const StrategyInput& in) const {
  const InventoryCluster& c = in.cluster;
  std::string primary, backup;
  std::vector<std::string> traffic, all;
  for (const auto& n : c.nodes) {
    all.push_back(n.name);
    if (n.role == "traffic") traffic.push_back(n.name);
    if (n.role != "master" && n.role != "backup-master") continue;
    const ObservedNode& o = *in.observed.find(n.name);
    if (o.ha_role == "primary" || (o.ha_role == "none" && n.role == "master")) primary = n.name;
    if (o.ha_role == "backup") backup = n.name;
  }
  if (primary.empty())
    return make_error(PlanningErrc::kMismatch,
                      "cluster " + c.name + ": no master is primary; check Management > Failover " +
                          "on the masters and make one primary first");
  const bool failover = !backup.empty();
  auto first_wave = atlas_first_wave(c);
  if (!first_wave) return first_wave.error();

  std::set<std::string> first, upgraded_already;
  for (const auto& [region, nodes] : *first_wave) first.insert(nodes.begin(), nodes.end());
  std::vector<std::string> wave1, wave2;
  for (const auto& t : traffic) {
    if (in.hops.at(t).empty())
      upgraded_already.insert(t);
    else
      (first.count(t) ? wave1 : wave2).push_back(t);
  }
  std::vector<const catalog::CatalogPackage*> packages;  // every hop any node needs, in order
  for (const auto& n : all)
    for (const auto* p : in.hops.at(n))
      if (std::find(packages.begin(), packages.end(), p) == packages.end()) packages.push_back(p);
  for (const auto& [region, nodes] : *first_wave) {
    std::string names;
    for (const auto& n : nodes) names += (names.empty() ? "" : ", ") + n;
    b.note("cluster " + c.name + ": region " + region + ": first wave " +
           (names.empty() ? "none (a region of one node upgrades alone in the second wave and "
                            "accepts no new clients from the Sync Now until its install ends)"
                          : names));
  }

  auto install_hops = [&](const std::string& node, std::vector<Condition> pre,
                          const std::string& seed_ref) {
    for (const auto* p : in.hops.at(node)) b.install(node, *p, true, pre, seed_ref);
  };

  // --- Preparation --------------------------------------------------------------------------
  b.begin_phase(
      "preparation: distribute to the cluster, half of each region's traffic nodes "
      "offline and drained");
  std::vector<Condition> healthy;
  for (const auto& t : traffic) healthy.push_back({Cond::kServing, t, ""});
  healthy.push_back({Cond::kHaRole, primary, failover ? "primary" : "none"});
  if (failover) healthy.push_back({Cond::kHaRole, backup, "backup"});
  add_clock_checks(healthy, all);
  b.check(all, healthy, ref(failover, "Preparation"));
  // Every node is backed up, all at once, before anything is installed (issue 9: no install
  // starts on a node without its own proven backup); the primary master's is the seed's.
  std::vector<std::function<void()>> backups;
  for (const auto& n : all)
    backups.push_back([&b, failover, n] { b.backup(n, ref(failover, "Preparation")); });
  b.parallel(backups);
  for (const auto* p : packages)
    b.stage(primary, *p, ref(failover, "Preparation: download the updates, do not install them"));
  for (const auto* p : packages)
    b.distribute(primary, *p, all, ref(failover, "Preparation: Distribute to Cluster"));

  // --- The offline half (and, with failover, the backup master) -------------------------------
  std::vector<std::function<void()>> branches;
  if (failover && !in.hops.at(backup).empty())
    branches.push_back([&] {
      install_hops(backup, {{Cond::kHaRole, backup, "backup"}}, ref(true, "Upgrade the backup"));
    });
  for (const auto& t : wave1)
    branches.push_back([&, t] {
      b.set_traffic_accepting(primary, t, false,
                              ref(failover,
                                  "Preparation: uncheck Accepting New Client Connections "
                                  "on half of the traffic nodes per region"));
      b.wait_drained(t, ref(failover, "Preparation: wait for all connected clients to end"));
      install_hops(
          t, {{Cond::kAccepting, t, "no"}},
          ref(failover, failover ? "Upgrade the backup: repeat for each offline traffic node"
                                 : "Upgrade the offline nodes"));
    });
  b.parallel(branches);

  // --- The new primary (S6) or the master's install (S7) ------------------------------------
  std::string in_force = primary;  // whose configuration the traffic nodes follow from here on
  if (failover) {
    b.begin_phase("put the new primary " + backup + " into production");
    b.set_role(primary, "backup", true,
               ref(true, "Put the new primary into production: Become Backup"));
    b.set_role(backup, "primary", false,
               ref(true, "Put the new primary into production: Become Primary"));
    b.backup_operations(
        backup, false,
        ref(true, "Put the new primary into production: uncheck Enable Backup Operations"));
    in_force = backup;
  } else {
    b.begin_phase("upgrade the primary node " + primary);
    install_hops(primary, {}, ref(false, "Upgrade the primary node"));
  }
  std::map<std::string, bool> expect;
  for (const auto& t : traffic) expect[t] = !std::count(wave2.begin(), wave2.end(), t);
  branches.clear();
  for (const auto& t : traffic)
    if (expect[t])
      branches.push_back([&, t] {
        b.set_traffic_accepting(in_force, t, true,
                                ref(failover, "Bring upgraded traffic nodes back online"));
      });
  b.parallel(branches);
  b.cluster_sync(in_force, expect, "",
                 ref(failover, "Bring upgraded traffic nodes back online: Sync Now"));

  // --- The rest --------------------------------------------------------------------------------
  b.begin_phase("upgrade the rest of the deployment");
  branches.clear();
  for (const auto& t : wave2)
    branches.push_back([&, t] {
      b.wait_drained(
          t, ref(failover, "Upgrade the rest of the deployment (hitless: its clients end first)"));
      install_hops(t, {{Cond::kAccepting, t, "no"}},
                   ref(failover, "Upgrade the rest of the deployment"));
      b.set_traffic_accepting(
          in_force, t, true,
          ref(failover, failover ? "Upgrade the rest of the deployment: check Accepting"
                                 : "Restore the cluster configuration: check Accepting"));
    });
  b.parallel(branches);
  for (auto& [t, accepting] : expect) accepting = true;
  if (failover) {
    install_hops(primary, {{Cond::kHaRole, primary, "backup"}}, ref(true, "Upgrade Appliance A"));
    b.backup_operations(
        primary, true,
        ref(true, "Restore the cluster configuration: check Enable Backup Operations"));
    b.cluster_sync(backup, expect, primary,
                   ref(true, "Restore the cluster configuration: Sync Now"));
  } else {
    b.cluster_sync(primary, expect, "", ref(false, "Restore the cluster configuration: Sync Now"));
  }
  // Each node is verified on its own, all at once: a chain of one look per node made the run's
  // tail grow with the cluster (about 0.4 model s a node at time scale 0.05).
  std::vector<std::function<void()>> verifies;
  for (const auto& n : all)
    verifies.push_back([&b, &in, n] {
      b.verify(n, in.target_version,
               std::string(kAtlasSeed) + " > verify the cluster runs the release");
    });
  b.parallel(verifies);
  return Unit{};
}

}  // namespace hitless::plan
