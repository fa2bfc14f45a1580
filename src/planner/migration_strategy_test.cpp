// Seed 004's move to new hardware (S9): the plan's order against the seed, and the bad input
// refused at plan time (spare too small, spare on newer software, no passphrase file).
#include "planner/migration_strategy.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "planner/migration_world_fixture.hpp"

namespace hitless::plan {
namespace {

using fixture::MigrationWorld;

int at(const Plan& p, Verb v, const std::string& node = "") {
  for (int i = 0; i < static_cast<int>(p.steps.size()); ++i) {
    const auto& t = p.steps[i].targets;
    if (p.steps[i].verb == v && (node.empty() || std::find(t.begin(), t.end(), node) != t.end()))
      return i;
  }
  return -1;
}

TEST(MigrationStrategy, FollowsTheSeedsOrderAndRetiresTheOldBoxOnlyAfterApproval) {
  MigrationWorld w;
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->strategies.front(), "migrate");
  EXPECT_EQ(p->target_version, "23.1.2");  // the old box's own version
  const int check = at(*p, Verb::kCheck, "new-box");
  const int traffic_check = at(*p, Verb::kCheckTraffic);
  const int backup = at(*p, Verb::kBackup, "old-box");
  const int cert = at(*p, Verb::kCertTransfer, "new-box");
  const int assign = at(*p, Verb::kCertAssignIp, "new-box");
  const int stage = at(*p, Verb::kStage, "new-box");
  const int install = at(*p, Verb::kInstall, "new-box");
  const int restore = at(*p, Verb::kRestore, "new-box");
  const int verify = at(*p, Verb::kVerify, "new-box");
  const int cut = at(*p, Verb::kSwitchTraffic, "new-box");
  const int propagate = at(*p, Verb::kSoak, "old-box");
  const int drained = at(*p, Verb::kWaitDrained, "old-box");
  const int approve = at(*p, Verb::kApproval);
  const int reset = at(*p, Verb::kFactoryReset, "old-box");
  const int shut = at(*p, Verb::kShutDown, "old-box");
  const std::vector<int> order{check,     traffic_check, backup,  cert,   assign,
                               stage,     install,       restore, verify, cut,
                               propagate, drained,       approve, reset,  shut};
  for (int i : order) EXPECT_GE(i, 0) << to_text(*p);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end())) << to_text(*p);
  EXPECT_EQ(static_cast<int>(p->steps.size()), shut + 1) << "nothing after the shut-down";
  // The old box never goes down before clients are on the new one.
  for (int i = 0; i < cut; ++i) {
    const auto& t = p->steps[i].targets;
    if (std::find(t.begin(), t.end(), "old-box") == t.end()) continue;
    EXPECT_NE(p->steps[i].verb, Verb::kInstall);
    EXPECT_NE(p->steps[i].verb, Verb::kFactoryReset);
  }
  // The install brings the spare to the old box's version; the restore requires it.
  EXPECT_EQ(p->steps[install].params.value("version", ""), "23.1.2");
  const auto& rs = p->steps[restore];
  EXPECT_EQ(rs.params.value("from", ""), "old-box");
  EXPECT_NE(std::find(rs.preconditions.begin(), rs.preconditions.end(),
                      Condition{Cond::kVersion, "new-box", "23.1.2"}),
            rs.preconditions.end());
  // Verified: same data as the old box, certificate assigned to its own address.
  const auto& g = p->steps[verify].gate;
  EXPECT_NE(std::find(g.begin(), g.end(), Condition{Cond::kDataEqual, "new-box", "", {"old-box"}}),
            g.end());
  EXPECT_NE(std::find(g.begin(), g.end(),
                      Condition{Cond::kCertificate, "new-box", "support.example.test@127.0.0.2"}),
            g.end());
  EXPECT_EQ(p->steps[cut].params.value("via", ""), "dns");
  // The reset needs the clients on the new box and is the point of no return.
  const auto& pre = p->steps[reset].preconditions;
  EXPECT_NE(std::find(pre.begin(), pre.end(), Condition{Cond::kServiceFrom, "new-box", ""}),
            pre.end());
  EXPECT_FALSE(p->steps[reset].no_return.empty());
  // The passphrase file is named, never its content.
  EXPECT_EQ(p->steps[cert].params.value("passphrase_file", ""), w.cluster().passphrase_file);
}

TEST(MigrationStrategy, OldBoxServesForTheRecordsTtlAfterTheCutOverThenDrains) {
  MigrationWorld w;  // TTL 2 s
  w.inv.time_scale = 0.001;
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  const Step& wait = p->steps[at(*p, Verb::kSoak, "old-box")];
  // Wall seconds (DNS caches do not scale) as the soak's model seconds: 2 s / 0.001.
  EXPECT_DOUBLE_EQ(wait.params.value("seconds", 0.0), 2000);
  EXPECT_NE(wait.title.find("Wait 2.00s of wall time"), std::string::npos) << wait.title;
  const Step& drain = p->steps[at(*p, Verb::kWaitDrained, "old-box")];
  EXPECT_EQ(drain.gate, (std::vector<Condition>{{Cond::kDrained, "old-box", ""}}));
  EXPECT_EQ(drain.params.value("on_timeout", ""), "stop");
}

TEST(MigrationStrategy, PolicyCanHoldTheOldBoxLongerThanTheTtlNeverShorter) {
  MigrationWorld w;  // TTL 2 s
  w.inv.time_scale = 0.001;
  w.cluster().policy.cutover_wait_s = 90;  // resolvers that keep answers past their TTL
  auto longer = w.plan();
  ASSERT_TRUE(longer.ok()) << longer.message();
  const Step& wait = longer->steps[at(*longer, Verb::kSoak, "old-box")];
  EXPECT_DOUBLE_EQ(wait.params.value("seconds", 0.0), 90000);
  EXPECT_NE(wait.title.find("Wait 1m 30s of wall time"), std::string::npos) << wait.title;

  w.cluster().policy.cutover_wait_s = 1;  // below the TTL: the TTL still holds
  auto shorter = w.plan();
  ASSERT_TRUE(shorter.ok()) << shorter.message();
  EXPECT_DOUBLE_EQ(
      shorter->steps[at(*shorter, Verb::kSoak, "old-box")].params.value("seconds", 0.0), 2000);
}

TEST(MigrationStrategy, SharedIpCutOverWaitsOnlyWhenThePolicyAsks) {
  MigrationWorld none("shared-ip");
  auto p = none.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(at(*p, Verb::kSoak, "old-box"), -1);
  MigrationWorld asked("shared-ip");
  asked.cluster().policy.cutover_wait_s = 30;
  auto q = asked.plan();
  ASSERT_TRUE(q.ok()) << q.message();
  EXPECT_GE(at(*q, Verb::kSoak, "old-box"), 0);
}

TEST(MigrationStrategy, NoDrainWaitWhereTheOldBoxDoesNotReportItsClients) {
  MigrationWorld w;
  w.old_box().connected_clients = -1;  // a real appliance through a profile without the table
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_GE(at(*p, Verb::kSoak, "old-box"), 0) << "the TTL is still waited";
  EXPECT_EQ(at(*p, Verb::kWaitDrained, "old-box"), -1);
}

TEST(MigrationStrategy, TargetDefaultsToTheOldBoxsVersion) {
  MigrationWorld w;
  auto p = w.plan("");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->target_version, "23.1.2");
  auto same = w.plan("23.1.2");
  ASSERT_TRUE(same.ok()) << same.message();
  EXPECT_EQ(plan_hash(*same), plan_hash(*p));
}

TEST(MigrationStrategy, ApprovalStaysEvenWhenThePolicyAsksForNone) {
  MigrationWorld w;
  w.inv.clusters.front().policy.approval_phases.mode = ApprovalPhases::Mode::kNone;
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_GE(at(*p, Verb::kApproval), 0);
  EXPECT_LT(at(*p, Verb::kApproval), at(*p, Verb::kFactoryReset, "old-box"));
}

TEST(MigrationStrategy, SpareAlreadyOnTheOldVersionIsNotInstalled) {
  MigrationWorld w;
  w.spare().version = "23.1.2";
  w.spare().packages = {{"product", "23.1.2"}};
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(at(*p, Verb::kInstall, "new-box"), -1);
  EXPECT_GE(at(*p, Verb::kRestore, "new-box"), 0);
}

TEST(MigrationStrategy, WithoutDnsTheSharedIpMoves) {
  MigrationWorld w("shared-ip");
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  const int cut = at(*p, Verb::kSwitchTraffic, "new-box");
  ASSERT_GE(cut, 0);
  EXPECT_EQ(p->steps[cut].params.value("via", ""), "shared-ip");
  EXPECT_EQ(at(*p, Verb::kCheckTraffic), -1);
}

TEST(MigrationStrategy, SpareSmallerThanTheDataIsRefused) {
  MigrationWorld w;
  w.spare().migration->disk_mb = 4000;
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), PlanningErrc::kMismatch);
  EXPECT_NE(p.message().find("4000 MB of disk but old-box holds 8000 MB"), std::string::npos)
      << p.message();
}

TEST(MigrationStrategy, SpareOnNewerSoftwareThanCanBeRestoredIsRefused) {
  MigrationWorld w;
  w.spare().version = "23.2.0";
  w.spare().packages = {{"product", "23.2.0"}};
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.message().find("runs 23.2.0, newer than old-box's 23.1.2"), std::string::npos)
      << p.message();
}

TEST(MigrationStrategy, SpareNotInFactoryStateIsRefused) {
  MigrationWorld w;
  w.spare().migration->factory_defaults = false;
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.message().find("not in factory state"), std::string::npos) << p.message();
}

TEST(MigrationStrategy, MissingPassphraseFileIsRefused) {
  MigrationWorld w;
  w.inv.clusters.front().passphrase_file.clear();
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.message().find("passphrase_file is missing"), std::string::npos) << p.message();
}

TEST(MigrationStrategy, TargetOtherThanTheOldVersionIsRefused) {
  MigrationWorld w;
  auto p = w.plan("24.1.0");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), PlanningErrc::kBadTarget);
  EXPECT_NE(p.message().find("--to 23.1.2"), std::string::npos) << p.message();
  EXPECT_NE(p.message().find("installs the old appliance's own version (23.1.2)"),
            std::string::npos)
      << p.message();
}

}  // namespace
}  // namespace hitless::plan
