// S8 air-gapped (seed 004, "Upgrade a Single BeyondTrust Appliance Using Manual Updates") through
// plan and apply: the appliance takes no online updates; its download key yields an offline
// bundle bound to it, which the plan stages instead of uploading packages, through two soaked
// intermediate hops and Base, while data written during the run survives. The same bundle is
// refused for another appliance at plan time, with nothing touched.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <iterator>
#include <nlohmann/json.hpp>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// examples/scenarios/s08-single-dependencies.yaml: 7.1 reaches 7.4 only through 7.2 and 7.3,
// each soaked, and 7.4 requires Base 3.1; rs-2 is air-gapped. Its 24-hour soaks shortened to 30
// model minutes (1.8 s at this scale).
std::string s08_example() {
  std::string y =
      slurp(std::string(HITLESS_SOURCE_DIR) + "/examples/scenarios/s08-single-dependencies.yaml");
  for (auto at = y.find("soak: 24h"); at != std::string::npos; at = y.find("soak: 24h"))
    y.replace(at, 9, "soak: 30m");
  return y;
}

// The operator names the node's bundle in the inventory the lab wrote (after its `name:` key,
// at that key's column).
void name_bundle(const UpgradeLab& lab, const std::string& node, const std::string& bundle) {
  std::string inv = slurp(lab.inventory());
  const std::string key = "name: " + node + "\n";
  const auto name_at = inv.find(key);
  ASSERT_NE(name_at, std::string::npos) << inv;
  const auto column = name_at - (inv.rfind('\n', name_at) + 1);
  inv.insert(name_at + key.size(), std::string(column, ' ') + "bundle: " + bundle + "\n");
  std::ofstream(lab.inventory(), std::ios::trunc) << inv;
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

TEST(S08AirGappedRun, BundleStagedByThePlanThroughSoakedHopsKeepsDataAndIsRefusedElsewhere) {
  UpgradeLab lab(s08_example());
  const std::string d = lab.dir();
  const std::string trust = " --catalog " + d + "/repo --trust " + d + "/repo/lab-signing.pub";
  const std::string plan_gapped = "plan -i " + lab.inventory() + " --cluster rs-restricted";

  // Without its bundle an air-gapped node is not planned: the operator is told how to get one.
  auto unplanned = run_hitless(plan_gapped + " --to 7.4.0");
  EXPECT_EQ(unplanned.exit_code, 2) << unplanned.output;
  EXPECT_NE(unplanned.output.find("node rs-2 is air-gapped"), std::string::npos)
      << unplanned.output;
  EXPECT_NE(unplanned.output.find("hitless bundle make --for KEY --to 7.4.0"), std::string::npos)
      << unplanned.output;

  // The update side: rs-2's download key yields its bundle; the operator checks it.
  auto [status, key] = lab.api("rs-2", "GET", "/api/v1/download-key");
  ASSERT_EQ(status, 200) << key.dump();
  const std::string bundle = d + "/rs-2.bundle";
  auto made = run_hitless("bundle make" + trust + " --key " + d +
                          "/secrets/lab-signing.key --to 7.4.0 -o " + bundle + " --for " +
                          key.at("key").get<std::string>());
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const std::string verify = "bundle verify" + trust + " -i " + lab.inventory() + " --node ";
  auto verified = run_hitless(verify + "rs-2 " + bundle);
  ASSERT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("ok: " + bundle + " is for rs-2"), std::string::npos)
      << verified.output;
  auto elsewhere = run_hitless(verify + "rs-1 " + bundle);
  EXPECT_EQ(elsewhere.exit_code, 1) << elsewhere.output;
  EXPECT_NE(elsewhere.output.find("REFUSED: " + bundle + " was made for appliance"),
            std::string::npos)
      << elsewhere.output;
  EXPECT_NE(elsewhere.output.find("(rs-2), not for rs-1"), std::string::npos) << elsewhere.output;

  // The plan stages the bundle instead of uploading packages, and says so.
  name_bundle(lab, "rs-2", bundle);
  auto planned = run_hitless(plan_gapped + " --to 7.4.0 -o " + lab.plan_path());
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  EXPECT_NE(planned.output.find("Upload offline bundle rs-2.bundle to air-gapped rs-2"),
            std::string::npos)
      << planned.output;
  const auto plan = nlohmann::json::parse(slurp(lab.plan_path()));
  int bundle_stages = 0, package_stages = 0, soaks = 0;
  for (const auto& s : plan.at("steps")) {
    if (s.at("verb") == "stage")
      ++(s.at("params").contains("bundle") ? bundle_stages : package_stages);
    if (s.at("verb") == "soak") ++soaks;
  }
  EXPECT_EQ(bundle_stages, 1);
  EXPECT_EQ(package_stages, 0);
  EXPECT_EQ(soaks, 2);

  // Applied, with data written while the appliance soaks on an intermediate version.
  auto run = std::async(std::launch::async, [&] { return lab.apply(); });
  ASSERT_TRUE(wait_journal(lab.journal_path(), [](const std::string&, const auto& steps) {
    return step_is(steps, "soak", "running");
  }));
  lab.add_recording("rs-2", "rec-written-while-soaking");
  lab.set_setting("rs-2", "setting.soak", "written during the soak");
  const std::string written = lab.checksum("rs-2");
  auto result = run.get();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("soaked 30m after product-7.2.0"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("soaked 30m after product-7.3.0"), std::string::npos)
      << result.output;
  EXPECT_EQ(lab.node_field("rs-2", "version"), "7.4.0");
  EXPECT_EQ(lab.node_field("rs-2", "packages", "base"), "3.1.0");
  EXPECT_EQ(lab.node_field("rs-2", "installs"), "4");
  EXPECT_EQ(lab.checksum("rs-2"), written);
  const auto config = lab.config("rs-2");
  EXPECT_TRUE(has_recording(config, "rec-written-while-soaking"));
  EXPECT_EQ(config.at("items").value("settings/setting.soak", ""), "written during the soak");

  // The same bundle named for rs-1: refused at plan time, rs-1 untouched.
  name_bundle(lab, "rs-1", bundle);
  auto refused = run_hitless("plan -i " + lab.inventory() + " --cluster rs --to 7.4.0");
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("(rs-2), not for rs-1"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("nothing was touched"), std::string::npos) << refused.output;
  EXPECT_TRUE(lab.node("rs-1").at("staged").empty());
  EXPECT_EQ(lab.node_field("rs-1", "installs"), "0");
  EXPECT_EQ(lab.node_field("rs-1", "version"), "7.1.0");
}

TEST(S08AirGappedRun, AirGappedApplianceRefusesOnlineUploads) {
  UpgradeLab lab(s08_example());
  auto r = lab.handle().call_node("rs-2", "POST", "/api/v1/packages", "x");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(r->body.find("rs-2 is air-gapped"), std::string::npos) << r->body;
}

}  // namespace
}  // namespace hitless::testing
