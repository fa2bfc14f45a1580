// The typed per-cluster policy a plan carries: printed, tamper-evident, checked against the
// cluster.
#include <gtest/gtest.h>

#include "planner/pair_world_fixture.hpp"

namespace hitless::plan {
namespace {

using fixture::shape;
using fixture::World;

TEST(PlanPolicy, CarriesEachClustersEffectivePolicyTypedAndPrintsIt) {
  World w;
  w.inv.clusters[0].policy.capacity_floor = CapacityFloor{false, 1};
  w.inv.clusters[0].policy.on_drain_timeout = DrainTimeoutAction::kWait;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->policy, (nlohmann::json{{"pair", to_json(w.inv.clusters[0].policy)}}));
  auto back = plan_from_json_text(to_json(*p).dump(2), "plan.json");
  ASSERT_TRUE(back.ok()) << back.message();
  auto typed = cluster_policy(*back, "pair");
  ASSERT_TRUE(typed.ok()) << typed.message();
  EXPECT_EQ(*typed, w.inv.clusters[0].policy);
  EXPECT_NE(to_text(*p).find(
                "policy pair: max_unavailable 1, capacity_floor 1, drain_timeout 10m then wait"),
            std::string::npos)
      << to_text(*p);
  EXPECT_TRUE(p->notes.empty());
  EXPECT_FALSE(to_json(*p).contains("notes"));
}

TEST(PlanPolicy, EditingThePolicyInAPlanFileIsRefusedAsTampered) {
  World w;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  auto j = to_json(*p);
  j["policy"]["pair"]["capacity_floor"] = nullptr;
  j["policy"]["pair"]["max_unavailable"] = 2;
  auto edited = plan_from_json_text(j.dump(), "plan.json");
  EXPECT_EQ(edited.code(), PlanErrc::kTampered) << edited.message();
  j["policy"]["pair"]["max_unavailable"] =
      0;  // edited into nonsense: still the edit that is reported
  EXPECT_EQ(plan_from_json_text(j.dump(), "plan.json").code(), PlanErrc::kTampered);
  auto k = to_json(*p);
  k["policy"].erase("pair");
  EXPECT_EQ(plan_from_json_text(k.dump(), "plan.json").code(), PlanErrc::kTampered);
  EXPECT_NE(plan_hash(*p), [&] {
    Plan q = *p;
    q.policy["pair"]["failback"] = true;
    return plan_hash(q);
  }());

  // Hashed but not a policy (written by something other than hitless): refused too.
  Plan bad = *p;
  bad.policy["pair"]["max_unavailable"] = 0;
  auto malformed = plan_from_json_text(to_json(bad).dump(), "plan.json");
  EXPECT_EQ(malformed.code(), PlanErrc::kMalformed);
  EXPECT_NE(malformed.message().find("cluster pair: policy.max_unavailable"), std::string::npos)
      << malformed.message();
  bad = *p;
  bad.policy["other"] = to_json(Policy{});
  EXPECT_EQ(plan_from_json_text(to_json(bad).dump(), "plan.json").code(), PlanErrc::kMalformed);
  // A plan without an entry (older plans, hand-built ones) reads as the defaults.
  bad.policy = nlohmann::json::object();
  EXPECT_EQ(*cluster_policy(bad, "pair"), Policy{});
}

TEST(PlanPolicy, RefusesACapacityFloorAboveTheClusterSize) {
  const auto refused = [](const CapacityFloor& floor, const std::string& reason) {
    World w;
    w.inv.clusters[0].policy.capacity_floor = floor;
    w.obs.nodes["b"].reachable = false;  // the policy is refused before observations are looked at
    auto p = w.plan("asynchronous");
    EXPECT_EQ(p.code(), PlanningErrc::kBadPolicy) << p.message();
    const std::string prefix = "cluster pair: policy.capacity_floor: " + to_string(floor) + " ";
    EXPECT_EQ(p.message().substr(0, prefix.size()), prefix) << p.message();
    EXPECT_NE(p.message().find(reason), std::string::npos) << p.message();
    EXPECT_EQ(check_policies(w.inv, {}).code(), PlanningErrc::kBadPolicy);
    EXPECT_TRUE(check_policies(w.inv, {"elsewhere"}).ok());
  };
  refused({false, 3}, "is above the cluster's size (2 members)");
  refused(
      {false, 2},
      "no member can be taken out of service to upgrade it; lower it to at most 1 of 2 members");
  refused({true, 100}, "(2 of 2 members) keeps every member of the cluster serving");
  World w;
  w.inv.clusters[0].policy.capacity_floor = CapacityFloor{true, 50};
  EXPECT_TRUE(w.plan("asynchronous").ok());
  World single("single");
  single.inv.clusters[0].policy.capacity_floor = CapacityFloor{false, 0};
  EXPECT_TRUE(single.plan("").ok());
}

TEST(PlanPolicy, RefusesApprovalPhasesThePlanDoesNotHave) {
  World w;
  w.inv.clusters[0].policy.approval_phases = {ApprovalPhases::Mode::kList, {1, 3}};
  auto p = w.plan("asynchronous");
  EXPECT_EQ(p.code(), PlanningErrc::kBadPolicy);
  EXPECT_EQ(p.message(),
            "cluster pair: policy.approval_phases: phase 3 does not exist (the plan has 2 phases)");
  w.inv.clusters[0].policy.approval_phases.phases = {2};
  EXPECT_TRUE(w.plan("asynchronous").ok());
}

TEST(PlanPolicy, ClampsMaxUnavailableToTheClusterSizeWithANote) {
  World w;
  w.inv.clusters[0].policy.max_unavailable = 5;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(cluster_policy(*p, "pair")->max_unavailable, 2);
  ASSERT_EQ(p->notes.size(), 1u);
  EXPECT_EQ(p->notes[0],
            "cluster pair: policy.max_unavailable 5 is more than its 2 members; planned with 2");
  EXPECT_NE(to_text(*p).find("note: cluster pair: policy.max_unavailable 5"), std::string::npos);
  auto back = plan_from_json_text(to_json(*p).dump(), "plan.json");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->notes, p->notes);
  auto j = to_json(*p);
  j["notes"] = nlohmann::json::array();
  EXPECT_EQ(plan_from_json_text(j.dump(), "plan.json").code(), PlanErrc::kTampered);
}

TEST(PlanPolicy, ACapacityFloorBecomesAGuardOnEveryStepThatTakesANodeOut) {
  World w;
  w.inv.clusters[0].policy.capacity_floor = CapacityFloor{false, 1};
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  int floors = 0;
  for (const auto& s : p->steps)
    for (const auto& g : s.guards)
      if (g.kind == Cond::kMinServing) {
        EXPECT_EQ(g.value, "1");
        EXPECT_EQ(g.nodes, (std::vector<std::string>{"a", "b"}));
        EXPECT_EQ(s.verb, Verb::kInstall) << s.id;
        ++floors;
      }
  EXPECT_EQ(floors, 4);
}

TEST(PlanPolicy, ApprovalPhasesAddAndRemoveApprovals) {
  auto approvals = [](const Plan& p) {
    std::vector<int> phases;
    for (const auto& s : p.steps)
      if (s.verb == Verb::kApproval) phases.push_back(s.phase + 1);
    return phases;
  };
  World w;
  EXPECT_EQ(approvals(*w.plan("asynchronous")), std::vector<int>{1}) << "the strategy's own";
  w.inv.clusters[0].policy.approval_phases = ApprovalPhases{ApprovalPhases::Mode::kAll, {}};
  EXPECT_EQ(approvals(*w.plan("asynchronous")), (std::vector<int>{1, 2}));
  w.inv.clusters[0].policy.approval_phases = ApprovalPhases{ApprovalPhases::Mode::kNone, {}};
  auto none = w.plan("asynchronous");
  ASSERT_TRUE(none.ok()) << none.message();
  EXPECT_TRUE(approvals(*none).empty());
  for (const auto& s : none->steps)  // the DAG still holds together without the approval
    for (const auto& a : s.after) EXPECT_NE(none->find(a), nullptr) << s.id << " after " << a;
  w.inv.clusters[0].policy.approval_phases = ApprovalPhases{ApprovalPhases::Mode::kList, {2}};
  EXPECT_EQ(approvals(*w.plan("asynchronous")), std::vector<int>{2});
}

}  // namespace
}  // namespace hitless::plan
