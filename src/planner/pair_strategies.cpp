// Failover pairs (BeyondTrust B Series, seeds 001 and 004): the synchronous and asynchronous
// upgrades, step for step as the seed text gives them.
#include "planner/pair_strategies.hpp"

namespace hitless::plan {
namespace {

constexpr const char* kSeed = "001 Two appliances in failover configuration";

// Stages every hop, then installs them one by one (Base before product), each with the node
// going down and coming back, then verifies the node at the target.
void upgrade_node(PlanBuilder& b, const StrategyInput& in, const std::string& node, std::vector<Condition> pre,
                  const std::string& section) {
  const auto& hops = in.hops.at(node);
  for (const auto* pkg : hops) b.stage(node, *pkg, std::string(kSeed) + " > " + section + ": upload the update");
  for (const auto* pkg : hops) b.install(node, *pkg, true, pre, std::string(kSeed) + " > " + section + ": install updates in sequence");
  b.verify(node, in.target_version, std::string(kSeed) + " > " + section + ": verify");
}

std::vector<Condition> pair_healthy(const StrategyInput& in) {
  return {{"serving", in.primary, ""}, {"serving", in.backup, ""},
          {"ha-role", in.primary, "primary"}, {"ha-role", in.backup, "backup"}};
}

}  // namespace

Status<PlanningErrc> SynchronousPairStrategy::build(PlanBuilder& b, const StrategyInput& in) const {
  const std::string& a = in.primary;
  const std::string& bk = in.backup;
  b.begin_phase("window 1: upgrade the primary " + a + " (downtime)");
  b.check({a, bk}, pair_healthy(in), std::string(kSeed) + " > Synchronous updates");
  b.backup(a, std::string(kSeed) + " > Back up and sync: back up appliance A");
  b.sync(a, bk, std::string(kSeed) + " > Back up and sync: Sync Now, wait for synchronization to complete");
  b.break_ha(a, bk, a, std::string(kSeed) + " > Back up and sync: Break Failover Relationship");
  upgrade_node(b, in, a, {}, "Upgrade the primary");
  b.approval("verify and test " + a + " at " + in.target_version + " before upgrading " + bk,
             std::string(kSeed) + " > Verify and test");
  b.begin_phase("window 2: upgrade the backup " + bk + ", re-establish failover");
  upgrade_node(b, in, bk, {{"serving", a, ""}}, "Upgrade the backup");
  b.establish(a, bk, std::string(kSeed) + " > Reestablish failover relationship: Appliance A primary, B backup");
  b.sync(a, bk, std::string(kSeed) + " > Reestablish failover relationship: Sync Now");
  return Unit{};
}

Status<PlanningErrc> AsynchronousPairStrategy::build(PlanBuilder& b, const StrategyInput& in) const {
  const std::string& a = in.primary;
  const std::string& bk = in.backup;
  b.begin_phase("window 1: upgrade the backup " + bk + ", move traffic to it");
  b.check({a, bk}, pair_healthy(in), std::string(kSeed) + " > Asynchronous updates");
  b.backup(a, std::string(kSeed) + " > Back up and sync: back up appliance A");
  b.sync(a, bk, std::string(kSeed) + " > Back up and sync: Sync Now, wait for synchronization to complete");
  b.break_ha(a, bk, a, std::string(kSeed) + " > Back up and sync: Break Failover Relationship");
  // The backup goes down while the primary keeps serving clients.
  upgrade_node(b, in, bk, {{"serving", a, ""}, {"owns-shared-ip", a, ""}}, "Upgrade the backup");
  b.approval("verify and test " + bk + " at " + in.target_version + " before clients move to it",
             std::string(kSeed) + " > Verify and test");
  b.switch_shared_ip(a, bk, std::string(kSeed) + " > Make Appliance B the primary: Shared IP switch");
  b.begin_phase("window 2: upgrade the old primary " + a + ", re-establish failover with roles swapped");
  upgrade_node(b, in, a, {{"serving", bk, ""}, {"owns-shared-ip", bk, ""}}, "Upgrade the primary");
  b.establish(bk, a, std::string(kSeed) + " > Reestablish failover relationship: Appliance B primary, A backup");
  b.sync(bk, a, std::string(kSeed) + " > Reestablish failover relationship: Sync Now");
  return Unit{};
}

}  // namespace hitless::plan
