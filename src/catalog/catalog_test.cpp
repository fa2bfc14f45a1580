#include "catalog/catalog.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "catalog/catalog_fixture.hpp"
#include "catalog/signing.hpp"
#include "model/version.hpp"

namespace hitless::catalog {
namespace {

namespace fs = std::filesystem;
using Installed = std::map<std::string, std::string>;

PackageManifest pkg(std::string name, std::string version, std::string kind = "product",
                    std::vector<PackageRequirement> reqs = {},
                    std::vector<std::string> upgrade_from = {}) {
  return {std::move(name),
          std::move(version),
          std::move(kind),
          std::move(reqs),
          std::move(upgrade_from),
          600,
          100};
}

std::vector<std::string> ids(const std::vector<const CatalogPackage*>& hops) {
  std::vector<std::string> out;
  for (const auto* p : hops) out.push_back(p->id());
  return out;
}

// Loading a signed catalog directory: the catalog's trust checks (trust_test.cpp) and every
// listed package file checked (package_check_test.cpp) before the catalog is usable.
TEST(CatalogLoad, ReadsTheSignedCatalogWithItsPackageFiles) {
  testing::CatalogDir c;
  c.add_package("base-3.1.0.pkg", "base", "3.1.0", "base");
  auto& product = c.add_package("product-7.2.0.pkg", "product", "7.2.0", "product", {"X1"}, {"7.1"},
                                {{"base", "3.1"}});
  product.soak_s = 86400;
  c.write_catalog();
  auto catalog = Catalog::load(c.dir().string(), c.options());
  ASSERT_TRUE(catalog.ok()) << catalog.message();
  ASSERT_EQ(catalog->packages().size(), 2u);
  const auto& p = catalog->packages()[1];
  EXPECT_EQ(p.id(), "product-7.2.0");
  EXPECT_EQ(p.path, (c.dir() / "product-7.2.0.pkg").string());
  EXPECT_EQ(p.digest, c.entry(1).sha256);
  EXPECT_EQ(p.soak_s, 86400);
  EXPECT_EQ(p.hardware, std::vector<std::string>{"X1"});
  EXPECT_EQ(p.manifest.upgrade_from, std::vector<std::string>{"7.1"});
  // The wire signature is the .minisig text, which verifies for this package.
  EXPECT_TRUE(verify_package(testing::slurp(p.path), p.signature_b64, c.package_key().pub.encoded(),
                             "product", "7.2.0")
                  .ok());
  auto hops = catalog->resolve({{"product", "7.1.0"}}, "product", "7.2.0");
  ASSERT_TRUE(hops.ok()) << hops.message();
  EXPECT_EQ(ids(*hops), (std::vector<std::string>{"base-3.1.0", "product-7.2.0"}));
}

TEST(CatalogLoad, TamperedPackageFileFailsTheLoadNamingIt) {
  testing::CatalogDir c;
  c.add_package("base-3.1.0.pkg", "base", "3.1.0", "base");
  c.write_catalog();
  testing::spit(c.dir() / "base-3.1.0.pkg", "payload of base 3.1.1\n");
  auto catalog = Catalog::load(c.dir().string(), c.options());
  EXPECT_EQ(catalog.code(), CatalogErrc::kBadPackage);
  EXPECT_NE(catalog.message().find("base-3.1.0.pkg"), std::string::npos) << catalog.message();
  // Paths alone (no files needed) still load.
  EXPECT_TRUE(Catalog::load(c.dir().string(), c.options(), false).ok());
}

TEST(CatalogLoad, ListedButMissingFileIsUnreadable) {
  testing::CatalogDir c;
  c.add_package("base-3.1.0.pkg", "base", "3.1.0", "base");
  c.write_catalog();
  fs::remove(c.dir() / "base-3.1.0.pkg");
  EXPECT_EQ(Catalog::load(c.dir().string(), c.options()).code(), CatalogErrc::kUnreadable);
}

TEST(CatalogLoad, UntrustedCatalogAndMissingDirectoryAreRefused) {
  testing::CatalogDir c;
  c.write_catalog({});
  EXPECT_EQ(Catalog::load(c.dir().string(), c.options()).code(), CatalogErrc::kUntrusted);
  EXPECT_EQ(Catalog::load("/nonexistent/hitless", c.options()).code(), CatalogErrc::kUnreadable);
}

Catalog appliance_catalog() {
  return Catalog::from_manifests({
      pkg("base", "3.0.0", "base"),
      pkg("base", "3.1.0", "base"),
      pkg("base", "3.2.0", "base"),
      pkg("product", "7.1.0", "product", {{"base", "3.0"}}),
      pkg("product", "7.2.0", "product", {{"base", "3.1"}}, {"7.1"}),
      pkg("product", "8.0.0", "product", {{"base", "3.1"}}, {"7.2"}),
  });
}

TEST(CatalogResolve, FromManifestsDigestsTheEncodedManifest) {
  const auto m = pkg("product", "7.2.0");
  auto catalog = Catalog::from_manifests({m});
  ASSERT_EQ(catalog.packages().size(), 1u);
  EXPECT_EQ(catalog.packages()[0].digest, sha256_hex(encode_package(m, "")));
  EXPECT_EQ(catalog.packages()[0].path, "");
  EXPECT_EQ(catalog.packages()[0].signature_b64, "");
}

TEST(CatalogResolve, MainPackageWithVersionMatchesProductOrFirmwareByVersionEquality) {
  auto catalog =
      Catalog::from_manifests({pkg("base", "3.1.0", "base"), pkg("fw", "3.1", "firmware")});
  ASSERT_NE(catalog.main_package_with_version("3.1.0"), nullptr);
  EXPECT_EQ(catalog.main_package_with_version("3.1.0")->id(), "fw-3.1");
  EXPECT_EQ(catalog.main_package_with_version("3.2"), nullptr);
  EXPECT_EQ(catalog.main_package_with_version("junk"), nullptr);
}

TEST(CatalogResolve, BaseComesBeforeTheProductThatRequiresIt) {
  const auto catalog = appliance_catalog();
  auto hops = catalog.resolve({{"product", "7.1.0"}, {"base", "3.0.0"}}, "product", "7.2.0");
  ASSERT_TRUE(hops.ok()) << hops.message();
  EXPECT_EQ(ids(*hops), (std::vector<std::string>{"base-3.1.0", "product-7.2.0"}));
}

TEST(CatalogResolve, SatisfiedRequirementAddsNothing) {
  const auto catalog = appliance_catalog();
  auto hops = catalog.resolve({{"product", "7.1.0"}, {"base", "3.2.0"}}, "product", "7.2.0");
  ASSERT_TRUE(hops.ok()) << hops.message();
  EXPECT_EQ(ids(*hops), (std::vector<std::string>{"product-7.2.0"}));
}

TEST(CatalogResolve, InsertsIntermediateVersionWithItsBase) {
  const auto catalog = appliance_catalog();
  auto hops = catalog.resolve({{"product", "7.1.0"}, {"base", "3.0.0"}}, "product", "8.0.0");
  ASSERT_TRUE(hops.ok()) << hops.message();
  EXPECT_EQ(ids(*hops), (std::vector<std::string>{"base-3.1.0", "product-7.2.0", "product-8.0.0"}));
}

TEST(CatalogResolve, PrefersTheShortestChainThenNewerIntermediates) {
  auto catalog = Catalog::from_manifests({
      pkg("product", "7.1.0"),
      pkg("product", "7.2.0", "product", {}, {"7.1"}),
      pkg("product", "7.3.0", "product", {}, {"7.1", "7.2"}),
      pkg("product", "7.4.0", "product", {}, {"7.3"}),
      pkg("product", "8.0.0", "product", {}, {"7.2", "7.3", "7.4"}),
  });
  auto hops = catalog.resolve({{"product", "7.1.0"}}, "product", "8.0.0");
  ASSERT_TRUE(hops.ok()) << hops.message();
  EXPECT_EQ(ids(*hops), (std::vector<std::string>{"product-7.3.0", "product-8.0.0"}));
}

TEST(CatalogResolve, RequiredPackageGoesThroughItsOwnIntermediateVersions) {
  auto catalog = Catalog::from_manifests({
      pkg("base", "3.0.0", "base"),
      pkg("base", "3.1.0", "base", {}, {"3.0"}),
      pkg("base", "3.2.0", "base", {}, {"3.1"}),
      pkg("product", "7.2.0", "product", {{"base", "3.2"}}),
  });
  auto hops = catalog.resolve({{"product", "7.1.0"}, {"base", "3.0.0"}}, "product", "7.2.0");
  ASSERT_TRUE(hops.ok()) << hops.message();
  EXPECT_EQ(ids(*hops), (std::vector<std::string>{"base-3.1.0", "base-3.2.0", "product-7.2.0"}));
}

TEST(CatalogResolve, UnknownVersionListsWhatTheRepositoryHas) {
  auto hops = appliance_catalog().resolve({{"product", "7.1.0"}}, "product", "7.9.0");
  ASSERT_FALSE(hops.ok());
  EXPECT_EQ(hops.code(), CatalogErrc::kUnknownVersion);
  EXPECT_EQ(hops.message(), "7.9.0 is not in the repository; it has 7.1.0, 7.2.0, 8.0.0");
}

TEST(CatalogResolve, AlreadyAtTargetAndDowngradeAreRefused) {
  auto same = appliance_catalog().resolve({{"product", "7.2"}}, "product", "7.2.0");
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.code(), CatalogErrc::kAlreadyAtTarget);
  auto down = appliance_catalog().resolve({{"product", "8.0.0"}}, "product", "7.2.0");
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.code(), CatalogErrc::kDowngrade);
  EXPECT_NE(down.message().find("would downgrade from 8.0.0; downgrades are refused unless "
                                "--allow-downgrade is given"),
            std::string::npos)
      << down.message();
}

TEST(CatalogResolve, AllowedDowngradeIsOneDirectInstall) {
  const Catalog cat = appliance_catalog();  // hops point into it
  auto down = cat.resolve({{"product", "8.0.0"}}, "product", "7.2.0", {true, ""});
  ASSERT_TRUE(down.ok()) << down.message();
  EXPECT_EQ(ids(*down), std::vector<std::string>{"product-7.2.0"});
}

TEST(CatalogResolve, DowngradeThatErasesDataNeedsItAcknowledgedByName) {
  CatalogPackage older, newer;
  older.manifest = pkg("pulse", "7.1R1");
  older.downgrade_erases_data = true;  // seed 000: a downgrade deletes all data
  newer.manifest = pkg("pulse", "7.1R2");
  const Catalog cat = Catalog::from_packages({older, newer});
  const Installed installed{{"pulse", "7.1R2"}};
  auto refused = cat.resolve(installed, "pulse", "7.1R1", {true, ""});
  EXPECT_EQ(refused.code(), CatalogErrc::kDataLossNotAcknowledged);
  EXPECT_NE(refused.message().find("--acknowledge-data-loss pulse"), std::string::npos)
      << refused.message();
  EXPECT_EQ(cat.resolve(installed, "pulse", "7.1R1", {true, "other"}).code(),
            CatalogErrc::kDataLossNotAcknowledged);
  EXPECT_TRUE(cat.resolve(installed, "pulse", "7.1R1", {true, "pulse"}).ok());
  EXPECT_EQ(cat.resolve(installed, "pulse", "7.1R1", {false, "pulse"}).code(),
            CatalogErrc::kDowngrade);
}

TEST(CatalogResolve, MissingRequirementIsNoPathNamingPackageAndVersion) {
  auto catalog = Catalog::from_manifests(
      {pkg("base", "3.0.0", "base"), pkg("product", "7.2.0", "product", {{"base", "3.1"}})});
  auto hops = catalog.resolve({{"product", "7.1.0"}, {"base", "3.0.0"}}, "product", "7.2.0");
  ASSERT_FALSE(hops.ok());
  EXPECT_EQ(hops.code(), CatalogErrc::kNoPath);
  EXPECT_NE(hops.message().find("base >= 3.1"), std::string::npos) << hops.message();
}

TEST(CatalogResolve, NoUpgradePathIsNoPath) {
  auto catalog = Catalog::from_manifests(
      {pkg("product", "7.0.0"), pkg("product", "8.0.0", "product", {}, {"7.2"})});
  auto hops = catalog.resolve({{"product", "7.0.0"}}, "product", "8.0.0");
  ASSERT_FALSE(hops.ok());
  EXPECT_EQ(hops.code(), CatalogErrc::kNoPath);
  EXPECT_NE(hops.message().find("installs only over 7.2"), std::string::npos) << hops.message();
}

TEST(CatalogResolve, RequirementCycleIsNoPath) {
  auto catalog = Catalog::from_manifests({
      pkg("a", "1.0.0", "base", {{"b", "1"}}),
      pkg("b", "1.0.0", "base", {{"a", "1"}}),
      pkg("product", "7.2.0", "product", {{"a", "1"}}),
  });
  auto hops = catalog.resolve({{"product", "7.1.0"}}, "product", "7.2.0");
  ASSERT_FALSE(hops.ok());
  EXPECT_EQ(hops.code(), CatalogErrc::kNoPath);
  EXPECT_NE(hops.message().find("cycle"), std::string::npos) << hops.message();
}

TEST(CatalogLatest, PicksTheNewestReachableVersion) {
  auto manifests = std::vector<PackageManifest>{
      pkg("base", "3.1.0", "base"),
      pkg("product", "7.1.0"),
      pkg("product", "7.2.0", "product", {{"base", "3.1"}}),
      pkg("product", "9.0.0", "product", {{"license", "2"}}),
  };
  auto catalog = Catalog::from_manifests(manifests);
  auto latest = catalog.latest({{"product", "7.1.0"}, {"base", "3.0.0"}}, "product");
  ASSERT_TRUE(latest.ok()) << latest.message();
  EXPECT_EQ(*latest, "7.2.0");

  auto at_newest = appliance_catalog().latest({{"product", "8.0.0"}}, "product");
  ASSERT_FALSE(at_newest.ok());
  EXPECT_EQ(at_newest.code(), CatalogErrc::kAlreadyAtTarget);

  auto stuck = Catalog::from_manifests({manifests[3]}).latest({{"product", "7.1.0"}}, "product");
  ASSERT_FALSE(stuck.ok());
  EXPECT_EQ(stuck.code(), CatalogErrc::kNoPath);
  EXPECT_NE(stuck.message().find("license >= 2"), std::string::npos) << stuck.message();

  auto none = appliance_catalog().latest({{"fw", "1.0"}}, "fw");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.code(), CatalogErrc::kUnknownVersion);
}

TEST(CatalogResolve, ResultDoesNotDependOnManifestOrder) {
  const auto original = appliance_catalog();
  std::vector<PackageManifest> manifests;
  for (const auto& p : original.packages()) manifests.push_back(p.manifest);
  const Installed installed{{"product", "7.1.0"}, {"base", "3.0.0"}};
  const auto expected = ids(*original.resolve(installed, "product", "8.0.0"));
  std::mt19937 rng(42);
  for (int i = 0; i < 20; ++i) {
    std::shuffle(manifests.begin(), manifests.end(), rng);
    const auto shuffled = Catalog::from_manifests(manifests);
    auto hops = shuffled.resolve(installed, "product", "8.0.0");
    ASSERT_TRUE(hops.ok()) << hops.message();
    EXPECT_EQ(ids(*hops), expected);
  }
}

// Random repositories: whatever resolve() returns can be installed in order (each hop's
// requirements hold before it, each upgrade is allowed by upgrade_from) and ends at the target.
RC_GTEST_PROP(CatalogProperty, HopsInstallInOrderAndEndAtTheTarget, ()) {
  const int n_base = *rc::gen::inRange(1, 5);
  const int n_main = *rc::gen::inRange(2, 7);
  std::vector<PackageManifest> manifests;
  for (int b = 0; b < n_base; ++b) {
    std::vector<std::string> from;
    if (b > 0 && *rc::gen::arbitrary<bool>()) from.push_back("3." + std::to_string(b - 1));
    manifests.push_back(pkg("base", "3." + std::to_string(b) + ".0", "base", {}, from));
  }
  bool satisfiable = true;
  for (int i = 0; i < n_main; ++i) {
    std::vector<PackageRequirement> reqs;
    if (*rc::gen::arbitrary<bool>()) {
      const int min = *rc::gen::inRange(0, n_base + 1);
      satisfiable = satisfiable && min < n_base;
      reqs.push_back({"base", "3." + std::to_string(min)});
    }
    std::vector<std::string> from;
    const int mask = *rc::gen::inRange(0, 1 << i);
    for (int j = 0; j < i; ++j)
      if (mask & (1 << j)) from.push_back("7." + std::to_string(j));
    satisfiable = satisfiable && from.empty();
    manifests.push_back(pkg("product", "7." + std::to_string(i) + ".0", "product", reqs, from));
  }
  const std::string target = "7." + std::to_string(*rc::gen::inRange(1, n_main)) + ".0";
  const Installed installed{{"product", "7.0.0"}, {"base", "3.0.0"}};
  const auto catalog = Catalog::from_manifests(manifests);
  const auto hops = catalog.resolve(installed, "product", target);
  const auto again = catalog.resolve(installed, "product", target);
  RC_ASSERT(hops.ok() == again.ok());
  if (!hops.ok()) {
    RC_ASSERT(hops.code() == CatalogErrc::kNoPath);
    RC_ASSERT(hops.message() == again.message());
    RC_ASSERT(!satisfiable);
    return;
  }
  RC_ASSERT(ids(*hops) == ids(*again));
  std::map<std::string, Version> state;
  for (const auto& [name, version] : installed) state.emplace(name, *Version::parse(version));
  std::set<std::string> seen;
  for (const auto* p : *hops) {
    RC_ASSERT(seen.insert(p->id()).second);
    const auto version = *Version::parse(p->manifest.version);
    const auto& from = p->manifest.upgrade_from;
    if (auto it = state.find(p->manifest.name); it != state.end()) {
      RC_ASSERT(it->second < version);
      RC_ASSERT(from.empty() ||
                std::any_of(from.begin(), from.end(), [&](const std::string& prefix) {
                  return it->second.matches_prefix(prefix);
                }));
    }
    for (const auto& req : p->manifest.requires_) {
      auto it = state.find(req.package);
      RC_ASSERT(it != state.end());
      RC_ASSERT(req.min_version.empty() || it->second >= *Version::parse(req.min_version));
    }
    state.insert_or_assign(p->manifest.name, version);
  }
  RC_ASSERT(state.at("product") == *Version::parse(target));
}

// No shorter path exists: on random supported-path graphs (no requirements), resolve() finds a
// path exactly when one exists, and its length is the breadth-first shortest.
RC_GTEST_PROP(CatalogProperty, PathIsTheShortestTheSupportedPathsAllow, ()) {
  const int n = *rc::gen::inRange(2, 9);
  std::vector<PackageManifest> manifests;
  std::vector<std::vector<bool>> edge(n, std::vector<bool>(n, false));  // edge[i][j]: j over i
  for (int j = 0; j < n; ++j) {
    std::vector<std::string> from;
    const int mask = j == 0 ? 0 : *rc::gen::inRange(0, 1 << j);
    for (int i = 0; i < j; ++i)
      if (mask & (1 << i)) from.push_back("7." + std::to_string(i));
    for (int i = 0; i < j; ++i) edge[i][j] = from.empty() || (mask & (1 << i));
    manifests.push_back(pkg("product", "7." + std::to_string(j) + ".0", "product", {}, from));
  }
  const int target = *rc::gen::inRange(1, n);
  // Breadth-first shortest number of hops from 7.0 to the target.
  std::vector<int> dist(n, -1);
  dist[0] = 0;
  for (int i = 0; i < n; ++i)  // versions only go up, so index order is a topological order
    if (dist[i] >= 0)
      for (int j = i + 1; j < n; ++j)
        if (edge[i][j] && (dist[j] < 0 || dist[i] + 1 < dist[j])) dist[j] = dist[i] + 1;
  const auto hops = Catalog::from_manifests(manifests).resolve(
      {{"product", "7.0.0"}}, "product", "7." + std::to_string(target) + ".0");
  RC_ASSERT(hops.ok() == (dist[target] >= 0));
  if (hops.ok()) RC_ASSERT(static_cast<int>(hops->size()) == dist[target]);
}

}  // namespace
}  // namespace hitless::catalog
