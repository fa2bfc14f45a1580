// Seed 003 plans: the SPS HA pair by the seed's steps 1-11 (S12) and Search Minions before the
// Search Master (S13), the policy's role_order, cycles and minions without a master refused.
#include "planner/sps_strategy.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "planner/sps_world_fixture.hpp"

namespace hitless::plan {
namespace {

using fixture::SpsWorld;

// Index of the first step with this verb whose first target is `node`; -1 if none.
int sps_step_index(const Plan& p, Verb v, const std::string& node) {
  for (int i = 0; i < static_cast<int>(p.steps.size()); ++i)
    if (p.steps[i].verb == v && !p.steps[i].targets.empty() && p.steps[i].targets[0] == node)
      return i;
  return -1;
}

bool has(const std::vector<Condition>& cs, Cond kind, const std::string& node,
         const std::string& value = "") {
  return std::any_of(cs.begin(), cs.end(), [&](const Condition& c) {
    return c.kind == kind && c.node == node && (value.empty() || c.value == value);
  });
}

TEST(SpsHaPlan, FollowsSeedSteps1To11InOrder) {
  SpsWorld w;
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->strategies.front(), "sps-ha");
  const int stage = sps_step_index(*p, Verb::kStage, "sps-a");
  const int test = sps_step_index(*p, Verb::kCompatTest, "sps-a");
  const int after_reboot = sps_step_index(*p, Verb::kInstall, "sps-a");
  const int off = sps_step_index(*p, Verb::kPowerOff, "sps-b");
  const int reboot = sps_step_index(*p, Verb::kReboot, "sps-a");
  const int verify_a = sps_step_index(*p, Verb::kVerify, "sps-a");
  const int on = sps_step_index(*p, Verb::kPowerOn, "sps-b");
  const int verify_b = sps_step_index(*p, Verb::kVerify, "sps-b");
  const int activate = sps_step_index(*p, Verb::kActivateSlave, "sps-a");
  for (int i : {stage, test, after_reboot, off, reboot, verify_a, on, verify_b, activate})
    ASSERT_GE(i, 0);
  EXPECT_TRUE(stage < test && test < after_reboot && after_reboot < off && off < reboot &&
              reboot < verify_a && verify_a < on && on < verify_b && verify_b < activate);
  // Nothing is installed on the secondary directly: the primary's upload and After reboot reach
  // it (steps 2 and 5), and the relation is never broken.
  EXPECT_EQ(sps_step_index(*p, Verb::kStage, "sps-b"), -1);
  EXPECT_EQ(sps_step_index(*p, Verb::kInstall, "sps-b"), -1);
  EXPECT_EQ(sps_step_index(*p, Verb::kBreakHa, "sps-a"), -1);
  EXPECT_TRUE(has(p->steps[stage].gate, Cond::kStaged, "sps-b", "firmware-7.0.4"));
  // Step 5 is verified where the seed does it, on the primary's High Availability page: the
  // secondary's own management API is not asked (S12: it may have stopped answering).
  EXPECT_TRUE(
      has(p->steps[after_reboot].gate, Cond::kPeerInstallPending, "sps-a", "firmware-7.0.4"));
  EXPECT_FALSE(has(p->steps[after_reboot].gate, Cond::kInstallPending, "sps-b", "firmware-7.0.4"));
  EXPECT_EQ(p->steps[after_reboot].params.value("activate", ""), "after-reboot");
  // Step 9: powered on out of band, waited for until it synced and awaits Activate Slave.
  const auto& g = p->steps[on].gate;
  EXPECT_TRUE(has(g, Cond::kVersion, "sps-b", "7.0.4"));
  EXPECT_TRUE(has(g, Cond::kSynced, "sps-b"));
  EXPECT_TRUE(has(g, Cond::kHaStatus, "sps-a", "waiting-activation"));
  EXPECT_TRUE(has(p->steps[activate].gate, Cond::kHaStatus, "sps-a", "ok"));
  // The reboot is the seed's downtime: no pair-up guard, and the plan says so.
  EXPECT_TRUE(has(p->steps[reboot].preconditions, Cond::kPoweredOff, "sps-b"));
  for (const auto& c : p->steps[reboot].guards) EXPECT_NE(c.kind, Cond::kPairUp);
  EXPECT_TRUE(std::any_of(p->notes.begin(), p->notes.end(), [](const std::string& n) {
    return n.find("planned downtime") != std::string::npos;
  }));
  // The checklist: HA status not degraded.
  EXPECT_TRUE(has(p->steps.front().preconditions, Cond::kHaStatus, "sps-a", "ok"));
  // Step 6 from the primary's UI, out-of-band power as the fallback the plan names.
  const Step& shutdown = p->steps[off];
  EXPECT_EQ(shutdown.params.value("via", ""), "other-node");
  EXPECT_EQ(shutdown.params.value("through", ""), "sps-a");
  EXPECT_NE(shutdown.title.find("Other node > Shutdown on sps-a"), std::string::npos)
      << shutdown.title;
  EXPECT_TRUE(has(shutdown.gate, Cond::kPoweredOff, "sps-b"));
}

TEST(SpsHaPlan, ThePlanSaysWhetherOutOfBandPowerIsTheShutDownsFallback) {
  SpsWorld w;
  auto none = w.plan();
  ASSERT_TRUE(none.ok()) << none.message();
  EXPECT_NE(none->steps[sps_step_index(*none, Verb::kPowerOff, "sps-b")].title.find(
                "no out-of-band power: the run stops if sps-a or sps-b does not answer"),
            std::string::npos);
  w.cluster().nodes[1].power = PowerAccess{};
  auto oob = w.plan();
  ASSERT_TRUE(oob.ok()) << oob.message();
  EXPECT_NE(oob->steps[sps_step_index(*oob, Verb::kPowerOff, "sps-b")].title.find(
                "out-of-band power off through its BMC if sps-a or sps-b does not answer"),
            std::string::npos);
}

TEST(SpsHaPlan, SeveralFirmwareHopsRunTheWholeProcedureOncePerHop) {
  SpsWorld w(true, 2);
  auto p = w.plan("7.1.0");
  ASSERT_TRUE(p.ok()) << p.message();
  std::vector<std::string> installs, activations;
  for (const auto& s : p->steps) {
    if (s.verb == Verb::kInstall && s.targets.front() == "sps-a")
      installs.push_back(s.params.value("package", ""));
    if (s.verb == Verb::kActivateSlave) activations.push_back(s.id);
  }
  EXPECT_EQ(installs, (std::vector<std::string>{"firmware-7.0.4", "firmware-7.1.0"}));
  EXPECT_EQ(activations.size(), 2u);
  // Hop two starts only once hop one's pair is activated again, minions first each time.
  int first_activate = -1, second_minion = -1;
  for (int i = 0; i < static_cast<int>(p->steps.size()); ++i) {
    const auto& s = p->steps[i];
    if (s.verb == Verb::kActivateSlave && first_activate < 0) first_activate = i;
    if (s.verb == Verb::kInstall && s.targets.front() == "minion-1" &&
        s.params.value("package", "") == "firmware-7.1.0")
      second_minion = i;
  }
  EXPECT_LT(first_activate, second_minion);
  EXPECT_TRUE(std::any_of(p->notes.begin(), p->notes.end(), [](const std::string& n) {
    return n.find("2 firmware hops (7.0.4 -> 7.1.0)") != std::string::npos;
  })) << to_text(*p);
  // Backups once, before anything installs.
  int backups = 0;
  for (const auto& s : p->steps) backups += s.verb == Verb::kBackup ? 1 : 0;
  EXPECT_EQ(backups, 5);  // one per node
  // Hop two's "After reboot" on the primary writes the slots that held both HA nodes' firmware
  // from before the run: the point of no return names both; hop one's names neither.
  for (const auto& s : p->steps) {
    if (s.verb != Verb::kInstall || s.targets.front() != "sps-a") continue;
    const bool second = s.params.value("package", "") == "firmware-7.1.0";
    EXPECT_EQ(s.no_return.find("sps-a's software") != std::string::npos, second) << s.no_return;
    EXPECT_EQ(s.no_return.find("sps-b's software") != std::string::npos, second) << s.no_return;
  }
}

TEST(SpsHaPlan, NodesOnDifferentFirmwarePathsAreRefusedNamingBoth) {
  SpsWorld w;
  w.obs.nodes["sps-b"].version = "7.0.4";
  w.obs.nodes["sps-b"].packages = {{"firmware", "7.0.4"}};
  auto p = w.plan("7.1.0");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.message().find("sps-b"), std::string::npos) << p.message();
}

TEST(SpsHaPlan, MinionsOneAfterTheOtherBetweenSettingTheMasterAndRebootingIt) {
  SpsWorld w(true, 3);
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  const int master_set = sps_step_index(*p, Verb::kInstall, "search");
  const int master_reboot = sps_step_index(*p, Verb::kReboot, "search");
  ASSERT_GE(master_set, 0);
  ASSERT_GE(master_reboot, 0);
  EXPECT_EQ(p->steps[master_set].params.value("activate", ""), "after-reboot");
  int previous_verify = master_set;
  for (const char* m : {"minion-1", "minion-2", "minion-3"}) {
    const int reboot = sps_step_index(*p, Verb::kReboot, m);
    const int verify = sps_step_index(*p, Verb::kVerify, m);
    ASSERT_GE(reboot, 0) << m;
    EXPECT_GT(sps_step_index(*p, Verb::kStage, m), previous_verify) << m << ": one after the other";
    EXPECT_LT(verify, master_reboot) << m << " before the master reboots";
    previous_verify = verify;
  }
  // The HA pair follows by default.
  EXPECT_GT(sps_step_index(*p, Verb::kPowerOff, "sps-b"), master_reboot);
}

TEST(SpsHaPlan, PolicyRoleOrderPutsThePairFirst) {
  SpsWorld w(true, 1);
  w.cluster().policy.role_order = {"primary", "backup", "search-minion"};
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_LT(sps_step_index(*p, Verb::kActivateSlave, "sps-a"),
            sps_step_index(*p, Verb::kReboot, "minion-1"));
  EXPECT_LT(sps_step_index(*p, Verb::kReboot, "minion-1"),
            sps_step_index(*p, Verb::kReboot, "search"));
}

TEST(SpsHaPlan, RoleOrderAgainstTheSeedIsACycleNamedInTheRefusal) {
  SpsWorld w(true, 2);
  w.cluster().policy.role_order = {"search-master", "search-minion"};
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), PlanningErrc::kBadPolicy);
  EXPECT_NE(p.message().find("cluster sps: policy.role_order: cycle search-minion -> "
                             "search-master -> search-minion"),
            std::string::npos)
      << p.message();
  EXPECT_NE(p.message().find("seed 003: the Search Minion nodes must be upgraded first"),
            std::string::npos)
      << p.message();
  EXPECT_NE(p.message().find("search-master before search-minion (policy role_order)"),
            std::string::npos)
      << p.message();
  // A role twice in the policy's own chain is a cycle too.
  w.cluster().policy.role_order = {"primary", "backup", "primary"};
  auto q = w.plan();
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.message().find("cycle"), std::string::npos) << q.message();
}

TEST(SpsHaPlan, MinionsWithoutAMasterAreRefusedAtPlanTime) {
  SpsWorld w(false, 2);
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), PlanningErrc::kMismatch);
  EXPECT_NE(p.message().find("search-minion nodes (minion-1, minion-2) without a search-master"),
            std::string::npos)
      << p.message();
}

TEST(SpsHaPlan, BrokenPairIsRefused) {
  SpsWorld w;
  w.obs.nodes["sps-b"].ha_role = "none";
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.message().find("the HA pair must be intact"), std::string::npos) << p.message();
}

}  // namespace
}  // namespace hitless::plan
