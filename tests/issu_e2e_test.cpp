// S10 end to end (seed 002): `hitless lab up` on a chassis, `hitless plan` and `apply` through the
// command driver with the shipped JunOS profile over real SSH against the lab's JunOS CLI, under
// the probe. The seed's order keeps every session; a chassis without the prerequisites is
// refused at plan time and a plain switchover on it drops every session (the lab catches the
// wrong order); a backup engine that fails to boot ends the run with the master serving. The old
// master's reboot drops the SSH connection mid-step, and the step waits for the engine to come
// back on a fresh one.
#include <gtest/gtest.h>

#include <cstdlib>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

using nlohmann::json;

std::string chassis_yaml(bool prerequisites) {
  const std::string flag = prerequisites ? "true" : "false";
  return "lab: s10\n"
         "defaults: {version: 21.4R3.15, install: 20m, reboot: 8m, boot_timeout: 25m}\n"
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
  explicit ChassisLab(bool prerequisites = true) : UpgradeLab(chassis_yaml(prerequisites)) {}
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
