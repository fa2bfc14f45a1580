// The emulated appliance through its real management API and data plane: installs take their
// time and stop service, faults behave as the lab promises, data survives.
#include <gtest/gtest.h>

#include <thread>

#include "lab_harness.hpp"

namespace hitless::testing {
namespace {

using nlohmann::json;
constexpr double kScale = 0.001;  // 1 model minute = 60 ms

int data_plane_status(Lab& lab, const std::string& node) {
  auto a = lab.handle().node(node);
  net::ClientRequest rq;
  rq.host = a->host;
  rq.port = a->port;
  rq.timeout_s = 1;
  auto r = net::http_call(rq);
  return r ? r->status : 0;
}

TEST(LabInstall, TakesInstallPlusRebootTimeAndStopsServiceMeanwhile) {
  Lab lab(pair_yaml("", "broken"), kScale);  // seed 001: installs happen outside the relation
  ASSERT_EQ(lab.stage("a", "base-3.1.0").first, 201);
  const auto t0 = std::chrono::steady_clock::now();
  auto [st, body] = lab.api("a", "POST", "/api/v1/install", {{"package", "base-3.1.0"}});
  ASSERT_EQ(st, 202) << body;
  EXPECT_EQ(lab.node("a").at("serving"), false);
  EXPECT_EQ(data_plane_status(lab, "a"), 503);
  ASSERT_TRUE(lab.wait_node("a", [](const json& n) { return n.at("phase") == "rebooting"; }));
  EXPECT_EQ(data_plane_status(lab, "a"), 0);  // nothing listens while it boots
  ASSERT_TRUE(lab.wait_node("a", [](const json& n) {
    return n.at("packages").at("base") == "3.1.0" && n.at("serving") == true;
  }));
  // 5 min install + 2 min reboot at 1/1000: at least 0.42 s (only a lower bound: machines are
  // noisy).
  EXPECT_GE(seconds_since(t0), 0.40);
  EXPECT_EQ(data_plane_status(lab, "a"), 200);
  auto n = lab.node("a");
  EXPECT_EQ(n.at("install").at("state"), "done");
  EXPECT_EQ(n.at("slots").at(n.at("alternate_slot").get<int>()).at("version"), "7.1.0");
}

TEST(LabInstall, ProductRequiresBaseFirst) {
  Lab lab(pair_yaml("", "broken"), kScale);  // seed 001: installs happen outside the relation
  ASSERT_EQ(lab.stage("a", "product-7.2.0").first, 201);
  auto [st, body] = lab.api("a", "POST", "/api/v1/install", {{"package", "product-7.2.0"}});
  EXPECT_EQ(st, 409);
  EXPECT_NE(body.at("error").get<std::string>().find("requires base >= 3.1"), std::string::npos)
      << body;
  EXPECT_EQ(lab.node("a").at("serving"), true);
}

TEST(LabFaults, InstallFailKeepsServingOnOldVersion) {
  Lab lab(pair_yaml("", "broken"), kScale);  // seed 001: installs happen outside the relation
  ASSERT_EQ(lab.run_fault("a", "install-fail"), 0);
  ASSERT_EQ(lab.stage("a", "base-3.1.0").first, 201);
  ASSERT_EQ(lab.api("a", "POST", "/api/v1/install", {{"package", "base-3.1.0"}}).first, 202);
  bool always_served = true;
  ASSERT_TRUE(lab.wait_node("a", [&](const json& n) {
    always_served = always_served && n.at("serving") == true;
    return n.at("install").at("state") == "failed";
  }));
  EXPECT_TRUE(always_served);
  auto n = lab.node("a");
  EXPECT_EQ(n.at("packages").at("base"), "3.0");
  EXPECT_FALSE(n.at("install").at("error").get<std::string>().empty());
}

TEST(LabFaults, BootFailRevertsToOldSlotAfterBootTimeout) {
  Lab lab(pair_yaml("", "broken"), kScale);  // seed 001: installs happen outside the relation
  ASSERT_EQ(lab.run_fault("a", "boot-fail"), 0);
  ASSERT_EQ(lab.stage("a", "base-3.1.0").first, 201);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(lab.api("a", "POST", "/api/v1/install", {{"package", "base-3.1.0"}}).first, 202);
  ASSERT_TRUE(lab.wait_node("a", [](const json& n) {
    return n.at("install").at("state") == "failed" && n.at("serving") == true;
  }));
  // install 5m + reboot 2m + boot timeout 5m + reboot 2m = 14 model minutes = 0.84 s.
  EXPECT_GE(seconds_since(t0), 0.8);
  auto n = lab.node("a");
  EXPECT_EQ(n.at("packages").at("base"), "3.0");
  EXPECT_NE(n.at("install").at("error").get<std::string>().find("did not boot"), std::string::npos);
}

TEST(LabFaults, HangNeverCompletesUntilPowerIsCycled) {
  Lab lab(pair_yaml("", "broken"), kScale);  // seed 001: installs happen outside the relation
  ASSERT_EQ(lab.run_fault("a", "hang"), 0);
  ASSERT_EQ(lab.stage("a", "base-3.1.0").first, 201);
  ASSERT_EQ(lab.api("a", "POST", "/api/v1/install", {{"package", "base-3.1.0"}}).first, 202);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // > 3x the install time
  auto n = lab.node("a");
  EXPECT_EQ(n.at("install").at("state"), "installing");
  EXPECT_EQ(n.at("serving"), false);
  EXPECT_EQ(lab.api("a", "POST", "/api/v1/reboot").first, 409);
  ASSERT_EQ(lab.run_fault("a", "clear"), 0);
  ASSERT_TRUE(lab.handle().power("a", false).ok());
  ASSERT_TRUE(lab.handle().power("a", true).ok());
  ASSERT_TRUE(lab.wait_node("a", [](const json& m) { return m.at("serving") == true; }));
  EXPECT_EQ(lab.node("a").at("packages").at("base"), "3.0");
}

TEST(LabFaults, UnreachableManagementWhileDataPlaneServes) {
  Lab lab(pair_yaml(), kScale);
  ASSERT_EQ(lab.run_fault("a", "unreachable"), 0);
  auto [st, body] = lab.api("a", "GET", "/api/v1/status", nullptr, 0.5);
  EXPECT_EQ(st, 0) << "management answered: " << body;
  EXPECT_EQ(data_plane_status(lab, "a"), 200);
  ASSERT_EQ(lab.run_fault("a", "clear"), 0);
  EXPECT_EQ(lab.api("a", "GET", "/api/v1/status").first, 200);
}

TEST(LabFaults, DiskFullAndCorruptStageRejectStaging) {
  Lab lab(pair_yaml(), kScale);
  ASSERT_EQ(lab.run_fault("a", "disk-full"), 0);
  EXPECT_EQ(lab.stage("a", "base-3.1.0").first, 507);
  ASSERT_EQ(lab.run_fault("a", "clear"), 0);
  ASSERT_EQ(lab.run_fault("a", "corrupt-stage"), 0);
  auto [st, body] = lab.stage("a", "base-3.1.0");
  EXPECT_EQ(st, 422) << body;
  EXPECT_TRUE(lab.node("a").at("staged").empty());
  ASSERT_EQ(lab.run_fault("a", "clear"), 0);
  EXPECT_EQ(lab.stage("a", "base-3.1.0").first, 201);
}

TEST(LabSync, CopiesPrimaryDataAndTakesTimeProportionalToSize) {
  Lab lab(pair_yaml(), kScale);
  ASSERT_EQ(lab.api("a", "PUT", "/api/v1/config/users/alice", {{"role", "admin"}}).first, 200);
  const std::string want = lab.node("a").at("data").at("checksum");
  ASSERT_NE(lab.node("b").at("data").at("checksum"), want);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(lab.api("a", "POST", "/api/v1/failover/sync").first, 202);
  EXPECT_EQ(lab.node("b").at("ha").at("syncing"), true);
  ASSERT_TRUE(
      lab.wait_node("b", [&](const json& n) { return n.at("data").at("checksum") == want; }));
  const double normal = seconds_since(t0);
  EXPECT_GE(normal, 0.28);  // 3000 MB at 10 MB/s = 300 model s = 0.3 s

  ASSERT_EQ(lab.run_fault("b", "slow-sync"), 0);
  ASSERT_EQ(lab.api("a", "PUT", "/api/v1/config/users/bob", {{"role", "rep"}}).first, 200);
  t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(lab.api("b", "POST", "/api/v1/failover/sync").first, 202);
  ASSERT_TRUE(lab.wait_node("b", [](const json& n) { return n.at("ha").at("syncing") == false; }));
  EXPECT_GE(seconds_since(t0), 2.8);  // ten times slower
  EXPECT_EQ(lab.node("b").at("data").at("checksum"), lab.node("a").at("data").at("checksum"));
}

TEST(LabData, ChecksumStableAcrossUpgradeAndReboot) {
  Lab lab(pair_yaml("", "broken"), kScale);  // seed 001: installs happen outside the relation
  const std::string before = lab.node("a").at("data").at("checksum");
  for (const char* pkg : {"base-3.1.0", "product-7.2.0"}) {
    ASSERT_EQ(lab.stage("a", pkg).first, 201);
    ASSERT_EQ(lab.api("a", "POST", "/api/v1/install", {{"package", pkg}}).first, 202);
    ASSERT_TRUE(lab.wait_node("a", [&](const json& n) {
      return n.at("install").at("state") == "done" && n.at("serving") == true;
    }));
  }
  ASSERT_EQ(lab.api("a", "POST", "/api/v1/reboot").first, 202);
  ASSERT_TRUE(lab.wait_node(
      "a", [](const json& n) { return n.at("boots") == 3 && n.at("serving") == true; }));
  auto n = lab.node("a");
  EXPECT_EQ(n.at("version"), "7.2.0");
  EXPECT_EQ(n.at("data").at("checksum"), before);
}

}  // namespace
}  // namespace hitless::testing
