// Nothing written during a run is lost (seed 001): data is written on every node, in every
// window, at points chosen from what the journal shows; afterwards every write is found. Session
// recordings are merged by the appliances; a setting changed on the old primary pauses the run
// before the sync that would overwrite it, and carry-over keeps it while discard drops it and
// the report says so.
#include <gtest/gtest.h>

#include <future>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

bool has_recording(const nlohmann::json& config, const std::string& id) {
  for (const auto& r : config.value("recordings", nlohmann::json::array()))
    if (r == id) return true;
  return false;
}

// Window 1 runs to its approval gate (relation broken, b upgraded, a primary serving clients):
// writes on both nodes and a setting change on a, then approval. Between the windows: a
// recording on b, now serving. Window 2 must stop before its final sync overwrites a's setting.
void run_to_the_final_sync_with_writes(UpgradeLab& lab) {
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  auto window1 = std::async(std::launch::async, [&] { return lab.apply("--stop-after-phase 1"); });
  ASSERT_TRUE(wait_journal(lab.journal_path(), [](const std::string& state, const auto&) {
    return state == "waiting-approval";
  }));
  lab.add_recording("a", "rec-on-a-while-broken");
  lab.add_recording("b", "rec-on-b-while-broken");
  lab.set_setting("a", "setting.0", "changed on a during the window");
  ASSERT_EQ(run_hitless("approve --journal " + lab.journal_path()).exit_code, 0);
  auto r1 = window1.get();
  ASSERT_EQ(r1.exit_code, 0) << r1.output;
  ASSERT_NE(r1.output.find("run paused"), std::string::npos) << r1.output;
  lab.add_recording("b", "rec-on-b-between-windows");

  auto r2 = run_hitless("resume --journal " + lab.journal_path());
  EXPECT_EQ(r2.exit_code, 0) << r2.output;
  EXPECT_NE(r2.output.find("run paused"), std::string::npos) << r2.output;
  EXPECT_NE(r2.output.find("settings/setting.0 changed on a"), std::string::npos) << r2.output;
  EXPECT_EQ(lab.node_field("a", "ha", "role"), "backup") << "established, but the sync did not run";
  EXPECT_EQ(lab.config("a").at("items").value("settings/setting.0", ""),
            "changed on a during the window");
}

TEST(NothingLost, RecordingsSurviveOnBothNodesAndCarryOverKeepsTheChangedSetting) {
  UpgradeLab lab;
  const std::string before = lab.checksum("a");
  run_to_the_final_sync_with_writes(lab);
  auto r3 = run_hitless("resume --journal " + lab.journal_path() + " --config-changes carry-over");
  ASSERT_EQ(r3.exit_code, 0) << r3.output;
  EXPECT_NE(r3.output.find("run completed"), std::string::npos) << r3.output;
  for (const char* n : {"a", "b"}) {
    const auto c = lab.config(n);
    for (const char* rec :
         {"rec-on-a-while-broken", "rec-on-b-while-broken", "rec-on-b-between-windows"})
      EXPECT_TRUE(has_recording(c, rec)) << rec << " missing on " << n;
    EXPECT_EQ(c.at("items").value("settings/setting.0", ""), "changed on a during the window") << n;
    EXPECT_EQ(lab.node_field(n, "version"), "7.2.0");
  }
  EXPECT_EQ(lab.checksum("a"), lab.checksum("b"));
  EXPECT_NE(lab.checksum("a"), before) << "data was written during the run";
  auto report = run_hitless("report --journal " + lab.journal_path());
  EXPECT_NE(report.output.find("carried-over"), std::string::npos) << report.output;
}

TEST(NothingLost, DiscardIsExplicitDropsTheSettingAndTheReportSaysSo) {
  UpgradeLab lab;
  run_to_the_final_sync_with_writes(lab);
  auto r3 = run_hitless("resume --journal " + lab.journal_path() + " --config-changes discard");
  ASSERT_EQ(r3.exit_code, 0) << r3.output;
  for (const char* n : {"a", "b"}) {
    const auto c = lab.config(n);
    EXPECT_NE(c.at("items").value("settings/setting.0", ""), "changed on a during the window") << n;
    EXPECT_TRUE(has_recording(c, "rec-on-a-while-broken"))
        << n << ": recordings are merged, never discarded";
  }
  auto report = run_hitless("report --journal " + lab.journal_path());
  EXPECT_NE(report.output.find("discarded"), std::string::npos) << report.output;
  EXPECT_NE(report.output.find("settings/setting.0"), std::string::npos) << report.output;
}

}  // namespace
}  // namespace hitless::testing
