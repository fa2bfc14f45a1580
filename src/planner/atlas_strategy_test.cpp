// Seed 001 Atlas plans (S6 with failover masters, S7 with one master) against the seed's order.
#include "planner/atlas_strategy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "planner/atlas_world_fixture.hpp"
#include "planner/planner.hpp"
#include "planner/staging_order.hpp"

namespace hitless::plan {
namespace {

// The shared Atlas cluster (planner/atlas_world_fixture.hpp), planned to 23.2.1.
struct AtlasWorld : fixture::AtlasWorld {
  using fixture::AtlasWorld::AtlasWorld;
  Result<Plan, PlanningErrc> plan() { return make_plan(request()); }
};

// Index of the first step with this verb whose targets include `node`; -1 if none.
int atlas_step_index(const Plan& p, Verb v, const std::string& node, int from = 0) {
  for (int i = from; i < static_cast<int>(p.steps.size()); ++i) {
    const auto& t = p.steps[i].targets;
    if (p.steps[i].verb == v && std::find(t.begin(), t.end(), node) != t.end()) return i;
  }
  return -1;
}
int accept_at(const Plan& p, const std::string& node, bool accepting) {
  for (int i = 0; i < static_cast<int>(p.steps.size()); ++i)
    if (p.steps[i].verb == Verb::kSetAccepting && p.steps[i].targets.at(0) == node &&
        p.steps[i].params.value("accepting", true) == accepting)
      return i;
  return -1;
}
// Whether step `later` waits (transitively) for step `earlier`.
bool waits_for(const Plan& p, int later, int earlier) {
  std::vector<std::string> todo{p.steps[later].id};
  std::set<std::string> seen;
  while (!todo.empty()) {
    const Step* s = p.find(todo.back());
    todo.pop_back();
    for (const auto& a : s->after) {
      if (a == p.steps[earlier].id) return true;
      if (seen.insert(a).second) todo.push_back(a);
    }
  }
  return false;
}

TEST(AtlasPlan, FailoverMastersFollowTheSeedOrder) {
  AtlasWorld w(true, {{"eu", 2}, {"us", 2}});
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->strategies, std::vector<std::string>{"atlas"});
  EXPECT_EQ(testing::staging_problems(*p), "");
  const int distribute = atlas_step_index(*p, Verb::kDistribute, "master-a");
  ASSERT_GE(distribute, 0);
  EXPECT_EQ(p->steps[distribute].gate.size(), 5u);  // staged on every other node
  // First wave: eu-1 and us-1 offline through the primary master, drained, then installed.
  for (const std::string t : {"eu-1", "us-1"}) {
    const int off = accept_at(*p, t, false);
    ASSERT_GE(off, 0) << t;
    EXPECT_EQ(p->steps[off].params.at("master"), "master-a");
    EXPECT_TRUE(waits_for(*p, off, distribute));
    const int drain = atlas_step_index(*p, Verb::kWaitDrained, t);
    const int install = atlas_step_index(*p, Verb::kInstall, t);
    EXPECT_TRUE(waits_for(*p, drain, off));
    EXPECT_TRUE(waits_for(*p, install, drain));
  }
  EXPECT_EQ(accept_at(*p, "eu-2", false), -1);  // the other half is never unchecked by hand
  const int install_b = atlas_step_index(*p, Verb::kInstall, "master-b");
  const int become_backup = atlas_step_index(*p, Verb::kSetRole, "master-a");
  const int become_primary = atlas_step_index(*p, Verb::kSetRole, "master-b");
  const int ops_off = atlas_step_index(*p, Verb::kBackupOperations, "master-b");
  ASSERT_GE(install_b, 0);
  EXPECT_EQ(p->steps[become_backup].params.at("role"), "backup");
  EXPECT_TRUE(p->steps[become_backup].params.at("force").get<bool>());
  EXPECT_TRUE(waits_for(*p, become_backup, install_b));
  EXPECT_TRUE(waits_for(*p, become_backup, atlas_step_index(*p, Verb::kInstall, "eu-1")));
  EXPECT_TRUE(waits_for(*p, become_backup, atlas_step_index(*p, Verb::kInstall, "us-1")));
  EXPECT_TRUE(waits_for(*p, become_primary, become_backup));
  EXPECT_FALSE(p->steps[ops_off].params.at("enabled").get<bool>());
  EXPECT_TRUE(waits_for(*p, ops_off, become_primary));
  // Upgraded nodes accept again on the new primary, then Sync Now.
  const int back_eu1 = accept_at(*p, "eu-1", true);
  EXPECT_EQ(p->steps[back_eu1].params.at("master"), "master-b");
  EXPECT_TRUE(waits_for(*p, back_eu1, ops_off));
  const int sync1 = atlas_step_index(*p, Verb::kClusterSync, "master-b");
  EXPECT_TRUE(waits_for(*p, sync1, back_eu1));
  EXPECT_TRUE(waits_for(*p, sync1, accept_at(*p, "us-1", true)));
  // The rest: drained (they stop accepting at Sync Now), installed, accepting again.
  const int drain_eu2 = atlas_step_index(*p, Verb::kWaitDrained, "eu-2");
  EXPECT_TRUE(waits_for(*p, drain_eu2, sync1));
  const int install_eu2 = atlas_step_index(*p, Verb::kInstall, "eu-2");
  EXPECT_TRUE(waits_for(*p, install_eu2, drain_eu2));
  const int back_eu2 = accept_at(*p, "eu-2", true);
  EXPECT_TRUE(waits_for(*p, back_eu2, install_eu2));
  // Appliance A last, then backup operations on again and the final Sync Now with A.
  const int install_a = atlas_step_index(*p, Verb::kInstall, "master-a");
  EXPECT_TRUE(waits_for(*p, install_a, back_eu2));
  EXPECT_TRUE(waits_for(*p, install_a, accept_at(*p, "us-2", true)));
  const int ops_on = atlas_step_index(*p, Verb::kBackupOperations, "master-a");
  EXPECT_TRUE(p->steps[ops_on].params.at("enabled").get<bool>());
  EXPECT_TRUE(waits_for(*p, ops_on, install_a));
  const int sync2 = atlas_step_index(*p, Verb::kClusterSync, "master-b", sync1 + 1);
  EXPECT_TRUE(waits_for(*p, sync2, ops_on));
  bool syncs_a = false;
  for (const auto& g : p->steps[sync2].gate)
    syncs_a |= g.kind == Cond::kSynced && g.node == "master-a";
  EXPECT_TRUE(syncs_a);
}

TEST(AtlasPlan, SingleMasterInstallsAfterTheOfflineNodesAndBeforeTheyAcceptAgain) {
  AtlasWorld w(false, {{"eu", 2}, {"ap", 2}});
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(atlas_step_index(*p, Verb::kSetRole, "master-a"), -1);
  EXPECT_EQ(atlas_step_index(*p, Verb::kBackupOperations, "master-a"), -1);
  const int install_m = atlas_step_index(*p, Verb::kInstall, "master-a");
  EXPECT_TRUE(waits_for(*p, install_m, atlas_step_index(*p, Verb::kInstall, "eu-1")));
  EXPECT_TRUE(waits_for(*p, install_m, atlas_step_index(*p, Verb::kInstall, "ap-1")));
  const int back = accept_at(*p, "eu-1", true);
  EXPECT_TRUE(waits_for(*p, back, install_m));
  const int sync1 = atlas_step_index(*p, Verb::kClusterSync, "master-a");
  EXPECT_TRUE(waits_for(*p, sync1, back));
  // The first Sync Now leaves the not yet upgraded half not accepting: its gate says so.
  bool eu2_off = false;
  for (const auto& g : p->steps[sync1].gate)
    eu2_off |= g.kind == Cond::kAccepting && g.node == "eu-2" && g.value == "no";
  EXPECT_TRUE(eu2_off);
  EXPECT_TRUE(waits_for(*p, atlas_step_index(*p, Verb::kInstall, "eu-2"), sync1));
  const int sync2 = atlas_step_index(*p, Verb::kClusterSync, "master-a", sync1 + 1);
  EXPECT_TRUE(waits_for(*p, sync2, accept_at(*p, "eu-2", true)));
}

TEST(AtlasPlan, ThreeRegionsOfThreeOneAndTwoRoundDownAndKeepALastAcceptingNode) {
  AtlasWorld w(true, {{"eu", 3}, {"ap", 1}, {"us", 2}});
  auto waves = atlas_first_wave(w.cluster());
  ASSERT_TRUE(waves.ok()) << waves.message();
  EXPECT_EQ(waves->at("eu"), std::vector<std::string>{"eu-1"});
  EXPECT_TRUE(waves->at("ap").empty());
  EXPECT_EQ(waves->at("us"), std::vector<std::string>{"us-1"});
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  // Region guards: unchecking eu-1 keeps at least one of eu-1..3 accepting.
  const auto& off = p->steps[accept_at(*p, "eu-1", false)];
  ASSERT_EQ(off.guards.size(), 1u);
  EXPECT_EQ(off.guards[0].kind, Cond::kRegionServing);
  EXPECT_EQ(off.guards[0].value, "eu:1");
  EXPECT_EQ(off.guards[0].nodes.size(), 3u);
  // The lone ap node is upgraded in the second wave, with no guard to keep (documented in notes).
  EXPECT_EQ(accept_at(*p, "ap-1", false), -1);
  EXPECT_TRUE(p->steps[atlas_step_index(*p, Verb::kInstall, "ap-1")].guards.empty());
  bool noted = false;
  for (const auto& n : p->notes) noted |= n.find("region ap: first wave none") != std::string::npos;
  EXPECT_TRUE(noted);
  // Branches run in parallel: the first wave's installs do not wait for one another.
  EXPECT_FALSE(waits_for(*p, atlas_step_index(*p, Verb::kInstall, "us-1"),
                         atlas_step_index(*p, Verb::kInstall, "eu-1")));
  EXPECT_FALSE(waits_for(*p, atlas_step_index(*p, Verb::kInstall, "eu-1"),
                         atlas_step_index(*p, Verb::kInstall, "us-1")));
}

TEST(AtlasPlan, RegionWithOneTrafficNodeAndAFloorOfOneIsRefusedNamingTheRegion) {
  AtlasWorld w(false, {{"eu", 2}, {"ap", 1}});
  w.cluster().policy.capacity_floor = CapacityFloor{false, 1};
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), PlanningErrc::kBadPolicy);
  EXPECT_NE(p.message().find("region ap has 1 traffic node"), std::string::npos) << p.message();
  EXPECT_NE(p.message().find("capacity_floor"), std::string::npos);
}

TEST(AtlasPlan, TrafficNodeWithoutRegionIsRefused) {
  AtlasWorld w(false, {{"eu", 2}});
  w.cluster().nodes.back().region = "";
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.message().find("eu-2 has no region"), std::string::npos) << p.message();
}

TEST(AtlasPlan, DrainWaitCarriesThePolicyTimeoutAndAction) {
  AtlasWorld w(false, {{"eu", 2}});
  w.cluster().policy.drain_timeout_s = 120;
  w.cluster().policy.on_drain_timeout = DrainTimeoutAction::kForce;
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  const auto& drain = p->steps[atlas_step_index(*p, Verb::kWaitDrained, "eu-1")];
  EXPECT_EQ(drain.params.at("timeout_s").get<double>(), 120);
  EXPECT_EQ(drain.params.at("on_timeout"), "force");
  // The plan file round-trips the new verbs and conditions.
  auto back = plan_from_json_text(to_json_text(*p), "plan.json");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->steps.size(), p->steps.size());
}

}  // namespace
}  // namespace hitless::plan
