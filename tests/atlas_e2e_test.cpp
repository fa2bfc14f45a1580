// S6 and S7 end to end (seed 001 Atlas) through the real binary and lab daemon, with the probe
// on every region's service address (the lab's dispatcher) throughout the run: every sampled
// request of every region is answered, no session is cut, data written on the new primary during
// the run reaches the other master at the final Sync Now; and a traffic node that never drains.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <memory>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

// examples/scenarios/s06 / s07 with sessions shorter than the drain timeout (10 min).
std::string atlas_yaml(bool failover) {
  std::string y = R"(lab: atlas-e2e
defaults: {version: 23.1.2, install: 25m, reboot: 3m, session_lifetime: 5m}
repository:
  - {name: product, version: 23.2.1, kind: product}
clusters:
  - name: atlas
    kind: atlas
)";
  if (failover)
    y += "    ha: established\n    nodes:\n      - {name: master-a, role: master}\n"
         "      - {name: master-b, role: backup-master}\n";
  else
    y += "    nodes:\n      - {name: master-a, role: master}\n";
  y += R"(      - {name: eu-1, role: traffic, region: eu}
      - {name: eu-2, role: traffic, region: eu}
      - {name: us-1, role: traffic, region: us}
      - {name: us-2, role: traffic, region: us}
)";
  return y;
}

std::map<std::string, std::string> region_services(const Lab& lab) {
  std::ifstream in(lab.dir() + "/lab.json");
  const auto j = nlohmann::json::parse(in);
  return j.at("clusters").at("atlas").at("regions").get<std::map<std::string, std::string>>();
}

bool step_is(const std::map<std::string, std::string>& steps, const std::string& part,
             const std::string& state) {
  for (const auto& [id, s] : steps)
    if (id.find(part) != std::string::npos && s == state) return true;
  return false;
}

// One probe per region: requests at 50/s and two sessions held open (reopened when they end).
struct RegionProbes {
  explicit RegionProbes(const Lab& lab) {
    for (const auto& [region, address] : region_services(lab))
      probes[region] = std::make_unique<BackgroundProbe>(address, 50, 2);
  }
  std::map<std::string, probe::ProbeReport> stop() {
    std::map<std::string, probe::ProbeReport> out;
    for (auto& [region, p] : probes) out[region] = p->stop();
    return out;
  }
  std::map<std::string, std::unique_ptr<BackgroundProbe>> probes;
};

void expect_region_always_served(const std::string& region, const probe::ProbeReport& r) {
  EXPECT_GT(r.ok, 50u) << region << ": " << probe::to_text(r);
  EXPECT_EQ(r.failed, 0u) << region << ": " << probe::to_text(r);
  EXPECT_EQ(r.sessions_dropped, 0u) << region << ": " << probe::to_text(r);
  EXPECT_GE(r.answered_by.size(), 2u) << region << ": both traffic nodes served in turn";
}

TEST(AtlasUpgrade, FailoverMastersEveryRegionServedThroughoutAndDataReachesBothMasters) {
  UpgradeLab lab(atlas_yaml(true));
  auto planned = lab.plan("", "23.2.1");
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  ASSERT_NE(planned.output.find("(atlas)"), std::string::npos) << planned.output;
  RegionProbes probes(lab);
  auto run = std::async(std::launch::async, [&] { return lab.apply(); });
  // While the rest of the deployment upgrades, write on the new primary.
  ASSERT_TRUE(wait_journal(lab.journal_path(), [](const std::string&, const auto& steps) {
    return step_is(steps, "install-eu-2", "running") || step_is(steps, "install-eu-2", "succeeded");
  }));
  lab.add_recording("master-b", "rec-on-new-primary-during-the-run");
  lab.set_setting("master-b", "setting.during-run", "written on master-b during the run");
  auto result = run.get();
  const auto reports = probes.stop();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  ASSERT_EQ(reports.size(), 2u);
  for (const auto& [region, r] : reports) expect_region_always_served(region, r);
  for (const char* n : {"master-a", "master-b", "eu-1", "eu-2", "us-1", "us-2"})
    EXPECT_EQ(lab.node_field(n, "version"), "23.2.1") << n;
  EXPECT_EQ(lab.node_field("master-b", "ha", "role"), "primary");
  EXPECT_EQ(lab.node_field("master-a", "ha", "role"), "backup");
  EXPECT_EQ(lab.checksum("master-a"), lab.checksum("master-b"));
  const auto a = lab.config("master-a");
  EXPECT_EQ(a.at("items").value("settings/setting.during-run", ""),
            "written on master-b during the run");
  for (const char* n : {"eu-1", "eu-2", "us-1", "us-2"})
    EXPECT_EQ(lab.node_field(n, "accepting"), "true") << n;
}

TEST(AtlasUpgrade, SingleMasterEveryRegionServedThroughout) {
  UpgradeLab lab(atlas_yaml(false));
  auto planned = lab.plan("", "23.2.1");
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  RegionProbes probes(lab);
  auto result = lab.apply();
  const auto reports = probes.stop();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const auto& [region, r] : reports) expect_region_always_served(region, r);
  for (const char* n : {"master-a", "eu-1", "eu-2", "us-1", "us-2"})
    EXPECT_EQ(lab.node_field(n, "version"), "23.2.1") << n;
}

TEST(AtlasUpgrade, TrafficNodeThatNeverDrainsStopsTheRunSafeAndServing) {
  UpgradeLab lab(atlas_yaml(false));
  auto planned = run_hitless("plan -i " + lab.inventory() +
                             " --to 23.2.1 --policy drain_timeout=20m -o " + lab.plan_path());
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  ASSERT_EQ(lab.run_fault("eu-1", "never-drains"), 0);
  RegionProbes probes(lab);
  auto result = lab.apply();
  const auto reports = probes.stop();
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("eu-1 still has"), std::string::npos) << result.output;
  EXPECT_EQ(lab.node_field("eu-1", "version"), "23.1.2");  // never installed under its clients
  for (const auto& [region, r] : reports) {
    EXPECT_EQ(r.failed, 0u) << region << ": " << probe::to_text(r);
    EXPECT_EQ(r.sessions_dropped, 0u) << region << ": " << probe::to_text(r);
  }
  for (const char* n : {"eu-2", "us-1", "us-2"})
    EXPECT_EQ(lab.node_field(n, "serving"), "true") << n;
}

}  // namespace
}  // namespace hitless::testing
