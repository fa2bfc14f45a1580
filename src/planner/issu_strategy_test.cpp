// Seed 002 (S10, JunOS ISSU) plans against the seed's order, the policy's choices (reboot the
// old master now or leave it; switch back) and the refusals made at plan time.
#include "planner/issu_strategy.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "planner/chassis_world_fixture.hpp"

namespace hitless::plan {
namespace {

using fixture::ChassisWorld;

// "verb:target" per step, in plan order.
std::vector<std::string> order(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& s : p.steps) out.push_back(std::string(to_string(s.verb)) + ":" + s.targets[0]);
  return out;
}

TEST(IssuStrategy, FollowsTheSeedOrderAndIsTheChassisDefault) {
  ChassisWorld w;
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->strategies, std::vector<std::string>{"issu"});
  // Seed 002: prerequisites (checked), image validated, ISSU on the master (backup upgraded,
  // rebooted, switchover), the old master rebooted into the new code, both verified.
  EXPECT_EQ(order(*p),
            (std::vector<std::string>{"check:re0", "backup:re0", "stage:re0", "compat-test:re0",
                                      "install:re0", "reboot:re0", "verify:re1", "verify:re0"}));
  const Step& issu = p->steps[4];
  EXPECT_EQ(issu.params["activate"], "in-service");
  // Its gate: the backup engine runs the new code as master, the old master is its backup.
  EXPECT_NE(
      std::find(issu.gate.begin(), issu.gate.end(), Condition{Cond::kVersion, "re1", "22.2R3.15"}),
      issu.gate.end());
  EXPECT_NE(
      std::find(issu.gate.begin(), issu.gate.end(), Condition{Cond::kHaRole, "re1", "primary"}),
      issu.gate.end());
  // Nothing leaves service for it, and its undo gives re0 mastership back.
  EXPECT_TRUE(issu.guards.empty());
  ASSERT_TRUE(issu.undo.has_value());
  EXPECT_EQ(issu.undo->verb, Verb::kSetRole);
  // The old master's reboot: never with its peer down, and the point of no return is named.
  const Step& reboot = p->steps[5];
  EXPECT_FALSE(reboot.guards.empty());
  EXPECT_FALSE(reboot.no_return.empty());
  EXPECT_GT(p->estimated_makespan_s(), 1200);
}

TEST(IssuStrategy, LeavesTheOldMasterOnTheOldCodeWhenThePolicySaysSo) {
  ChassisWorld w;
  w.policy().reboot_old_master = false;
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(order(*p), (std::vector<std::string>{"check:re0", "backup:re0", "stage:re0",
                                                 "compat-test:re0", "install:re0", "verify:re1"}));
  bool noted = false;
  for (const auto& n : p->notes) noted = noted || n.find("re0 stays backup") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(IssuStrategy, SwitchesBackToTheOriginalMasterLastWithFailback) {
  ChassisWorld w;
  w.policy().failback = true;
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  const Step& last = p->steps.back();
  EXPECT_EQ(last.verb, Verb::kSetRole);
  EXPECT_EQ(last.targets, std::vector<std::string>{"re0"});
  EXPECT_EQ(last.params["role"], "primary");
  // Failback onto an engine left on the old software is refused.
  w.policy().reboot_old_master = false;
  auto refused = w.plan();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), PlanningErrc::kBadPolicy);
}

TEST(IssuStrategy, RefusesAChassisWithoutThePrerequisitesNamingTheCommands) {
  ChassisWorld w(false);
  w.obs.nodes["re0"].settings = {{"nonstop-routing", "true"}};
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), PlanningErrc::kMismatch);
  EXPECT_NE(p.message().find("chassis mx-1 (master re0) is not ready"), std::string::npos)
      << p.message();
  EXPECT_NE(p.message().find("set chassis redundancy graceful-switchover"), std::string::npos);
  EXPECT_NE(p.message().find("set system commit synchronize"), std::string::npos);
  EXPECT_EQ(p.message().find("set routing-options nonstop-routing"), std::string::npos)
      << "only the missing ones";
}

TEST(IssuStrategy, RefusesAChassisWithOneEngine) {
  ChassisWorld w;
  w.inv.clusters.front().nodes.pop_back();
  w.obs.nodes.erase("re1");
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.message().find("has 1 routing engine(s); an in-service upgrade needs two"),
            std::string::npos)
      << p.message();
}

TEST(IssuStrategy, RefusesEnginesOnDifferentSoftware) {
  ChassisWorld w;
  w.obs.nodes["re1"].version = "22.2R3.15";
  w.obs.nodes["re1"].packages = {{"junos", "22.2R3.15"}};
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
}

}  // namespace
}  // namespace hitless::plan
