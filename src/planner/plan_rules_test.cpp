// The rules make_plan holds every strategy's plan to, on hand-made DAGs that break them.
#include "planner/plan_rules.hpp"

#include <gtest/gtest.h>

namespace hitless::plan {
namespace {

Step step(const std::string& id, Verb verb, const std::string& node,
          std::vector<std::string> after = {}) {
  Step s;
  s.id = id;
  s.verb = verb;
  s.targets = {node};
  s.after = std::move(after);
  return s;
}

TEST(PlanRules, AncestorsFollowDependenciesTransitively) {
  Plan p;
  p.steps = {step("1", Verb::kBackup, "a"), step("2", Verb::kStage, "a", {"1"}),
             step("3", Verb::kInstall, "a", {"2"}), step("4", Verb::kBackup, "b")};
  EXPECT_EQ(ancestors(p, "3"), (std::set<std::string>{"1", "2"}));
  EXPECT_TRUE(ancestors(p, "4").empty());
}

TEST(PlanRules, AnInstallAfterItsNodesBackupKeepsTheRule) {
  Plan p;
  p.steps = {step("1", Verb::kBackup, "a"), step("2", Verb::kStage, "a", {"1"}),
             step("3", Verb::kInstall, "a", {"2"})};
  EXPECT_EQ(install_before_backup(p), "");
}

TEST(PlanRules, AnInstallOnANodeNeverBackedUpIsNamed) {
  Plan p;
  p.steps = {step("1", Verb::kBackup, "a"), step("2", Verb::kInstall, "b", {"1"})};
  EXPECT_EQ(install_before_backup(p), "2 installs on b but the plan never backs b up");
}

TEST(PlanRules, ABackupInAParallelBranchDoesNotCount) {
  // The backup exists but the install does not wait for it: both could run at once.
  Plan p;
  p.steps = {step("1", Verb::kCheck, "a"), step("2", Verb::kBackup, "a", {"1"}),
             step("3", Verb::kInstall, "a", {"1"})};
  EXPECT_EQ(install_before_backup(p), "3 installs on a without waiting for 2");
}

}  // namespace
}  // namespace hitless::plan
