#include "planner/planner.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "planner/pair_world_fixture.hpp"
#include "planner/staging_order.hpp"

namespace hitless::plan {
namespace {

using fixture::shape;
using fixture::World;

TEST(AsynchronousPlan, FollowsTheSeedStepForStep) {
  World w;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(
      shape(*p),
      (std::vector<std::string>{
          "0:check a b", "0:backup a", "0:backup b", "0:stage a base-3.1.0",
          "0:stage a product-7.2.0", "0:stage b base-3.1.0", "0:stage b product-7.2.0",
          "0:sync a b", "0:break-ha a b", "0:install b base-3.1.0", "0:install b product-7.2.0",
          "0:verify b", "0:approval", "0:switch-traffic a b", "1:install a base-3.1.0",
          "1:install a product-7.2.0", "1:verify a", "1:establish-ha b a", "1:sync b a"}));
  EXPECT_EQ(p->phases.size(), 2u);
  // The backup only goes down while the primary serves and holds the shared IP.
  const Step& install_b = p->steps[9];
  EXPECT_FALSE(install_b.repeat_safe);
  EXPECT_NE(std::find(install_b.preconditions.begin(), install_b.preconditions.end(),
                      Condition{Cond::kOwnsSharedIp, "a", ""}),
            install_b.preconditions.end());
  const Step& sw = p->steps[13];
  ASSERT_TRUE(sw.undo.has_value());
  EXPECT_EQ(sw.undo->targets, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(p->steps.back().params.value("backup", ""), "a");
}

TEST(SynchronousPlan, UpgradesThePrimaryFirstAndKeepsItsRole) {
  World w;
  auto p = w.plan("synchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(shape(*p),
            (std::vector<std::string>{
                "0:check a b", "0:backup a", "0:backup b", "0:stage a base-3.1.0",
                "0:stage a product-7.2.0", "0:stage b base-3.1.0", "0:stage b product-7.2.0",
                "0:sync a b", "0:break-ha a b", "0:install a base-3.1.0",
                "0:install a product-7.2.0", "0:verify a", "0:approval", "1:install b base-3.1.0",
                "1:install b product-7.2.0", "1:verify b", "1:establish-ha a b", "1:sync a b"}));
}

TEST(SingleNodePlan, ChecklistUploadTestActivateAfterRebootRebootVerify) {
  World w("single");
  auto p = w.plan("");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(shape(*p), (std::vector<std::string>{
                           "0:check n", "0:backup n", "0:stage n base-3.1.0",
                           "0:stage n product-7.2.0", "0:compat-test n base-3.1.0",
                           "0:install n base-3.1.0", "0:reboot n", "0:compat-test n product-7.2.0",
                           "0:install n product-7.2.0", "0:reboot n", "0:verify n"}));
  EXPECT_EQ(p->steps[5].params["activate"], "after-reboot");
  EXPECT_EQ(p->steps[6].gate.front().value, "7.1.0");  // Base boots into the same product version
  EXPECT_EQ(p->steps[9].gate.front().value, "7.2.0");
}

TEST(SingleNodePlan, CatalogSoakTimeIsAPhaseBoundaryBetweenHops) {
  World w("single");
  std::vector<catalog::CatalogPackage> pkgs(4);
  pkgs[0].manifest = {"base", "3.1.0", "base", {}, {}, 600, 50};
  pkgs[1].manifest = {"product", "7.1.0", "product", {}, {}, 1800, 900};
  pkgs[2].manifest = {"product", "7.1.5", "product", {}, {}, 1800, 900};
  pkgs[2].soak_s = 86400;  // seed 004: wait 24 hours after each intermediate version
  pkgs[3].manifest = {"product", "7.2.0", "product", {{"base", "3.1"}}, {"7.1.5"}, 1800, 900};
  pkgs[3].soak_s = 86400;  // the last hop's soak has no next hop to hold back
  w.cat = catalog::Catalog::from_packages(pkgs);
  auto p = w.plan("");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(shape(*p),
            (std::vector<std::string>{
                "0:check n", "0:backup n", "0:stage n product-7.1.5", "0:stage n base-3.1.0",
                "0:stage n product-7.2.0", "0:compat-test n product-7.1.5",
                "0:install n product-7.1.5", "0:reboot n", "1:soak n", "1:compat-test n base-3.1.0",
                "1:install n base-3.1.0", "1:reboot n", "1:compat-test n product-7.2.0",
                "1:install n product-7.2.0", "1:reboot n", "1:verify n"}));
  ASSERT_EQ(p->phases.size(), 2u);
  EXPECT_EQ(p->phases[1].name, "soak 24h after product 7.1.5, then base 3.1.0");
  // The soak is a step the executor waits out before the next hop starts.
  const auto& soak = p->steps[8];
  EXPECT_EQ(soak.verb, Verb::kSoak);
  EXPECT_EQ(soak.params.value("seconds", 0.0), 86400);
  EXPECT_EQ(soak.params.value("after", ""), "product-7.1.5");
  EXPECT_EQ(p->steps[9].after, std::vector<std::string>{soak.id});
}

// Issue 9 item 4: every package is uploaded to every node, the nodes side by side, before the
// first install, so a package refused on arrival stops the run before anything changed.
TEST(Staging, EveryNodeIsStagedInParallelBeforeTheFirstInstall) {
  for (const std::string strategy : {"asynchronous", "synchronous"}) {
    World w;
    auto p = w.plan(strategy);
    ASSERT_TRUE(p.ok()) << p.message();
    EXPECT_EQ(testing::staging_problems(*p), "") << strategy;
    // Both members' uploads start from the same step: parallel branches, joined by the sync.
    const Step* a = p->find("pair/04-stage-a-base-3.1.0");
    const Step* b = p->find("pair/06-stage-b-base-3.1.0");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->after, b->after);
    const Step* sync = p->find("pair/08-sync-a");
    ASSERT_TRUE(sync);
    EXPECT_EQ(sync->after, (std::vector<std::string>{"pair/05-stage-a-product-7.2.0",
                                                     "pair/07-stage-b-product-7.2.0"}));
  }
  World single("single");
  auto p = single.plan("");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(testing::staging_problems(*p), "");
  // The check sees the rule broken: b's upload after a's install, or waiting for a's upload.
  Plan late;
  const auto add = [&late](const char* id, Verb verb, const char* node, const char* after) {
    Step s;
    s.id = id;
    s.verb = verb;
    s.targets = {node};
    if (*after) s.after = {after};
    late.steps.push_back(s);
  };
  add("stage-a", Verb::kStage, "a", "");
  add("install-a", Verb::kInstall, "a", "stage-a");
  add("stage-b", Verb::kStage, "b", "install-a");
  EXPECT_EQ(testing::staging_problems(late),
            "stage-b does not precede install-a; stage-b waits for stage-a (another node's "
            "upload); ");
}

TEST(Planner, IsDeterministicAndLatestResolves) {
  World w;
  auto p1 = w.plan("", "latest");
  auto p2 = w.plan("", "latest");
  ASSERT_TRUE(p1.ok()) << p1.message();
  EXPECT_EQ(p1->target_version, "7.2.0");
  EXPECT_EQ(p1->strategies, std::vector<std::string>{"asynchronous"});
  EXPECT_EQ(plan_hash(*p1), plan_hash(*p2));
  EXPECT_EQ(to_json(*p1).dump(), to_json(*p2).dump());
}

TEST(Planner, RefusesBadTargetsAndMismatchedInventories) {
  World w;
  EXPECT_EQ(w.plan("asynchronous", "7.9.0").code(), PlanningErrc::kBadTarget);
  EXPECT_EQ(w.plan("asynchronous", "7.1.0").code(), PlanningErrc::kAlreadyAtTarget);
  EXPECT_EQ(w.plan("no-such-strategy").code(), PlanningErrc::kNoStrategy);
  // Only a migration may leave the target out (it installs the old box's own version).
  auto no_target = w.plan("asynchronous", "");
  EXPECT_EQ(no_target.code(), PlanningErrc::kBadTarget);
  EXPECT_NE(no_target.message().find("no target version; give --to VERSION or --to latest"),
            std::string::npos)
      << no_target.message();

  World broken;
  broken.obs.nodes["a"].ha_role = "none";
  broken.obs.nodes["b"].ha_role = "none";
  auto r = broken.plan("asynchronous");
  EXPECT_EQ(r.code(), PlanningErrc::kMismatch);
  EXPECT_NE(r.message().find("relation is broken"), std::string::npos) << r.message();

  World swapped;
  swapped.obs.nodes["a"].ha_role = "backup";
  swapped.obs.nodes["b"].ha_role = "primary";
  EXPECT_EQ(swapped.plan("asynchronous").code(), PlanningErrc::kMismatch);

  World down;
  down.obs.nodes["b"].reachable = false;
  down.obs.nodes["b"].error = "timeout";
  auto d = down.plan("asynchronous");
  EXPECT_EQ(d.code(), PlanningErrc::kUnreachable);
  EXPECT_NE(d.message().find("node b"), std::string::npos);
}

TEST(AsynchronousPlan, BacksUpBothMembersInParallelAndTheSyncJoinsThem) {
  World w;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  const Step& backup_a = p->steps[1];
  const Step& backup_b = p->steps[2];
  const Step& sync = p->steps[3];
  EXPECT_EQ(backup_a.after, std::vector<std::string>{p->steps[0].id});
  EXPECT_EQ(backup_b.after, std::vector<std::string>{p->steps[0].id});
  EXPECT_EQ(sync.after, (std::vector<std::string>{backup_a.id, backup_b.id}));
  EXPECT_LT(p->estimated_makespan_s(), [&] {
    double sum = 0;
    for (const auto& s : p->steps) sum += s.estimate_s;
    return sum;
  }());
  EXPECT_NE(to_dot(*p).find("\"" + backup_a.id + "\" -> \"" + sync.id + "\""), std::string::npos);
}

TEST(AsynchronousPlan, GuardsEveryInstallSoBothMembersAreNeverDownAndShowsThePointOfNoReturn) {
  World w;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  int guarded = 0;
  std::vector<std::string> no_return;
  for (const auto& s : p->steps) {
    if (s.verb == Verb::kInstall) {
      ASSERT_EQ(s.guards.size(), 1u) << s.id;
      EXPECT_EQ(s.guards[0].kind, Cond::kPairUp);
      EXPECT_EQ(s.guards[0].nodes, (std::vector<std::string>{"a", "b"}));
      ++guarded;
    }
    if (!s.no_return.empty()) no_return.push_back(s.id);
  }
  EXPECT_EQ(guarded, 4);
  // Base then product on each node: the second install writes over the pre-run slot.
  EXPECT_EQ(no_return, (std::vector<std::string>{"pair/11-install-b-product-7.2.0",
                                                 "pair/16-install-a-product-7.2.0"}));
  EXPECT_NE(to_text(*p).find("POINT OF NO RETURN"), std::string::npos);
}

TEST(ObservedState, HashIgnoresSessionsButSeesVersionsAndSaysWhatChanged) {
  World w;
  ObservedState later = w.obs;
  later.nodes["a"].lab = LabDiagnostics{0, 0, 42};
  later.nodes["a"].data_checksum = "x";
  EXPECT_EQ(later.hash(), w.obs.hash());
  later.nodes["b"].version = "7.2.0";
  EXPECT_NE(later.hash(), w.obs.hash());
  auto diff = w.obs.differences(later);
  ASSERT_EQ(diff.size(), 1u);
  EXPECT_EQ(diff[0], "b: version \"7.1.0\" -> \"7.2.0\"");
}

}  // namespace
}  // namespace hitless::plan
