#include "lab/model/chassis.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/virtual_scheduler.hpp"
#include "lab/model/junos_cli.hpp"

namespace hitless::lab {
namespace {

constexpr const char* kImage = "/var/tmp/junos-22.2R3.15.tgz";

struct ChassisFixture : ::testing::Test {
  VirtualScheduler clock;
  Chassis chassis{clock, "mx-1", "21.4R3.15", 480};
  void SetUp() override {
    chassis.open_sessions(40);
    chassis.stage(kImage, "22.2R3.15");
  }
  void configure_all() {
    for (const char* s : {"set chassis redundancy graceful-switchover",
                          "set routing-options nonstop-routing", "set system commit synchronize"})
      ASSERT_EQ(run_junos_command(chassis, 0, s, "").exit_status, 0) << s;
  }
  CliReply cli(int slot, const std::string& command, const std::string& in = "") {
    return run_junos_command(chassis, slot, command, in);
  }
};

bool has_line(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST_F(ChassisFixture, IssuWithoutPrerequisitesIsRefusedNamingTheThreeStatements) {
  auto r = cli(0, std::string("request system software in-service-upgrade ") + kImage);
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_TRUE(has_line(r.output, "error: GRES not configured")) << r.output;
  EXPECT_TRUE(has_line(r.output, "  set chassis redundancy graceful-switchover"));
  EXPECT_TRUE(has_line(r.output, "  set routing-options nonstop-routing"));
  EXPECT_TRUE(has_line(r.output, "  set system commit synchronize"));
  EXPECT_EQ(chassis.engine(1).version, "21.4R3.15");  // nothing installed
  EXPECT_EQ(chassis.master_slot(), 0);
  EXPECT_EQ(chassis.open_sessions(), 40);
}

TEST_F(ChassisFixture, IssuFollowsTheSeedAndKeepsEverySession) {
  configure_all();
  EXPECT_TRUE(chassis.missing_prerequisites().empty());
  auto r = cli(0, std::string("request system software in-service-upgrade ") + kImage);
  ASSERT_EQ(r.exit_status, 0) << r.output;
  // The seed's progress lines, in its order.
  std::size_t at = 0;
  for (const char* line : {"Chassis ISSU Check Done", "ISSU: Validating Image",
                           "Checking compatibility with configuration", "Backup upgrade done",
                           "Rebooting re1", "ISSU: Backup RE Prepare Done", "GRES operational",
                           "Chassis ISSU Started", "ISSU: Preparing for Switchover"}) {
    auto found = r.output.find(std::string(line) + "\n", at);
    ASSERT_NE(found, std::string::npos) << line << " missing or out of order in\n" << r.output;
    at = found;
  }
  EXPECT_EQ(chassis.master_slot(), 1);
  EXPECT_EQ(chassis.engine(1).version, "22.2R3.15");
  // The old master stays on the old code as backup.
  EXPECT_EQ(chassis.engine(0).version, "21.4R3.15");
  EXPECT_EQ(chassis.engine(0).state, EngineState::kBackup);
  EXPECT_EQ(chassis.open_sessions(), 40);
  EXPECT_EQ(chassis.dropped_sessions(), 0);

  // The seed's manual reboot of the old master, then the switch back.
  auto no = cli(0, "request system reboot", "no\n");
  EXPECT_EQ(no.exit_status, 1);
  EXPECT_EQ(chassis.engine(0).state, EngineState::kBackup);
  auto reboot = cli(0, "request system reboot", "yes\n");
  EXPECT_TRUE(reboot.drop_connection);
  EXPECT_TRUE(has_line(reboot.output, "Shutdown NOW!")) << reboot.output;
  EXPECT_NE(reboot.output.find("Reboot the system ? [yes,no] (no) yes"), std::string::npos);
  EXPECT_EQ(cli(0, "show version").drop_connection, true);  // down while it reboots
  clock.run_all();
  EXPECT_NE(cli(0, "show version").output.find("Junos: 22.2R3.15"), std::string::npos);
  auto back = cli(1, "request chassis routing-engine master switch", "yes\n");
  EXPECT_EQ(back.exit_status, 0) << back.output;
  EXPECT_EQ(chassis.master_slot(), 0);
  EXPECT_NE(
      cli(0, "show chassis routing-engine 0").output.find("Current state                  Master"),
      std::string::npos);
  EXPECT_EQ(chassis.dropped_sessions(), 0);
}

TEST_F(ChassisFixture, IssuWithRebootUpgradesTheOldMasterToo) {
  configure_all();
  auto r = cli(0, std::string("request system software in-service-upgrade ") + kImage + " reboot");
  ASSERT_EQ(r.exit_status, 0) << r.output;
  EXPECT_EQ(chassis.engine(0).state, EngineState::kRebooting);
  clock.run_all();
  EXPECT_EQ(chassis.engine(0).version, "22.2R3.15");
  EXPECT_EQ(chassis.engine(0).state, EngineState::kBackup);
  EXPECT_EQ(chassis.dropped_sessions(), 0);
}

TEST_F(ChassisFixture, SwitchoverWithoutGracefulSwitchoverDropsEverySession) {
  auto r = cli(0, "request chassis routing-engine master switch", "yes\n");
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(chassis.master_slot(), 1);
  EXPECT_EQ(chassis.open_sessions(), 0);
  EXPECT_EQ(chassis.dropped_sessions(), 40);
}

TEST_F(ChassisFixture, RebootingTheMasterWithoutPrerequisitesDropsSessions) {
  auto r = cli(0, "request system reboot", "yes\n");
  EXPECT_TRUE(r.drop_connection);
  EXPECT_EQ(chassis.dropped_sessions(), 40);
}

TEST_F(ChassisFixture, BackupFailingToBootAbortsIssuWithTheMasterServing) {
  configure_all();
  chassis.engine(1).boot_fails = true;
  auto r = cli(0, std::string("request system software in-service-upgrade ") + kImage);
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.output.find("error: ISSU Aborted!"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Chassis ISSU Started"), std::string::npos);
  EXPECT_EQ(chassis.master_slot(), 0);
  EXPECT_EQ(chassis.engine(0).version, "21.4R3.15");
  EXPECT_EQ(chassis.engine(1).version, "21.4R3.15");
  EXPECT_EQ(chassis.engine(1).state, EngineState::kBackup);
  EXPECT_EQ(chassis.open_sessions(), 40);
  EXPECT_EQ(chassis.dropped_sessions(), 0);
}

TEST_F(ChassisFixture, IssuOnTheBackupEngineOrAnUnstagedImageIsRefused) {
  configure_all();
  auto on_backup = cli(1, std::string("request system software in-service-upgrade ") + kImage);
  EXPECT_EQ(on_backup.exit_status, 1);
  auto unstaged = cli(0, "request system software in-service-upgrade /var/tmp/nope.tgz");
  EXPECT_EQ(unstaged.exit_status, 1);
  EXPECT_NE(unstaged.output.find("/var/tmp/nope.tgz: No such file"), std::string::npos);
  EXPECT_EQ(chassis.engine(1).version, "21.4R3.15");
  EXPECT_EQ(chassis.master_slot(), 0);
}

TEST_F(ChassisFixture, ConfigurationShowsTheStatementsSet) {
  EXPECT_EQ(cli(0, "show configuration | display set").output, "set system host-name mx-1\n");
  configure_all();
  auto text = cli(0, "show configuration | display set").output;
  EXPECT_TRUE(has_line(text, "set routing-options nonstop-routing"));
  EXPECT_EQ(cli(0, "delete routing-options nonstop-routing").exit_status, 0);
  EXPECT_FALSE(chassis.config().nonstop_routing);
  // Any other statement is the engine's configuration, committed at once.
  EXPECT_EQ(cli(0, "set protocols bgp group peers").exit_status, 0);
  EXPECT_TRUE(has_line(cli(0, "show configuration").output, "set protocols bgp group peers"));
  EXPECT_EQ(cli(0, "show system commit").output, "5 commits\n");
  EXPECT_EQ(cli(0, "show bogus").exit_status, 1);
}

TEST_F(ChassisFixture, CommitSynchronizeKeepsBothEnginesConfigurationsEqualThroughTheIssu) {
  configure_all();
  ASSERT_EQ(cli(0, "set interfaces ge-0/0/0 description before").exit_status, 0);
  EXPECT_EQ(chassis.configuration_checksum(0), chassis.configuration_checksum(1));
  // On the backup engine: refused, naming the master.
  auto on_backup = cli(1, "set interfaces ge-0/0/1 description wrong-engine");
  EXPECT_EQ(on_backup.exit_status, 1);
  EXPECT_NE(on_backup.output.find("configure on the master (re0)"), std::string::npos);

  ASSERT_EQ(cli(0, std::string("request system software in-service-upgrade ") + kImage).exit_status,
            0);
  ASSERT_EQ(cli(1, "set interfaces ge-0/0/1 description after-switchover").exit_status, 0);
  // The old master reboots: commits on the new master cannot reach it...
  ASSERT_EQ(cli(0, "request system reboot", "yes\n").exit_status, 0);
  auto during = cli(1, "set interfaces ge-0/0/2 description during-reboot");
  EXPECT_EQ(during.exit_status, 0);
  EXPECT_TRUE(has_line(during.output, "warning: Cannot connect to other RE, ignoring it"))
      << during.output;
  EXPECT_NE(chassis.configuration_checksum(0), chassis.configuration_checksum(1));
  // ...and it catches up when it comes back.
  clock.run_all();
  EXPECT_EQ(chassis.engine(0).state, EngineState::kBackup);
  EXPECT_EQ(chassis.configuration_checksum(0), chassis.configuration_checksum(1));
  const std::string text = cli(0, "show configuration | display set").output;
  for (const char* s :
       {"set interfaces ge-0/0/1 description after-switchover",
        "set interfaces ge-0/0/2 description during-reboot", "set system commit synchronize"})
    EXPECT_TRUE(has_line(text, s)) << text;
  EXPECT_EQ(chassis.engine(0).commits, chassis.engine(1).commits);
}

TEST_F(ChassisFixture, WithoutCommitSynchronizeTheBackupMissesCommitsAndASwitchoverLosesThem) {
  for (const char* s :
       {"set chassis redundancy graceful-switchover", "set routing-options nonstop-routing"})
    ASSERT_EQ(cli(0, s).exit_status, 0);
  ASSERT_EQ(cli(0, "set interfaces ge-0/0/0 description only-on-re0").exit_status, 0);
  ASSERT_EQ(cli(0, "request chassis routing-engine master switch", "yes\n").exit_status, 0);
  EXPECT_EQ(chassis.master_slot(), 1);
  EXPECT_FALSE(has_line(cli(1, "show configuration").output,
                        "set interfaces ge-0/0/0 description only-on-re0"));
  EXPECT_NE(chassis.configuration_checksum(0), chassis.configuration_checksum(1));
}

}  // namespace
}  // namespace hitless::lab
