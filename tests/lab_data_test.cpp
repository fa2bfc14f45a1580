// Data rules through the real lab daemon (seeds 001 and 004): GET /api/v1/config, a sync that
// overwrites configuration but merges recordings, refusals for unequal packages and for installs
// inside a failover relation, and a backup whose answer takes time with the data size.
#include <gtest/gtest.h>

#include <algorithm>

#include "lab_harness.hpp"

namespace hitless::testing {
namespace {

using nlohmann::json;
constexpr double kDataTimeScale = 0.001;  // 1 model minute = 60 ms

std::string error_of(const json& body) {
  return body.is_object() ? body.value("error", body.dump()) : body.dump();
}

bool synced_since(const json& n, double t) {
  return n.at("ha").at("syncing") == false && n.at("ha").at("last_sync_at").get<double>() > t;
}

TEST(LabConfig, ShowsItemsChangeTimesRecordingsAndAConfigurationChecksum) {
  Lab lab(pair_yaml(), kDataTimeScale);
  ASSERT_EQ(lab.api("a", "PUT", "/api/v1/config/settings/banner", {{"value", "hello"}}).first, 200);
  auto [st, c] = lab.api("a", "GET", "/api/v1/config");
  ASSERT_EQ(st, 200) << c;
  EXPECT_EQ(c.at("items").at("users/user0"), "admin");
  EXPECT_EQ(c.at("items").at("settings/banner"), "hello");
  EXPECT_EQ(c.at("items").size(), 5u + 5u + 1u);  // pair_yaml: 5 users, 5 settings
  ASSERT_EQ(c.at("changed_at").size(), 1u);       // only what changed since the lab started
  EXPECT_GE(c.at("changed_at").at("settings/banner").get<double>(), 0);
  EXPECT_EQ(c.at("recordings").size(), 10u);
  EXPECT_EQ(c.at("config_checksum").get<std::string>().size(), 64u);
  EXPECT_EQ(c.at("config_checksum"), lab.node("a").at("data").at("config_checksum"));
  EXPECT_EQ(c.at("checksum"), lab.node("a").at("data").at("checksum"));
  EXPECT_EQ(c.at("schema"), "7.1.0");
}

TEST(LabConfig, ConfigurationChecksumIgnoresRecordings) {
  Lab lab(pair_yaml(), kDataTimeScale);
  const json before = lab.node("a").at("data");
  ASSERT_EQ(
      lab.api("a", "POST", "/api/v1/config/recordings", {{"id", "rec-x"}, {"size_mb", 5}}).first,
      200);
  const json after = lab.node("a").at("data");
  EXPECT_EQ(after.at("config_checksum"), before.at("config_checksum"));
  EXPECT_NE(after.at("checksum"), before.at("checksum"));
}

TEST(LabSync, RecordingOnTheBackupWhileBrokenSurvivesAndTheOldPrimarysSettingIsOverwritten) {
  Lab lab(pair_yaml(), kDataTimeScale);
  ASSERT_EQ(lab.api("a", "POST", "/api/v1/failover/break").first, 200);
  ASSERT_EQ(lab.api("b", "POST", "/api/v1/config/recordings",
                    {{"id", "rec-b-while-broken"}, {"size_mb", 20}})
                .first,
            200);
  ASSERT_EQ(lab.api("a", "PUT", "/api/v1/config/settings/banner", {{"value", "old primary"}}).first,
            200);
  ASSERT_EQ(
      lab.api("a", "POST", "/api/v1/failover/establish", {{"peer", "b"}, {"role", "backup"}}).first,
      200);
  ASSERT_EQ(lab.api("b", "PUT", "/api/v1/config/settings/banner", {{"value", "new primary"}}).first,
            200);
  const double t0 = lab.node("a").at("time");
  ASSERT_EQ(lab.api("a", "POST", "/api/v1/failover/sync").first, 202);
  ASSERT_TRUE(lab.wait_node("a", [&](const json& n) { return synced_since(n, t0); }));
  for (const char* n : {"a", "b"}) {
    auto [st, c] = lab.api(n, "GET", "/api/v1/config");
    ASSERT_EQ(st, 200);
    const auto& recs = c.at("recordings");
    EXPECT_NE(std::find(recs.begin(), recs.end(), "rec-b-while-broken"), recs.end()) << n;
    EXPECT_EQ(c.at("items").at("settings/banner"), "new primary") << n;
  }
  EXPECT_EQ(lab.node("a").at("data").at("checksum"), lab.node("b").at("data").at("checksum"));
}

TEST(LabRelation, InstallInsideAFailoverRelationIsRefusedThenAllowedAfterBreak) {
  Lab lab(pair_yaml(), kDataTimeScale);
  ASSERT_EQ(lab.stage("b", "base-3.1.0").first, 201);
  auto [st, body] = lab.api("b", "POST", "/api/v1/install", {{"package", "base-3.1.0"}});
  EXPECT_EQ(st, 409);
  EXPECT_EQ(
      error_of(body),
      "b is backup in a failover relation with a; break the relation before installing (seed 001)");
  EXPECT_EQ(lab.node("b").at("install").at("state"), "idle");
  ASSERT_EQ(lab.api("a", "POST", "/api/v1/failover/break").first, 200);
  EXPECT_EQ(lab.api("b", "POST", "/api/v1/install", {{"package", "base-3.1.0"}}).first, 202);
}

TEST(LabRelation, AtlasMasterInstallsInItsRelationButSyncIsRefusedWhilePackagesDiffer) {
  const std::string yaml = R"(lab: atlas
defaults: {version: 23.1.2, install: 5m, reboot: 2m, data: {size_mb: 100}}
repository:
  - {name: product, version: 23.2.1, kind: product}
clusters:
  - name: atlas
    kind: atlas
    ha: established
    nodes:
      - {name: master-a, role: master}
      - {name: master-b, role: backup-master}
      - {name: eu-1, role: traffic, region: eu}
)";
  Lab lab(yaml, kDataTimeScale);
  ASSERT_EQ(lab.stage("master-b", "product-23.2.1").first, 201);
  auto [st, body] = lab.api("master-b", "POST", "/api/v1/install", {{"package", "product-23.2.1"}});
  ASSERT_EQ(st, 202) << body;
  ASSERT_TRUE(lab.wait_node("master-b", [](const json& n) {
    return n.at("version") == "23.2.1" && n.at("serving") == true;
  }));
  EXPECT_EQ(lab.node("master-b").at("ha").at("role"), "backup");
  auto [sst, sbody] = lab.api("master-a", "POST", "/api/v1/failover/sync");
  EXPECT_EQ(sst, 409);
  EXPECT_EQ(
      error_of(sbody),
      "packages differ: master-a has product 23.1.2, master-b has product 23.2.1; sync refused");
}

TEST(LabBackup, AnswersOnlyAfterTwoSecondsPlusSizeAt200MbPerSecond) {
  Lab lab(pair_yaml(), kDataTimeScale);  // 3000 MB: 2 + 15 = 17 model seconds
  const double t0 = lab.node("a").at("time");
  auto [st, body] = lab.api("a", "POST", "/api/v1/backup");
  ASSERT_EQ(st, 200) << body;
  const double t1 = lab.node("a").at("time");
  EXPECT_GE(t1 - t0, 17.0);  // model time, so only a lower bound holds on a noisy machine
  EXPECT_EQ(body.at("checksum"), lab.node("a").at("data").at("checksum"));
  EXPECT_NE(body.at("backup").get<std::string>().find("\"schema\":\"7.1.0\""), std::string::npos);
  ASSERT_EQ(lab.api("b", "POST", "/api/v1/restore", {{"backup", body.at("backup")}}).first, 200);
}

}  // namespace
}  // namespace hitless::testing
