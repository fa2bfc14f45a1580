// Failover pairs (BeyondTrust B Series, seeds 001 and 004): the synchronous and asynchronous
// upgrades, step for step as the seed text gives them.
#include "planner/pair_strategies.hpp"

#include "common/durations.hpp"

namespace hitless::plan {
namespace {

constexpr const char* kSeed = "001 Two appliances in failover configuration";

// Installs the node's (already staged) hops one by one (Base before product), each with the
// node going down and coming back, then verifies the node at the target.
void upgrade_node(PlanBuilder& b, const StrategyInput& in, const std::string& node,
                  std::vector<Condition> pre, const std::string& section) {
  const auto& hops = in.hops.at(node);
  for (std::size_t i = 0; i < hops.size(); ++i) {
    b.install(node, *hops[i], true, pre,
              std::string(kSeed) + " > " + section + ": install updates in sequence");
    // 004: "wait at least 24 hours after installing each package" (the catalog's soak time).
    if (hops[i]->soak_s > 0 && i + 1 < hops.size()) {
      b.begin_phase(soak_phase_name(*hops[i], *hops[i + 1]));
      b.soak(node, hops[i]->manifest.id(), hops[i]->soak_s,
             "004 > wait at least 24 hours after installing each package");
    }
  }
  b.verify(node, in.target_version, std::string(kSeed) + " > " + section + ": verify");
}

// Every hop uploaded to both members at once (one branch per member) while both still serve and
// the relation is intact: a package refused on arrival (signature, digest, disk full) stops the
// run before anything was broken or installed, and window 2 does not wait for an upload.
void stage_both(PlanBuilder& b, const StrategyInput& in, const std::string& a,
                const std::string& bk) {
  std::vector<std::function<void()>> branches;
  for (const std::string* node : {&a, &bk})
    branches.push_back([&b, &in, node] {
      for (const auto* pkg : in.hops.at(*node))
        b.stage(*node, *pkg, std::string(kSeed) + " > Upload the update to " + *node);
    });
  b.parallel(branches);
}

std::vector<Condition> pair_healthy(const StrategyInput& in) {
  return {{Cond::kServing, in.primary, ""},
          {Cond::kServing, in.backup, ""},
          {Cond::kClockInSync, in.primary, kClockToleranceS},
          {Cond::kClockInSync, in.backup, kClockToleranceS},
          {Cond::kHaRole, in.primary, "primary"},
          {Cond::kHaRole, in.backup, "backup"}};
}

// Both members are backed up at once (parallel branches): A as the seed asks, B as well, so each
// node's configuration at the start of the run is on record and a change made to either during
// the run is caught before a sync overwrites it.
void backup_both(PlanBuilder& b, const std::string& a, const std::string& bk) {
  b.parallel({[&] { b.backup(a, std::string(kSeed) + " > Back up and sync: back up appliance A"); },
              [&] {
                b.backup(bk,
                         std::string(kSeed) +
                             " > Back up and sync: back up appliance B (configuration on record)");
              }});
}

// How the asynchronous upgrade moves clients (seed 001: shared-IP switch, DNS swing or NAT
// swing), from the inventory's traffic kind; a pair without one uses its shared IP.
std::string traffic_via(const StrategyInput& in) {
  const std::string& k = in.cluster.traffic_kind;
  return k == "dns" || k == "nat" ? k : "shared-ip";
}

// "The clients reach `node`": it holds the shared IP, or the record / NAT rule points at it.
Condition reaches(const std::string& via, const std::string& node) {
  return via == "shared-ip" ? Condition{Cond::kOwnsSharedIp, node, ""}
                            : Condition{Cond::kServiceFrom, node, ""};
}

void move_clients(PlanBuilder& b, const StrategyInput& in, const std::string& via,
                  const std::string& from, const std::string& to) {
  const std::string ref = std::string(kSeed) + " > Make Appliance B the primary: ";
  if (via == "shared-ip") {
    b.switch_shared_ip(from, to, ref + "Shared IP switch");
  } else if (via == "dns") {
    const double ttl = in.cluster.dns ? in.cluster.dns->ttl_s : 0;
    const std::string record = in.cluster.dns ? in.cluster.dns->record : in.cluster.service;
    b.switch_traffic(from, to, via, ttl,
                     "DNS swing: point " + record + " at " + to +
                         " (clients holding the old answer move within its TTL of " +
                         format_duration(ttl) + ")",
                     ref + "DNS swing");
  } else {
    b.switch_traffic(from, to, via, 0,
                     "NAT swing: DNAT " + in.cluster.service + " to " + to +
                         " in one nft transaction (new connections move at once)",
                     ref + "NAT swing");
  }
}

}  // namespace

Status<PlanningErrc> SynchronousPairStrategy::build(PlanBuilder& b, const StrategyInput& in) const {
  const std::string& a = in.primary;
  const std::string& bk = in.backup;
  b.begin_phase("window 1: upgrade the primary " + a + " (downtime)");
  b.check({a, bk}, pair_healthy(in), std::string(kSeed) + " > Synchronous updates");
  backup_both(b, a, bk);
  stage_both(b, in, a, bk);
  b.sync(
      a, bk,
      std::string(kSeed) + " > Back up and sync: Sync Now, wait for synchronization to complete");
  b.break_ha(a, bk, a, std::string(kSeed) + " > Back up and sync: Break Failover Relationship");
  upgrade_node(b, in, a, {}, "Upgrade the primary");
  b.approval("verify and test " + a + " at " + in.target_version + " before upgrading " + bk,
             std::string(kSeed) + " > Verify and test");
  b.begin_phase("window 2: upgrade the backup " + bk + ", re-establish failover");
  upgrade_node(b, in, bk, {{Cond::kServing, a, ""}}, "Upgrade the backup");
  b.establish(
      a, bk,
      std::string(kSeed) + " > Reestablish failover relationship: Appliance A primary, B backup");
  b.sync(a, bk, std::string(kSeed) + " > Reestablish failover relationship: Sync Now");
  return Unit{};
}

Status<PlanningErrc> AsynchronousPairStrategy::build(PlanBuilder& b,
                                                     const StrategyInput& in) const {
  const std::string& a = in.primary;
  const std::string& bk = in.backup;
  b.begin_phase("window 1: upgrade the backup " + bk + ", move traffic to it");
  const std::string via = traffic_via(in);
  b.check({a, bk}, pair_healthy(in), std::string(kSeed) + " > Asynchronous updates");
  if (via != "shared-ip")
    b.check_traffic({a, bk}, via, std::string(kSeed) + " > Asynchronous updates: " + via);
  backup_both(b, a, bk);
  stage_both(b, in, a, bk);
  b.sync(
      a, bk,
      std::string(kSeed) + " > Back up and sync: Sync Now, wait for synchronization to complete");
  b.break_ha(a, bk, a, std::string(kSeed) + " > Back up and sync: Break Failover Relationship");
  // The backup goes down while the primary keeps serving clients.
  upgrade_node(b, in, bk, {{Cond::kServing, a, ""}, reaches(via, a)}, "Upgrade the backup");
  b.approval("verify and test " + bk + " at " + in.target_version + " before clients move to it",
             std::string(kSeed) + " > Verify and test");
  move_clients(b, in, via, a, bk);
  b.begin_phase("window 2: upgrade the old primary " + a +
                ", re-establish failover with roles swapped");
  upgrade_node(b, in, a, {{Cond::kServing, bk, ""}, reaches(via, bk)}, "Upgrade the primary");
  b.establish(
      bk, a,
      std::string(kSeed) + " > Reestablish failover relationship: Appliance B primary, A backup");
  b.sync(bk, a, std::string(kSeed) + " > Reestablish failover relationship: Sync Now");
  return Unit{};
}

}  // namespace hitless::plan
