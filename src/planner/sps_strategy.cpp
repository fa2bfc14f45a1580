#include "planner/sps_strategy.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include "planner/role_order.hpp"

namespace hitless::plan {
namespace {

constexpr const char* kSpsSeed = "003 Upgrading an SPS cluster";
constexpr const char* kSearchSeed = "003 Upgrading an SPS cluster with Search Minion nodes";

std::string ref(const char* seed, const std::string& what) {
  return std::string(seed) + " > " + what;
}

struct SpsNodes {
  std::string primary, backup, master;
  std::vector<std::string> minions;
};

SpsNodes nodes_of(const InventoryCluster& c) {
  SpsNodes s;
  for (const auto& n : c.nodes) {
    if (n.role == "primary") s.primary = n.name;
    if (n.role == "backup") s.backup = n.name;
    if (n.role == "search-master") s.master = n.name;
    if (n.role == "search-minion") s.minions.push_back(n.name);
  }
  return s;
}

std::string versions_of(const std::vector<const catalog::CatalogPackage*>& hops) {
  std::string out;
  for (const auto* h : hops) out += (out.empty() ? "" : " -> ") + h->manifest.version;
  return out;
}

// The firmware hops every node takes, in order. A/B firmware takes one hop per reboot: each is
// written to the other slot, booted and verified before the next overwrites the slot that held
// the old one, so every hop is a whole run of the procedure. All nodes run one firmware (the
// planner checks), so they share the path; a node whose path differs is refused, naming both.
Result<std::vector<const catalog::CatalogPackage*>, PlanningErrc> common_hops(
    const StrategyInput& in) {
  const auto& first = in.cluster.nodes.front().name;
  const auto& hops = in.hops.at(first);
  for (const auto& n : in.cluster.nodes) {
    const auto& mine = in.hops.at(n.name);
    bool same = mine.size() == hops.size();
    for (std::size_t i = 0; same && i < hops.size(); ++i) same = mine[i]->id() == hops[i]->id();
    if (!same)
      return make_error(PlanningErrc::kMismatch,
                        "cluster " + in.cluster.name + ": " + n.name + "'s firmware path (" +
                            versions_of(mine) + ") differs from " + first + "'s (" +
                            versions_of(hops) + "); bring the nodes to one firmware first");
  }
  if (hops.empty())
    return make_error(PlanningErrc::kAlreadyAtTarget,
                      "cluster " + in.cluster.name + " already runs " + in.target_version);
  return hops;
}

// Steps 1-4 of the seed on one node: upload, Test (must pass), After reboot.
void set_to_boot(PlanBuilder& b, const std::string& node, const catalog::CatalogPackage& pkg,
                 const char* seed) {
  b.stage(node, pkg, ref(seed, "Upload the new firmware"));
  b.compat_test(node, pkg, ref(seed, "Click Test; proceed only if the upgrade test is successful"));
  b.install(node, pkg, false, {}, ref(seed, "For the new firmware, select After reboot"));
}

void upgrade_alone(PlanBuilder& b, const std::string& node, const catalog::CatalogPackage& pkg,
                   const std::string& target) {
  set_to_boot(b, node, pkg, kSearchSeed);
  b.reboot(node, target, {},
           ref(kSearchSeed, "Upgrade your Search Minion nodes one after the other"));
  b.verify(node, target, ref(kSearchSeed, "verify that the upgrade was successful"));
}

// Seed 003's whole procedure for one firmware `fw`: checklist (backups on the `first` hop), the
// search master set to boot it, then each role in `order`.
void procedure(PlanBuilder& b, const InventoryCluster& c, const SpsNodes& s,
               const std::vector<std::string>& order, const catalog::CatalogPackage& fw, bool first,
               const std::string& suffix) {
  const std::string target = fw.manifest.version;
  b.begin_phase("checklist and preparation for " + target + suffix);
  std::vector<std::string> all;
  std::vector<Condition> healthy;
  for (const auto& n : c.nodes) {
    all.push_back(n.name);
    healthy.push_back({Cond::kServing, n.name, ""});
  }
  healthy.push_back({Cond::kHaRole, s.primary, "primary"});
  healthy.push_back({Cond::kHaRole, s.backup, "backup"});
  healthy.push_back({Cond::kHaStatus, s.primary, "ok"});
  add_clock_checks(healthy, all);
  b.check(all, healthy,
          ref(kSpsSeed, "checklist: SPS is in good condition; the HA status is not degraded"));
  std::vector<std::function<void()>> backups;
  for (const auto& n : all)
    backups.push_back([&b, n] {
      b.backup(n, ref(kSpsSeed, "checklist: you have created a configuration backup"));
    });
  if (first) b.parallel(backups);
  if (!s.master.empty()) set_to_boot(b, s.master, fw, kSearchSeed);

  for (const auto& role : order) {
    if (role == "search-minion") {
      b.begin_phase("search minions one after the other" + suffix);
      for (const auto& m : s.minions) upgrade_alone(b, m, fw, target);
    } else if (role == "search-master") {
      b.begin_phase("search master " + s.master + " reboots into " + target + suffix);
      b.reboot(s.master, target, {},
               ref(kSearchSeed,
                   "Reboot the Search Master node, which will now boot the newer "
                   "firmware"));
      b.verify(s.master, target, ref(kSearchSeed, "verify the Search Master"));
    } else if (role == "primary") {
      b.begin_phase("HA pair " + s.primary + "/" + s.backup + " to " + target +
                    " (downtime while " + s.primary + " reboots)" + suffix);
      const std::string up =
          b.stage(s.primary, fw, ref(kSpsSeed, "step 2: Upload the new firmware"));
      b.add_gate(up, {Cond::kStaged, s.backup, fw.id()});  // the upload reaches the secondary
      b.compat_test(s.primary, fw, ref(kSpsSeed, "step 3: Test; proceed only if successful"));
      const std::string sel = b.install(s.primary, fw, false, {{Cond::kServing, s.backup, ""}},
                                        ref(kSpsSeed, "step 4: select After reboot"));
      // Step 5: the new firmware is active (after reboot) on the secondary too, verified where
      // the seed verifies it: on the primary's High Availability page. The secondary's own
      // management API need not answer (S12: it may stop answering here; step 6 then powers it
      // off out of band).
      b.add_gate(sel, {Cond::kPeerInstallPending, s.primary, fw.id()});
      b.also_writes_slot(sel, s.backup, fw.id());
      b.shut_down_other(s.backup, s.primary, ref(kSpsSeed, "step 6: Other node > Shutdown"));
      const std::string rb =
          b.reboot(s.primary, target, {{Cond::kPoweredOff, s.backup, ""}},
                   ref(kSpsSeed, "step 7: This node > Reboot; SPS boots the new firmware"));
      b.planned_downtime(
          rb, s.primary + " reboots while " + s.backup + " is shut down (seed 003 HA steps 6-7)");
      b.verify(s.primary, target, ref(kSpsSeed, "step 8: verify the primary node upgrade"));
      const auto* bp = c.find(s.backup);
      const auto* pp = c.find(s.primary);
      const double sync_s = pp->profile.data_mb / std::max(0.001, bp->profile.sync_mb_per_s);
      b.power(
          s.backup, true,
          {{Cond::kReachable, s.backup, ""},
           {Cond::kVersion, s.backup, target},
           {Cond::kSynced, s.backup, ""},
           {Cond::kHaStatus, s.primary, "waiting-activation"}},
          bp->profile.reboot_s + sync_s,
          "IPMI power on " + s.backup + ": it boots " + target + " and syncs from " + s.primary +
              " (heartbeat unavailable until the sync ends)",
          ref(kSpsSeed, "step 9: Use the IPMI to power on the secondary node; wait for the sync"));
      b.verify(s.backup, target,
               ref(kSpsSeed, "step 10: the secondary is connected and has the same firmware"));
      b.activate_slave(s.primary, s.backup, ref(kSpsSeed, "step 11: Click Activate Slave"));
    }
  }
}

}  // namespace

Result<std::vector<std::string>, PlanningErrc> sps_role_order(const InventoryCluster& c) {
  const SpsNodes s = nodes_of(c);
  if (!s.minions.empty() && s.master.empty()) {
    std::string names;
    for (const auto& m : s.minions) names += (names.empty() ? "" : ", ") + m;
    return make_error(PlanningErrc::kMismatch,
                      "cluster " + c.name + ": search-minion nodes (" + names +
                          ") without a search-master; minions push into the master's index "
                          "(seed 003), so the inventory must name the cluster's search-master");
  }
  std::vector<std::string> present;
  if (!s.minions.empty()) present.push_back("search-minion");
  if (!s.master.empty()) present.push_back("search-master");
  if (!s.primary.empty()) present.push_back("primary");
  if (!s.backup.empty()) present.push_back("backup");
  const std::vector<RoleRule> seed_rules = {
      {"search-minion", "search-master",
       "seed 003: the Search Minion nodes must be upgraded first"},
      {"primary", "backup",
       "seed 003 HA steps 6-9: the secondary is shut down and powered on after the primary"}};
  auto order = order_roles(present, c.policy.role_order, seed_rules);
  if (!order) return make_error(order.code(), "cluster " + c.name + ": policy." + order.message());
  // The HA pair is one procedure (steps 1-11): nothing may be ordered between its members.
  bool inside = false;
  for (const auto& role : *order) {
    if (role == "primary")
      inside = true;
    else if (role == "backup")
      inside = false;
    else if (inside)
      return make_error(PlanningErrc::kBadPolicy,
                        "cluster " + c.name + ": policy.role_order puts " + role +
                            " between primary and backup, but seed 003 upgrades the HA pair in "
                            "one procedure (steps 1-11); order " +
                            role + " before primary or after backup");
  }
  return order;
}

Status<PlanningErrc> SpsHaStrategy::build(PlanBuilder& b, const StrategyInput& in) const {
  const InventoryCluster& c = in.cluster;
  const SpsNodes s = nodes_of(c);
  if (s.primary.empty() || s.backup.empty())
    return make_error(PlanningErrc::kMismatch,
                      "cluster " + c.name + ": an ha-pair needs one primary and one backup node");
  const ObservedNode& p = *in.observed.find(s.primary);
  const ObservedNode& bk = *in.observed.find(s.backup);
  if (p.ha_role != "primary" || bk.ha_role != "backup" || p.ha_peer != s.backup)
    return make_error(PlanningErrc::kMismatch,
                      "cluster " + c.name + ": the inventory says " + s.primary +
                          " is primary and " + s.backup + " backup, but the appliances report " +
                          s.primary + ": " + p.ha_role + ", " + s.backup + ": " + bk.ha_role +
                          "; the HA pair must be intact (Basic Settings > High Availability)");
  auto order = sps_role_order(c);
  if (!order) return order.error();
  auto hops = common_hops(in);
  if (!hops) return hops.error();
  if (hops->size() > 1)
    b.note("cluster " + c.name + ": " + std::to_string(hops->size()) + " firmware hops (" +
           versions_of(*hops) + "), each the whole HA procedure: every node boots, is verified " +
           "and the pair is activated on one before the next is uploaded");
  for (std::size_t i = 0; i < hops->size(); ++i)
    procedure(b, c, s, *order, *(*hops)[i], i == 0,
              hops->size() > 1
                  ? " (hop " + std::to_string(i + 1) + " of " + std::to_string(hops->size()) + ")"
                  : std::string());
  return Unit{};
}

}  // namespace hitless::plan
