// S8, a single BeyondTrust appliance (seed 004): Base before the product that requires it,
// intermediate versions each followed by the catalog's soak time (a phase of the plan the
// executor waits out), and the clock check ("make sure the time ... is correct") that stops a
// run before anything installs.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

// 7.1 reaches 7.4 only through 7.2 and 7.3, each soaked 30 model minutes (1.8 s at this scale);
// 7.4 requires Base 3.1.
std::string s08_yaml() {
  return R"(lab: s08
defaults: {version: 7.1.0, installed: {base: "3.0"}, install: 10m, reboot: 2m, boot_timeout: 5m}
repository:
  - {name: base, version: 3.1.0, kind: base, install: 5m}
  - {name: product, version: 7.2.0, kind: product, upgrade_from: ["7.1"], soak: 30m}
  - {name: product, version: 7.3.0, kind: product, upgrade_from: ["7.2"], soak: 30m}
  - {name: product, version: 7.4.0, kind: product, requires: ["base >= 3.1"], upgrade_from: ["7.3"]}
clusters:
  - name: rs
    kind: single
    nodes:
      - {name: rs-1, role: standalone}
)";
}

TEST(S08SingleAppliance, TwoIntermediateHopsEachSoakedThenBaseAndTheTarget) {
  UpgradeLab lab(s08_yaml());
  auto planned = lab.plan("", "7.4.0");
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  std::ifstream in(lab.plan_path());
  const auto plan = nlohmann::json::parse(in);
  std::vector<std::string> soaks, phases;
  for (const auto& s : plan.at("steps"))
    if (s.at("verb") == "soak") soaks.push_back(s.at("params").at("after"));
  for (const auto& p : plan.at("phases")) phases.push_back(p.at("name"));
  EXPECT_EQ(soaks, (std::vector<std::string>{"product-7.2.0", "product-7.3.0"}));
  ASSERT_EQ(phases.size(), 3u) << planned.output;

  auto r = lab.apply();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(lab.node_field("rs-1", "version"), "7.4.0");
  EXPECT_EQ(lab.node_field("rs-1", "packages", "base"), "3.1.0");
  EXPECT_EQ(lab.node_field("rs-1", "installs"), "4");
  EXPECT_NE(r.output.find("soaked 30m after product-7.2.0"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("soaked 30m after product-7.3.0"), std::string::npos) << r.output;
}

TEST(S08SingleAppliance, WrongClockStopsTheRunBeforeAnythingInstallsAndResumeGoesOn) {
  UpgradeLab lab(s08_yaml());
  ASSERT_EQ(lab.plan("", "7.2.0").exit_code, 0);
  ASSERT_EQ(lab.run_fault("rs-1", "clock-skew"), 0);
  auto r = lab.apply();
  ASSERT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("rs-1's clock is "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" ahead of this host's (limit 5m)"), std::string::npos) << r.output;
  EXPECT_EQ(lab.node_field("rs-1", "installs"), "0");
  EXPECT_EQ(lab.node_field("rs-1", "version"), "7.1.0");

  ASSERT_EQ(lab.run_fault("rs-1", "clear"), 0);  // NTP fixed
  auto resumed = run_hitless("resume --journal " + lab.journal_path() + " --auto-approve");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(lab.node_field("rs-1", "version"), "7.2.0");
}

// Two air-gapped appliances, rs-1 and rs-2, each of its own lab ID.
std::string two_appliances_yaml() {
  std::string y = s08_yaml();
  return y +
         "  - name: other\n    kind: single\n    nodes:\n      - {name: rs-2, role: standalone}\n";
}

TEST(S08AirGapped, BundleFromTheDownloadKeyInstallsOnItsApplianceAndIsRefusedElsewhere) {
  UpgradeLab lab(two_appliances_yaml());
  auto [status, key] = lab.api("rs-1", "GET", "/api/v1/download-key");
  ASSERT_EQ(status, 200) << key.dump();
  const std::string d = lab.dir();
  const std::string make = "bundle make --catalog " + d + "/repo --trust " + d +
                           "/repo/lab-signing.pub --key " + d +
                           "/secrets/lab-signing.key --to 7.4.0 -o " + d + "/rs-1.bundle --for ";
  auto made = run_hitless(make + key.at("key").get<std::string>());
  ASSERT_EQ(made.exit_code, 0) << made.output;
  EXPECT_NE(made.output.find("4 hops:"), std::string::npos) << made.output;
  std::ifstream in(d + "/rs-1.bundle", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  // Anywhere else: refused, naming both appliances, and nothing staged there.
  auto other = lab.handle().call_node("rs-2", "POST", "/api/v1/bundles", bytes);
  ASSERT_TRUE(other.ok()) << other.message();
  EXPECT_EQ(other->status, 422);
  EXPECT_NE(other->body.find("this bundle was made for appliance"), std::string::npos)
      << other->body;
  EXPECT_NE(other->body.find("(rs-1), not for rs-2"), std::string::npos) << other->body;
  EXPECT_TRUE(lab.node("rs-2").at("staged").empty());

  // On its own appliance: every hop staged, each verified by the appliance on arrival.
  auto mine = lab.handle().call_node("rs-1", "POST", "/api/v1/bundles", bytes);
  ASSERT_TRUE(mine.ok()) << mine.message();
  ASSERT_EQ(mine->status, 201) << mine->body;
  EXPECT_EQ(lab.node("rs-1").at("staged").size(), 4u);

  // A key made while the appliance's clock is wrong: the update side refuses it.
  ASSERT_EQ(lab.run_fault("rs-2", "clock-skew"), 0);
  auto [s2, skewed] = lab.api("rs-2", "GET", "/api/v1/download-key");
  ASSERT_EQ(s2, 200);
  auto refused = run_hitless(make + skewed.at("key").get<std::string>());
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("in the future"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("the appliance's clock is wrong"), std::string::npos)
      << refused.output;
}

}  // namespace
}  // namespace hitless::testing
