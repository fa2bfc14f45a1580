// `hitless catalog path` and `hitless package verify` on the shipped example catalog, through the
// real binary: the seeds' paths, and refusals that change nothing and exit non-zero.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "lab_harness.hpp"

namespace hitless::testing {
namespace {

namespace fs = std::filesystem;

class CatalogCli : public ::testing::Test {
 protected:
  void SetUp() override {
    state_ = make_temp_dir("catalog-cli");
    ::setenv("HITLESS_STATE_DIR", state_.c_str(), 1);
  }
  void TearDown() override { fs::remove_all(state_); }
  CommandResult hitless(const std::string& args) {
    return run_hitless(args + " --catalog " + kExamples + " --trust " + kExamples + "/root.json");
  }
  static constexpr const char* kExamples = HITLESS_SOURCE_DIR "/examples/catalog";
  std::string state_;
};

TEST_F(CatalogCli, PathPrintsTheHopsBaseFirstWithSoak) {
  auto r = hitless(
      "catalog path --from Bomgar-11.1.5 --installed 'beyondtrust-base=Base 3.2.4' "
      "--to Bomgar-12.2.0");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto base = r.output.find("beyondtrust-base Base 3.3.2");
  const auto site = r.output.find("beyondtrust Bomgar-12.2.0");
  ASSERT_NE(base, std::string::npos) << r.output;
  ASSERT_NE(site, std::string::npos) << r.output;
  EXPECT_LT(base, site);
  EXPECT_NE(r.output.find("Bomgar-12.1.0   then soak 24h"), std::string::npos) << r.output;
}

TEST_F(CatalogCli, NoPathIsExit2NamingTheMissingHop) {
  // Bomgar-12.1.0 installs only over Bomgar-11.x, so nothing leads from Bomgar-10.
  auto r = hitless(
      "catalog path --from Bomgar-10.0.0 --installed 'beyondtrust-base=Base 3.2.4' "
      "--to Bomgar-12.2.0");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("installs only over Bomgar-12.1"), std::string::npos) << r.output;
}

TEST_F(CatalogCli, DowngradeNeedsBothFlags) {
  EXPECT_EQ(hitless("catalog path --from 7.1R2 --to 7.1R1").exit_code, 2);
  auto r = hitless("catalog path --from 7.1R2 --to 7.1R1 --allow-downgrade");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("deletes all data"), std::string::npos) << r.output;
  EXPECT_EQ(
      hitless(
          "catalog path --from 7.1R2 --to 7.1R1 --allow-downgrade --acknowledge-data-loss pulse")
          .exit_code,
      0);
}

TEST_F(CatalogCli, VerifyAcceptsTheListedPackageAndRefusesACopyForOtherHardware) {
  const std::string pkg = std::string(kExamples) + "/packages/pulse-7.1R2.pkg";
  auto ok = hitless("package verify " + pkg + " --hardware PSA3000");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("ok: "), std::string::npos);
  auto other = hitless("package verify " + pkg + " --hardware B300");
  EXPECT_EQ(other.exit_code, 1) << other.output;
  EXPECT_NE(other.output.find("REFUSED"), std::string::npos);
}

TEST_F(CatalogCli, VerifyRefusesAnAlteredCopy) {
  const std::string copy = state_ + "/pulse-7.1R2.pkg";
  fs::copy_file(std::string(kExamples) + "/packages/pulse-7.1R2.pkg", copy);
  std::ofstream(copy, std::ios::app) << "trojan";
  auto r = hitless("package verify " + copy);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("longer than"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace hitless::testing
