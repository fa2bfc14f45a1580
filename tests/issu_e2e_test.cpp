// S10 end to end (seed 002): `hitless lab up` on a chassis, `hitless plan` and `apply` through the
// command driver with the shipped JunOS profile over real SSH against the lab's JunOS CLI, under
// the probe. The seed's order keeps every session; a chassis without the prerequisites is
// refused at plan time and a plain switchover on it drops every session (the lab catches the
// wrong order); a backup engine that fails to boot ends the run with the master serving. The old
// master's reboot drops the SSH connection mid-step, and the step waits for the engine to come
// back on a fresh one.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <future>
#include <iostream>
#include <iterator>
#include <utility>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

using nlohmann::json;

std::string chassis_yaml(bool prerequisites, const std::string& reboot = "8m") {
  const std::string flag = prerequisites ? "true" : "false";
  return "lab: s10\n"
         "defaults: {version: 21.4R3.15, install: 20m, reboot: " +
         reboot +
         ", boot_timeout: 90m}\n"
         "repository:\n"
         "  - {name: junos, version: 22.2R3.15, kind: firmware, size_mb: 2500, upgrade_from: "
         "[\"21.4\"]}\n"
         "clusters:\n"
         "  - name: edge-router\n"
         "    kind: chassis\n"
         "    redundancy: {graceful_switchover: " +
         flag + ", nonstop_routing: " + flag + ", commit_synchronize: " + flag +
         "}\n"
         "    nodes:\n"
         "      - {name: re0, role: master, chassis: mx-1, slot: re0}\n"
         "      - {name: re1, role: backup, chassis: mx-1, slot: re1}\n";
}

class ChassisLab : public UpgradeLab {
 public:
  explicit ChassisLab(bool prerequisites = true, const std::string& reboot = "8m")
      : UpgradeLab(chassis_yaml(prerequisites, reboot)) {}
  json chassis() { return inspect().at("chassis").at(0); }
  json engine(const std::string& name) { return chassis().at("engines").at(name); }
  std::string service() { return Lab::service("edge-router"); }
  // Waits until the probe's sessions are open on the chassis (a state, not a delay).
  bool sessions_open(int n) {
    for (int i = 0; i < 400; ++i) {
      if (chassis().at("open_sessions").get<int>() >= n) return true;
      wait_node(
          "re0", [](const json&) { return true; }, 0.05);
    }
    return false;
  }
  // One command on engine `name` over its SSH CLI (what an operator types): exit status, output.
  std::pair<int, std::string> cli(const std::string& name, const std::string& command,
                                  const std::string& answer = "") {
    const std::string out = dir() + "/cli-" + name + ".out";
    const std::string ssh =
        "ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o "
        "UserKnownHostsFile=" +
        dir() + "/known_hosts -i " + dir() + "/mx-1-client_key -p " +
        std::to_string(engine(name).at("ssh_port").get<int>()) + " root@127.0.0.1 '" + command +
        "'";
    const int rc = std::system(
        ((answer.empty() ? "" : "echo " + answer + " | ") + ssh + " >" + out + " 2>&1 </dev/null")
            .c_str());
    std::ifstream in(out);
    return {WEXITSTATUS(rc), std::string((std::istreambuf_iterator<char>(in)), {})};
  }
  std::string master() {
    for (const char* e : {"re0", "re1"})
      if (engine(e).at("state") == "Master") return e;
    return "";
  }
};

TEST(IssuE2e, TheSeedOrderOverSshUpgradesBothEnginesAndDropsNoSession) {
  ChassisLab lab;
  auto plan = lab.plan("", "22.2R3.15");
  ASSERT_EQ(plan.exit_code, 0) << plan.output;
  EXPECT_NE(plan.output.find("issu"), std::string::npos) << plan.output;
  BackgroundProbe probe(lab.service(), 100, 10);
  ASSERT_TRUE(lab.sessions_open(10));
  auto r = lab.apply();
  auto report = probe.stop();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(report.sessions_dropped, 0u) << probe::to_text(report);
  EXPECT_EQ(report.failed, 0u) << probe::to_text(report);
  EXPECT_GE(report.sessions_opened, 10u);
  EXPECT_EQ(lab.chassis().at("dropped_sessions"), 0);
  for (const char* e : {"re0", "re1"}) EXPECT_EQ(lab.engine(e).at("version"), "22.2R3.15") << e;
  // Seed 002: re1 took mastership; re0, rebooted into the new code, is its backup.
  EXPECT_EQ(lab.engine("re1").at("state"), "Master");
  EXPECT_EQ(lab.engine("re0").at("state"), "Backup");
  auto status = run_hitless("status --journal " + lab.journal_path() + " --format json");
  EXPECT_EQ(json::parse(status.output).at("state"), "completed") << status.output;
}

// Operators keep configuring the router while the ISSU runs: a commit before the switchover
// (after the run's backup), one while the old master reboots into the new code (commit
// synchronize cannot reach it: the lab warns, and the engine catches up when it boots), and one
// after. Both engines end with the same configuration holding all three; no session dropped.
TEST(IssuE2e, ConfigurationCommittedInEveryWindowOfTheIssuEndsEqualOnBothEngines) {
  ChassisLab lab(true, "60m");  // 3.6 s of wall time per engine reboot: a window to commit in
  const std::string before_sum = lab.engine("re0").at("configuration_checksum");
  ASSERT_EQ(before_sum, lab.engine("re1").at("configuration_checksum"));
  ASSERT_EQ(lab.plan("", "22.2R3.15").exit_code, 0);
  BackgroundProbe probe(lab.service(), 100, 10);
  ASSERT_TRUE(lab.sessions_open(10));
  auto run = std::async(std::launch::async, [&] { return lab.apply(); });

  // Before the switchover: the run has begun (its checks; the sealed backup and the image follow),
  // re0 is master and re1 the backup on the old code. The reply shows re1 took the commit.
  ASSERT_TRUE(wait_journal(lab.journal_path(), [](const std::string&, const auto& steps) {
    for (const auto& [id, state] : steps)
      if (id.find("-check") != std::string::npos) return true;
    return false;
  }));
  auto before = lab.cli("re0", "set interfaces ge-0/0/0 description before-switchover");
  EXPECT_EQ(before.first, 0) << before.second;
  EXPECT_NE(before.second.find("re1:\ncommit complete"), std::string::npos)
      << "synchronized to the backup engine: " << before.second;

  // During: the old master re0 reboots into the new code; re1 is master.
  ASSERT_TRUE(lab.wait_node(
      "re0", [&](const json&) { return lab.engine("re0").at("state") == "Rebooting"; }, 60));
  auto during = lab.cli("re1", "set interfaces ge-0/0/1 description during-reboot");
  EXPECT_EQ(during.first, 0) << during.second;
  EXPECT_NE(during.second.find("warning: Cannot connect to other RE, ignoring it"),
            std::string::npos)
      << during.second;

  auto result = run.get();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  // After: the run is done, re1 master on the new code.
  const std::string master = lab.master();
  auto after = lab.cli(master, "set interfaces ge-0/0/2 description after-switchover");
  EXPECT_EQ(after.first, 0) << after.second;
  auto report = probe.stop();

  const json re0 = lab.engine("re0"), re1 = lab.engine("re1");
  std::cout << "S10 configuration: re0 " << re0.at("configuration_checksum") << " ("
            << re0.at("commits") << " commits), re1 " << re1.at("configuration_checksum") << " ("
            << re1.at("commits") << " commits); probe: " << probe::to_text(report) << "\n";
  EXPECT_EQ(re0.at("configuration_checksum"), re1.at("configuration_checksum"));
  EXPECT_NE(re0.at("configuration_checksum"), before_sum);
  EXPECT_EQ(re0.at("commits"), 3);
  EXPECT_EQ(re1.at("commits"), 3);
  for (const char* e : {"re0", "re1"}) {
    auto shown = lab.cli(e, "show configuration | display set");
    for (const char* s : {"set interfaces ge-0/0/0 description before-switchover",
                          "set interfaces ge-0/0/1 description during-reboot",
                          "set interfaces ge-0/0/2 description after-switchover"})
      EXPECT_NE(shown.second.find(std::string(s) + "\n"), std::string::npos) << e << shown.second;
    EXPECT_EQ(lab.engine(e).at("version"), "22.2R3.15") << e;
  }
  EXPECT_EQ(report.sessions_dropped, 0u) << probe::to_text(report);
  EXPECT_EQ(report.failed, 0u) << probe::to_text(report);
}

TEST(IssuE2e, WithoutThePrerequisitesThePlanIsRefusedAndAPlainSwitchoverDropsEverySession) {
  ChassisLab lab(false);
  auto plan = lab.plan("", "22.2R3.15");
  ASSERT_NE(plan.exit_code, 0) << plan.output;
  for (const char* cmd : {"set chassis redundancy graceful-switchover",
                          "set routing-options nonstop-routing", "set system commit synchronize"})
    EXPECT_NE(plan.output.find(cmd), std::string::npos) << plan.output;
  // The wrong order, by hand: a mastership switch without GRES and NSR. The lab drops it all.
  BackgroundProbe probe(lab.service(), 100, 10);
  ASSERT_TRUE(lab.sessions_open(10));
  const std::string ssh =
      "ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o "
      "UserKnownHostsFile=" +
      lab.dir() + "/known_hosts -i " + lab.dir() + "/mx-1-client_key -p " +
      std::to_string(lab.engine("re0").at("ssh_port").get<int>()) +
      " root@127.0.0.1 'request chassis routing-engine master switch'";
  ASSERT_EQ(std::system(("echo yes | " + ssh + " >/dev/null 2>&1").c_str()), 0) << ssh;
  auto report = probe.stop();
  EXPECT_GE(report.sessions_dropped, 10u) << probe::to_text(report);
  EXPECT_GE(lab.chassis().at("dropped_sessions").get<int>(), 10);
}

TEST(IssuE2e, ABackupEngineThatFailsToBootEndsSafeWithTheMasterServing) {
  ChassisLab lab;
  ASSERT_EQ(lab.run_fault("re1", "boot-fail"), 0);
  ASSERT_EQ(lab.plan("", "22.2R3.15").exit_code, 0);
  BackgroundProbe probe(lab.service(), 100, 10);
  ASSERT_TRUE(lab.sessions_open(10));
  auto r = lab.apply();
  auto report = probe.stop();
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ISSU Aborted"), std::string::npos) << r.output;
  EXPECT_EQ(report.sessions_dropped, 0u) << probe::to_text(report);
  EXPECT_EQ(report.failed, 0u) << probe::to_text(report);
  EXPECT_EQ(lab.engine("re0").at("state"), "Master");
  EXPECT_EQ(lab.engine("re0").at("version"), "21.4R3.15");
  EXPECT_EQ(lab.engine("re1").at("version"), "21.4R3.15");
  std::string who;
  EXPECT_TRUE(lab.service_answers(&who, "edge-router"));
  EXPECT_EQ(who, "mx-1/re0");
}

}  // namespace
}  // namespace hitless::testing
