// S1 end to end (seed 000, Active/Passive scenario) through the real binary and lab daemon under
// the probe: the passive node first, its push upgrades the active node and the VIP fails over
// with the sessions transferred; failback by policy; a member failing the pushed install leaves
// the cluster serving. Data written on both nodes during the run is kept.
#include <gtest/gtest.h>

#include <future>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

// examples/scenarios/s01-active-passive.yaml with sessions that outlive the run's first half.
std::string s01_yaml() {
  return R"(lab: s01-e2e
defaults: {version: 9.1R1, install: 20m, reboot: 5m, session_lifetime: 90m}
repository:
  - {name: pulse, version: 9.1R3, kind: product, size_mb: 700, upgrade_from: ["9.1", "9.0"]}
clusters:
  - name: ap
    kind: active-passive
    traffic: shared-ip
    shared_ip: 127.0.0.101
    nodes:
      - {name: ap-1, role: active, owns_shared_ip: true}
      - {name: ap-2, role: passive}
)";
}

bool step_is(const std::map<std::string, std::string>& steps, const std::string& part,
             const std::string& state) {
  for (const auto& [id, s] : steps)
    if (id.find(part) != std::string::npos && s == state) return true;
  return false;
}

bool has_recording(const nlohmann::json& config, const std::string& id) {
  for (const auto& r : config.value("recordings", nlohmann::json::array()))
    if (r == id) return true;
  return false;
}

TEST(ActivePassiveUpgrade, PassiveFirstPushFailsTheVipOverTransfersSessionsAndKeepsData) {
  UpgradeLab lab(s01_yaml());
  auto planned = lab.plan("", "9.1R3");
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  ASSERT_NE(planned.output.find("(cluster-push)"), std::string::npos) << planned.output;
  BackgroundProbe probe(lab.service("ap"), 100, 4);
  auto run = std::async(std::launch::async, [&] { return lab.apply(); });
  // While the passive node installs, the active one serves; then the push reverses that.
  ASSERT_TRUE(wait_journal(lab.journal_path(), [](const std::string&, const auto& steps) {
    return step_is(steps, "install-ap-2", "running");
  }));
  lab.add_recording("ap-1", "rec-on-ap-1-while-ap-2-installs");
  lab.set_setting("ap-2", "setting.installing", "written on ap-2 while it installs");
  ASSERT_TRUE(wait_journal(lab.journal_path(), [](const std::string&, const auto& steps) {
    return step_is(steps, "cluster-push", "running");
  }));
  lab.add_recording("ap-2", "rec-on-ap-2-during-the-push");
  lab.set_setting("ap-1", "setting.pushed", "written on ap-1 during the push");
  auto result = run.get();
  const auto report = probe.stop();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("run completed"), std::string::npos) << result.output;

  // The VIP moves by close + bind in one step of the lab: clients see no failed request.
  EXPECT_EQ(report.failed, 0u) << probe::to_text(report);
  EXPECT_EQ(report.sessions_dropped, 0u) << probe::to_text(report);
  EXPECT_GE(report.sessions_transferred, 1u) << probe::to_text(report);
  EXPECT_GT(report.answered_by.count("ap-1"), 0u);
  EXPECT_GT(report.answered_by.count("ap-2"), 0u);
  for (const char* n : {"ap-1", "ap-2"}) EXPECT_EQ(lab.node_field(n, "version"), "9.1R3") << n;
  // Seed 000: the passive node stays VIP owner; failback is manual.
  EXPECT_EQ(lab.node_field("ap-2", "shared_ip", "enabled"), "true");
  EXPECT_EQ(lab.node_field("ap-1", "shared_ip", "enabled"), "false");
  EXPECT_GE(std::stoi(lab.node_field("ap-1", "sessions", "transferred")), 1);

  const auto c1 = lab.config("ap-1");
  const auto c2 = lab.config("ap-2");
  EXPECT_TRUE(has_recording(c1, "rec-on-ap-1-while-ap-2-installs"));
  EXPECT_TRUE(has_recording(c2, "rec-on-ap-2-during-the-push"));
  EXPECT_EQ(c1.at("items").value("settings/setting.pushed", ""), "written on ap-1 during the push");
  EXPECT_EQ(c2.at("items").value("settings/setting.installing", ""),
            "written on ap-2 while it installs");
}

TEST(ActivePassiveUpgrade, FailbackPolicyMovesTheVipBackWithItsSessions) {
  UpgradeLab lab(s01_yaml());
  auto planned = run_hitless("plan -i " + lab.inventory() +
                             " --to 9.1R3 --policy failback=true -o " + lab.plan_path());
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  BackgroundProbe probe(lab.service("ap"), 100, 4);
  auto result = lab.apply();
  const auto report = probe.stop();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("take-vip-ap-1"), std::string::npos) << result.output;
  EXPECT_EQ(lab.node_field("ap-1", "shared_ip", "enabled"), "true");
  EXPECT_EQ(report.failed, 0u) << probe::to_text(report);
  EXPECT_EQ(report.sessions_dropped, 0u) << probe::to_text(report);
  EXPECT_GE(report.sessions_transferred, 2u) << "over to ap-2 and back: " << probe::to_text(report);
}

TEST(ActivePassiveUpgrade, ActiveNodeFailingThePushedInstallStopsTheRunSafeAndServing) {
  UpgradeLab lab(s01_yaml());
  ASSERT_EQ(lab.plan("", "9.1R3").exit_code, 0);
  ASSERT_EQ(lab.run_fault("ap-1", "install-fail"), 0);
  BackgroundProbe probe(lab.service("ap"), 100, 4);
  auto result = lab.apply();
  const auto report = probe.stop();
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("the install the cluster pushed to ap-1 failed"), std::string::npos)
      << result.output;
  // The upgraded passive node holds the VIP and serves; the active one still serves its old
  // release: nobody was left without service.
  std::string who;
  EXPECT_TRUE(lab.service_answers(&who, "ap"));
  EXPECT_EQ(who, "ap-2");
  EXPECT_EQ(lab.node_field("ap-1", "serving"), "true");
  EXPECT_EQ(lab.node_field("ap-1", "version"), "9.1R1");
  EXPECT_EQ(report.failed, 0u) << probe::to_text(report);
  EXPECT_EQ(report.sessions_dropped, 0u) << probe::to_text(report);
}

}  // namespace
}  // namespace hitless::testing
