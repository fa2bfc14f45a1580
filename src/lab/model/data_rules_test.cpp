// Seed 001 and 004 rules for data: a sync overwrites configuration but merges recordings, both
// members of a relation run the same packages, pairs break their relation before installing,
// and backups and installs take longer with more data.
#include <gtest/gtest.h>

#include "lab/model/model_fixture.hpp"

namespace hitless::lab {
namespace {

using testing::PairFixture;

TEST(SyncData, RecordingsFromWhileBrokenSurviveOnBothAndConfigurationIsThePrimarys) {
  PairFixture f;
  ASSERT_TRUE(f.world->break_relation(f.a).ok());
  f.clock.run_until(100);
  f.b.add_recording("rec-on-b-while-broken", 40);
  f.a.add_recording("rec-on-a-while-broken", 60);
  f.a.put_setting("banner", "set on the old primary");  // seed 001: will be overwritten
  // Asynchronous upgrade's end: b is the new primary, a its backup.
  ASSERT_TRUE(f.world->establish(f.b, "a", HaRole::kPrimary).ok());
  EXPECT_EQ(f.a.store().items().at("settings/banner"),
            "set on the old primary");  // establish copies nothing
  f.b.put_setting("banner", "set on the new primary");
  ASSERT_TRUE(f.world->sync(f.a).ok());
  f.clock.run_all();
  ASSERT_FALSE(f.a.ha().syncing);
  for (Node* n : {&f.a, &f.b}) {
    EXPECT_TRUE(n->store().has_recording("rec-on-b-while-broken")) << n->name();
    EXPECT_TRUE(n->store().has_recording("rec-on-a-while-broken")) << n->name();
    EXPECT_EQ(n->store().items().at("settings/banner"), "set on the new primary") << n->name();
  }
  EXPECT_EQ(f.a.store().configuration_checksum(), f.b.store().configuration_checksum());
  EXPECT_EQ(f.a.store().checksum(), f.b.store().checksum());
  EXPECT_DOUBLE_EQ(f.a.store().changed_at().at("settings/banner"), 100);
}

TEST(SyncData, RecordingAddedToTheBackupDuringTheSyncIsKept) {
  PairFixture f;
  ASSERT_TRUE(f.world->sync(f.a).ok());
  f.clock.run_until(5);  // 1000 MB at 100 MB/s: still syncing
  f.b.add_recording("rec-during-sync", 1);
  f.clock.run_all();
  EXPECT_TRUE(f.a.store().has_recording("rec-during-sync"));
  EXPECT_TRUE(f.b.store().has_recording("rec-during-sync"));
}

TEST(Relation, SyncAndEstablishRefusedWhenInstalledPackagesDiffer) {
  // Atlas masters keep their relation while one of them installs, so their packages can differ.
  PairFixture f(testing::pair_spec(ClusterKind::kAtlas));
  f.stage_upgrade(f.b);
  ASSERT_TRUE(f.b.install("base-3.1.0", true).ok()) << "Atlas: installs keep the relation";
  f.clock.run_all();
  ASSERT_EQ(f.b.ha().role, HaRole::kBackup);
  auto s = f.world->sync(f.a);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), NodeErrc::kRefused);
  EXPECT_EQ(s.message(), "packages differ: a has base 3.0, b has base 3.1.0; sync refused");
  EXPECT_FALSE(f.a.ha().syncing);

  ASSERT_TRUE(f.world->break_relation(f.a).ok());
  auto e = f.world->establish(f.a, "b", HaRole::kPrimary);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.code(), NodeErrc::kRefused);
  EXPECT_NE(
      e.message().find("packages differ: a has base 3.0, b has base 3.1.0; establish refused"),
      std::string::npos)
      << e.message();
  EXPECT_EQ(f.a.ha().role, HaRole::kNone);
}

TEST(Relation, InstallOnAPairMemberInItsRelationIsRefusedUntilBroken) {
  for (ClusterKind kind : {ClusterKind::kFailoverPair, ClusterKind::kHaPair}) {
    PairFixture f(testing::pair_spec(kind));
    f.stage_upgrade(f.b);
    auto r = f.b.install("base-3.1.0", true);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code(), NodeErrc::kRefused);
    EXPECT_EQ(r.message(),
              "b is backup in a failover relation with a; break the relation before installing "
              "(seed 001)");
    EXPECT_EQ(f.b.install_state(), InstallState::kIdle);
    EXPECT_EQ(f.b.install_count(), 0);
    EXPECT_TRUE(f.b.serving());
    ASSERT_TRUE(f.world->break_relation(f.a).ok());
    EXPECT_TRUE(f.b.install("base-3.1.0", true).ok());
  }
}

TEST(Relation, InstallKeepsTheRelationForAtlasChassisAndActivePassive) {
  for (ClusterKind kind :
       {ClusterKind::kAtlas, ClusterKind::kChassis, ClusterKind::kActivePassive}) {
    PairFixture f(testing::pair_spec(kind));
    f.stage_upgrade(f.a);
    EXPECT_TRUE(f.a.install("base-3.1.0", true).ok()) << to_string(kind);
    // Active/passive (seed 000): the VIP, and with it the primary role, fails over to b.
    EXPECT_EQ(f.a.ha().role,
              kind == ClusterKind::kActivePassive ? HaRole::kBackup : HaRole::kPrimary);
    EXPECT_EQ(f.a.ha().peer, "b");
  }
}

TEST(DataTime, BackupTakesTwoSecondsPlusSizeAt200MbPerSecond) {
  PairFixture f;
  EXPECT_DOUBLE_EQ(f.a.backup_duration_s(), 2 + 1000.0 / 200);
  f.a.add_recording("rec-big", 400);
  EXPECT_DOUBLE_EQ(f.a.backup_duration_s(), 2 + 1400.0 / 200);
}

TEST(DataTime, InstallAddsOneSecondPer1000MbOfData) {
  PairFixture f;
  ASSERT_TRUE(f.world->break_relation(f.a).ok());
  f.a.add_recording("rec-big", 4000);  // 5000 MB in all: 5 s of migration
  f.stage_upgrade(f.a);
  ASSERT_TRUE(f.a.install("base-3.1.0", true).ok());
  f.clock.run_until(604.5);
  EXPECT_EQ(f.a.phase(), Phase::kInstalling);
  f.clock.run_until(605.5);
  EXPECT_EQ(f.a.phase(), Phase::kRebooting);
}

TEST(InstallMigration, WritesDuringTheInstallSurviveAndTheSchemaIsTheNewVersion) {
  PairFixture f;
  ASSERT_TRUE(f.world->break_relation(f.a).ok());
  f.stage_upgrade(f.a);
  ASSERT_TRUE(f.a.install("base-3.1.0", true).ok());
  f.clock.run_all();
  EXPECT_EQ(f.a.store().schema(), "7.1.0");
  ASSERT_TRUE(f.a.install("product-7.2.0", true).ok());
  f.clock.run_until(100);
  ASSERT_EQ(f.a.phase(), Phase::kInstalling);
  ASSERT_TRUE(f.a.management_up());  // the management API stays up while installing
  f.a.add_recording("rec-while-installing", 25);
  f.a.put_setting("banner", "written while installing");
  const auto whole = f.a.store().checksum();
  f.clock.run_all();
  ASSERT_EQ(f.a.version(), "7.2.0");
  EXPECT_EQ(f.a.store().schema(), "7.2.0");
  EXPECT_EQ(f.a.store().checksum(), whole);
  EXPECT_TRUE(f.a.store().has_recording("rec-while-installing"));
  EXPECT_EQ(f.a.store().items().at("settings/banner"), "written while installing");
  EXPECT_TRUE(f.a.last_error().empty()) << f.a.last_error();
}

TEST(InstallMigration, RestoringAnOlderBackupImportsItIntoTheRunningSchema) {
  PairFixture f;
  ConfigStore old = f.a.store();
  old.set_schema("6.0.0");
  old.add_recording("rec-from-old-backup", 3);
  ASSERT_TRUE(f.b.restore(old.serialize()).ok());
  EXPECT_EQ(f.b.store().schema(), "7.1.0");
  EXPECT_EQ(f.b.store().checksum(), old.checksum());
}

}  // namespace
}  // namespace hitless::lab
