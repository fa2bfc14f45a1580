#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"

namespace hitless::catalog {
namespace {

namespace fs = std::filesystem;
using Installed = std::map<std::string, std::string>;

std::vector<std::string> hop_ids(const std::vector<const CatalogPackage*>& hops) {
  std::vector<std::string> out;
  for (const auto* p : hops) out.push_back(p->id());
  return out;
}

// examples/catalog: the seeds' packages, signed by the example key, with their supported paths.
class ExampleCatalog : public ::testing::Test {
 protected:
  void SetUp() override {
    state_ = fs::temp_directory_path() / ("hitless-example-state-" + std::to_string(::getpid()));
    fs::remove_all(state_);
    const std::string dir = std::string(HITLESS_SOURCE_DIR) + "/examples/catalog";
    auto c = Catalog::load(dir, {dir + "/root.json", state_.string(), 1'800'000'000, false});
    ASSERT_TRUE(c.ok()) << c.message();
    catalog_ = std::move(*c);
  }
  void TearDown() override { fs::remove_all(state_); }
  std::vector<std::string> path(const Installed& installed, const std::string& main,
                                const std::string& to) {
    auto hops = catalog_.resolve(installed, main, to);
    EXPECT_TRUE(hops.ok()) << hops.message();
    return hops.ok() ? hop_ids(*hops) : std::vector<std::string>{};
  }
  fs::path state_;
  Catalog catalog_ = Catalog::from_manifests({});
};

TEST_F(ExampleCatalog, PulseGoesThroughTheIntermediateRelease) {
  EXPECT_EQ(path({{"pulse", "6.0R3.1"}}, "pulse", "7.1R2"),
            (std::vector<std::string>{"pulse-7.1R1", "pulse-7.1R2"}));
}

TEST_F(ExampleCatalog, BeyondTrustInstallsBaseRightBeforeTheSiteVersionThatNeedsIt) {
  EXPECT_EQ(path({{"beyondtrust", "Bomgar-11.1.5"}, {"beyondtrust-base", "Base 3.2.4"}},
                 "beyondtrust", "Bomgar-12.2.0"),
            (std::vector<std::string>{"beyondtrust-Bomgar-12.1.0", "beyondtrust-base-Base 3.3.2",
                                      "beyondtrust-Bomgar-12.2.0"}));
  EXPECT_EQ(catalog_.find("beyondtrust-Bomgar-12.1.0")->soak_s, 86400);
}

TEST_F(ExampleCatalog, JunosAndSpsUpgradeInOneHop) {
  EXPECT_EQ(path({{"junos", "10.1R1.8"}}, "junos", "10.3R2.11"),
            std::vector<std::string>{"junos-10.3R2.11"});
  EXPECT_EQ(path({{"sps", "5.0.4"}}, "sps", "7.0.2.1 LTS"),
            std::vector<std::string>{"sps-7.0.2.1 LTS"});
}

TEST_F(ExampleCatalog, NoPathNamesTheMissingHop) {
  auto hops =
      catalog_.resolve({{"beyondtrust", "Bomgar-10.0.0"}, {"beyondtrust-base", "Base 3.2.4"}},
                       "beyondtrust", "Bomgar-12.2.0");
  EXPECT_EQ(hops.code(), CatalogErrc::kNoPath);
  EXPECT_NE(hops.message().find("installs only over Bomgar-12.1"), std::string::npos)
      << hops.message();
}

TEST_F(ExampleCatalog, PulseDowngradeErasesDataAndNeedsBothFlags) {
  const Installed at{{"pulse", "7.1R2"}};
  EXPECT_EQ(catalog_.resolve(at, "pulse", "7.1R1").code(), CatalogErrc::kDowngrade);
  EXPECT_EQ(catalog_.resolve(at, "pulse", "7.1R1", {true, ""}).code(),
            CatalogErrc::kDataLossNotAcknowledged);
  EXPECT_TRUE(catalog_.resolve(at, "pulse", "7.1R1", {true, "pulse"}).ok());
}

}  // namespace
}  // namespace hitless::catalog
