#include <gtest/gtest.h>

#include "lab/model/model_fixture.hpp"

namespace hitless::lab {
namespace {

using testing::PairFixture;
using testing::Recorder;

// The pair with its relation broken: seed 001 installs only outside the relation. Data 1000 MB,
// so every install takes 1 model second longer for the data store migration.
struct Unpaired : PairFixture {
  Unpaired() { ASSERT_OK(world->break_relation(a)); }
};

TEST(NodeInstall, TakesInstallPlusRebootTimeAndStopsServiceMeanwhile) {
  Unpaired f;
  f.stage_upgrade(f.a);
  ASSERT_TRUE(f.a.install("base-3.1.0", true).ok());
  f.clock.run_until(600.5);  // 600 s install + 1000 MB / 1000 MB/s migration
  EXPECT_FALSE(f.a.serving());
  EXPECT_EQ(f.a.phase(), Phase::kInstalling);
  f.clock.run_until(601.5);
  EXPECT_EQ(f.a.phase(), Phase::kRebooting);
  EXPECT_FALSE(f.a.management_up());
  f.clock.run_until(722);
  EXPECT_TRUE(f.a.serving());
  EXPECT_EQ(f.a.active().packages.at("base"), "3.1.0");
  EXPECT_EQ(f.a.version(), "7.1.0");

  ASSERT_TRUE(f.a.install("product-7.2.0", true).ok());
  f.clock.run_until(722 + 1801 + 119);
  EXPECT_FALSE(f.a.serving());
  f.clock.run_until(722 + 1801 + 121);
  EXPECT_TRUE(f.a.serving());
  EXPECT_EQ(f.a.version(), "7.2.0");
  EXPECT_EQ(f.a.slot(1 - f.a.active_slot()).version, "7.1.0");  // the way back
  EXPECT_EQ(f.a.install_state(), InstallState::kDone);
}

TEST(NodeInstall, RequirementsAreEnforced) {
  Unpaired f;
  f.stage_upgrade(f.a);
  auto r = f.a.install("product-7.2.0", true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), NodeErrc::kRefused);
  EXPECT_NE(r.message().find("requires base >= 3.1 (installed: 3.0)"), std::string::npos)
      << r.message();
  EXPECT_TRUE(f.a.serving());
}

TEST(NodeInstall, SameVersionAndDowngradeAreRefused) {
  Unpaired f;
  auto same = f.package("product", "7.1.0");
  auto older = f.package("product", "6.9.0");
  ASSERT_TRUE(f.a.stage(same.file, same.signature).ok());
  ASSERT_TRUE(f.a.stage(older.file, older.signature).ok());
  EXPECT_EQ(f.a.install("product-7.1.0", true).code(), NodeErrc::kRefused);
  EXPECT_EQ(f.a.install("product-6.9.0", true).code(), NodeErrc::kRefused);
}

TEST(NodeStage, BadSignatureDiskFullAndCorruptionAreRejected) {
  PairFixture f;
  auto p = f.package("base", "3.1.0");
  EXPECT_EQ(f.a.stage(p.file, f.package("base", "3.2.0").signature).code(),
            NodeErrc::kBadSignature);
  f.a.inject(Fault::kDiskFull);
  EXPECT_EQ(f.a.stage(p.file, p.signature).code(), NodeErrc::kDiskFull);
  f.a.clear_faults();
  f.a.inject(Fault::kCorruptStage);
  EXPECT_EQ(f.a.stage(p.file, p.signature).code(), NodeErrc::kBadSignature);
  f.a.clear_faults();
  EXPECT_TRUE(f.a.stage(p.file, p.signature).ok());
  EXPECT_EQ(f.a.staged().size(), 1u);
}

TEST(NodeFaults, InstallFailKeepsServingOnOldVersion) {
  Unpaired f;
  f.stage_upgrade(f.a);
  f.a.inject(Fault::kInstallFail);
  ASSERT_TRUE(f.a.install("base-3.1.0", true).ok());
  for (double t = 1; t < 700; t += 10) {
    f.clock.run_until(t);
    EXPECT_TRUE(f.a.serving()) << "at " << t;
  }
  EXPECT_EQ(f.a.install_state(), InstallState::kFailed);
  EXPECT_EQ(f.a.active().packages.at("base"), "3.0");
  EXPECT_FALSE(f.a.last_error().empty());
}

TEST(NodeFaults, BootFailRevertsToOldSlotAfterBootTimeout) {
  Unpaired f;
  f.stage_upgrade(f.a);
  f.a.inject(Fault::kBootFail);
  ASSERT_TRUE(f.a.install("base-3.1.0", true).ok());
  f.clock.run_until(601 + 120 + 599);
  EXPECT_FALSE(f.a.serving());
  f.clock.run_until(601 + 120 + 600 + 119);  // the watchdog gave up; the old slot is booting
  EXPECT_FALSE(f.a.serving());
  f.clock.run_until(601 + 120 + 600 + 121);
  EXPECT_TRUE(f.a.serving());
  EXPECT_EQ(f.a.active().packages.at("base"), "3.0");
  EXPECT_EQ(f.a.install_state(), InstallState::kFailed);
  EXPECT_NE(f.a.last_error().find("did not boot"), std::string::npos);
}

TEST(NodeFaults, HangNeverCompletesUntilPowerCycle) {
  Unpaired f;
  f.stage_upgrade(f.a);
  f.a.inject(Fault::kHang);
  ASSERT_TRUE(f.a.install("base-3.1.0", true).ok());
  f.clock.run_until(100000);
  EXPECT_EQ(f.a.install_state(), InstallState::kInstalling);
  EXPECT_EQ(f.a.reboot().code(), NodeErrc::kBusy);
  f.a.clear_faults();
  ASSERT_TRUE(f.a.power(false).ok());
  ASSERT_TRUE(f.a.power(true).ok());
  f.clock.run_until(100000 + 121);
  EXPECT_TRUE(f.a.serving());
  EXPECT_EQ(f.a.active().packages.at("base"), "3.0");
}

TEST(NodeAbFirmware, ActivateAfterRebootServesWhileWritingSlot) {
  Unpaired f;
  f.stage_upgrade(f.a);
  ASSERT_TRUE(f.a.install("base-3.1.0", false).ok());
  f.clock.run_until(700);
  EXPECT_TRUE(f.a.serving());
  EXPECT_EQ(f.a.install_state(), InstallState::kPendingReboot);
  EXPECT_EQ(f.a.active().packages.at("base"), "3.0");
  ASSERT_TRUE(f.a.reboot().ok());
  f.clock.run_until(700 + 121);
  EXPECT_EQ(f.a.active().packages.at("base"), "3.1.0");
  // The way back: boot the previous slot.
  ASSERT_TRUE(f.a.select_boot_slot(1 - f.a.active_slot()).ok());
  ASSERT_TRUE(f.a.reboot().ok());
  f.clock.run_until(700 + 121 + 121);
  EXPECT_EQ(f.a.active().packages.at("base"), "3.0");
}

TEST(NodeSessions, EndByThemselvesOrAreDroppedWhenNodeStopsServing) {
  PairFixture f;
  Recorder rec;
  f.a.set_observer(&rec);
  ASSERT_TRUE(f.a.open_session().ok());
  ASSERT_TRUE(f.a.open_session(10).ok());
  f.clock.run_until(11);
  EXPECT_EQ(rec.completed, 1);
  EXPECT_EQ(f.a.sessions_open(), 1u);
  ASSERT_TRUE(f.a.power(false).ok());
  EXPECT_EQ(rec.dropped, 1);
  EXPECT_EQ(f.a.sessions_dropped(), 1u);
  EXPECT_FALSE(f.a.open_session().ok());
}

TEST(NodeSessions, NotAcceptingRefusesNewButKeepsOpenOnes) {
  PairFixture f;
  ASSERT_TRUE(f.a.open_session().ok());
  ASSERT_TRUE(f.a.set_accepting(false).ok());
  EXPECT_EQ(f.a.open_session().code(), NodeErrc::kRefused);
  EXPECT_EQ(f.a.sessions_open(), 1u);
  EXPECT_TRUE(f.a.serving());
}

TEST(NodeData, ChecksumStableAcrossUpgradeAndReboot) {
  Unpaired f;
  const auto before = f.a.store().checksum();
  f.stage_upgrade(f.a);
  ASSERT_TRUE(f.a.install("base-3.1.0", true).ok());
  f.clock.run_all();
  ASSERT_TRUE(f.a.install("product-7.2.0", true).ok());
  f.clock.run_all();
  ASSERT_TRUE(f.a.reboot().ok());
  f.clock.run_all();
  EXPECT_EQ(f.a.version(), "7.2.0");
  EXPECT_EQ(f.a.store().checksum(), before);
}

}  // namespace
}  // namespace hitless::lab
