#include "catalog/catalog.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

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

void write(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

class CatalogLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("hitless-catalog-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `file` holding the package and, unless told otherwise, its signature "file.sig".
  std::string add(const std::string& file, const PackageManifest& m, bool sign = true) {
    const std::string bytes = encode_package(m, "payload of " + m.id());
    write(dir_ / file, bytes);
    if (sign) write(dir_ / (file + ".sig"), *sign_detached(bytes, key_.secret_key_b64) + "\n");
    return bytes;
  }

  Result<Catalog, CatalogErrc> load() const {
    return Catalog::load(dir_.string(), key_.public_key_b64);
  }

  fs::path dir_;
  SigningKeyPair key_ = generate_signing_key();
};

TEST_F(CatalogLoad, ReadsSignedPackagesInFileNameOrderWithDigests) {
  const auto product = add("b-product.pkg", pkg("product", "7.2.0", "product", {{"base", "3.1"}}));
  const auto base = add("a-base.pkg", pkg("base", "3.1.0", "base"));
  write(dir_ / "README.txt", "not a package, and not named *.pkg");
  fs::create_directories(dir_ / "old.pkg");  // a directory, not a regular file

  auto catalog = load();
  ASSERT_TRUE(catalog.ok()) << catalog.message();
  ASSERT_EQ(catalog->packages().size(), 2u);
  const auto& first = catalog->packages()[0];
  EXPECT_EQ(first.id(), "base-3.1.0");
  EXPECT_EQ(first.digest, sha256_hex(base));
  EXPECT_EQ(first.path, (dir_ / "a-base.pkg").string());
  EXPECT_FALSE(first.signature_b64.empty());
  EXPECT_EQ(first.signature_b64.back() == '\n', false);
  EXPECT_EQ(catalog->packages()[1].digest, sha256_hex(product));
  ASSERT_NE(catalog->find("product-7.2.0"), nullptr);
  EXPECT_EQ(catalog->find("product-7.2.0")->manifest.requires_[0].min_version, "3.1");
  EXPECT_EQ(catalog->find("product-9.9.9"), nullptr);
}

TEST_F(CatalogLoad, TamperedPackageFailsNamingTheFile) {
  add("base.pkg", pkg("base", "3.1.0", "base"));
  auto bytes = add("product.pkg", pkg("product", "7.2.0"));
  bytes.back() ^= 1;
  write(dir_ / "product.pkg", bytes);
  auto catalog = load();
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.code(), CatalogErrc::kBadPackage);
  EXPECT_NE(catalog.message().find("product.pkg"), std::string::npos) << catalog.message();
  EXPECT_NE(catalog.message().find("bad signature"), std::string::npos) << catalog.message();
}

TEST_F(CatalogLoad, PackageSignedWithAnotherKeyFails) {
  add("product.pkg", pkg("product", "7.2.0"));
  auto catalog = Catalog::load(dir_.string(), generate_signing_key().public_key_b64);
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.code(), CatalogErrc::kBadPackage);
  EXPECT_NE(catalog.message().find("product.pkg"), std::string::npos) << catalog.message();
}

TEST_F(CatalogLoad, MissingSignatureFailsNamingTheFile) {
  add("product.pkg", pkg("product", "7.2.0"), /*sign=*/false);
  auto catalog = load();
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.code(), CatalogErrc::kBadPackage);
  EXPECT_NE(catalog.message().find("product.pkg.sig is missing"), std::string::npos)
      << catalog.message();
}

TEST_F(CatalogLoad, SignedFileThatIsNotAPackageFails) {
  write(dir_ / "notes.pkg", "just some text\n");
  write(dir_ / "notes.pkg.sig", *sign_detached("just some text\n", key_.secret_key_b64));
  auto catalog = load();
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.code(), CatalogErrc::kBadPackage);
  EXPECT_NE(catalog.message().find("notes.pkg is not a package"), std::string::npos)
      << catalog.message();
}

TEST_F(CatalogLoad, DuplicatePackageIdNamesBothFiles) {
  add("one.pkg", pkg("product", "7.2.0"));
  add("two.pkg", pkg("product", "7.2.0"));
  auto catalog = load();
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.code(), CatalogErrc::kBadPackage);
  EXPECT_NE(catalog.message().find("one.pkg"), std::string::npos) << catalog.message();
  EXPECT_NE(catalog.message().find("two.pkg"), std::string::npos) << catalog.message();
}

TEST_F(CatalogLoad, MissingDirectoryIsUnreadable) {
  const std::string missing = (dir_ / "nowhere").string();
  auto catalog = Catalog::load(missing, key_.public_key_b64);
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.code(), CatalogErrc::kUnreadable);
  EXPECT_NE(catalog.message().find(missing), std::string::npos) << catalog.message();
}

// base 3.0.0 .. 3.2.0; product 7.1.0, 7.2.0 (needs base >= 3.1), 8.0.0 (only over 7.2).
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
  EXPECT_NE(
      down.message().find(
          "would downgrade from 8.0.0 to 7.2.0; downgrades are not supported (they erase data)"),
      std::string::npos)
      << down.message();
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

}  // namespace
}  // namespace hitless::catalog
