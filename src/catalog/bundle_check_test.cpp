// hitless's own check of an offline bundle (`hitless bundle verify`, and plan for an air-gapped
// node): one test per refusal, each with its own code, and the bundle that passes.
#include "catalog/bundle_check.hpp"

#include <gtest/gtest.h>

#include "catalog/catalog_fixture.hpp"

namespace hitless::catalog {
namespace {

using testing::CatalogDir;
using testing::slurp;

constexpr std::int64_t kNow = CatalogDir::kNow;

class BundleCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    c_.add_package("product-7.2.0.pkg", "product", "7.2.0", "product", {}, {"7.1"});
    c_.add_package("product-7.3.0.pkg", "product", "7.3.0", "product", {}, {"7.2"});
    c_.write_catalog();
    auto cat = Catalog::load(c_.dir().string(), c_.options());
    ASSERT_TRUE(cat.ok()) << cat.message();
    catalog_ = std::move(*cat);
  }

  // What the update side makes for appliance a1 (rs-1): the catalog and both hops.
  OfflineBundle bundle() const {
    OfflineBundle b{"a1", "rs-1", kNow, kNow + 14 * 86400, {}};
    b.files.push_back({"catalog.json", slurp(c_.dir() / "catalog.json")});
    for (const char* f : {"product-7.2.0.pkg", "product-7.3.0.pkg"})
      b.files.push_back({f, slurp(c_.dir() / f)});
    return b;
  }
  std::string signed_by_vendor(const OfflineBundle& b) const {
    return write_bundle(b, c_.package_key().secret);
  }
  Result<BundleSummary, BundleErrc> check(const std::string& bytes, std::int64_t now = kNow) {
    return check_bundle(bytes, "rs-1.bundle", catalog_, now);
  }

  CatalogDir c_;
  Catalog catalog_;
};

TEST_F(BundleCheck, BundleOfTheCatalogsPackagesPassesAndIsBoundToItsAppliance) {
  auto s = check(signed_by_vendor(bundle()));
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s->appliance, "a1");
  EXPECT_EQ(s->packages, (std::vector<std::string>{"product-7.2.0", "product-7.3.0"}));
  EXPECT_EQ(s->sha256.size(), 64u);
  EXPECT_TRUE(bundle_bound_to(*s, "a1", "rs-1").ok());
}

TEST_F(BundleCheck, BundleForAnotherApplianceIsRefusedNamingBoth) {
  auto s = check(signed_by_vendor(bundle()));
  ASSERT_TRUE(s.ok()) << s.message();
  auto other = bundle_bound_to(*s, "b2", "rs-2");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.code(), BundleErrc::kOtherAppliance);
  EXPECT_EQ(other.message(),
            "rs-1.bundle was made for appliance a1 (rs-1), not for rs-2 (b2): get rs-2's own "
            "download key and make a bundle for it");
}

TEST_F(BundleCheck, EditedManifestIsABadSignature) {
  std::string bytes = signed_by_vendor(bundle());
  const auto at = bytes.find("\"appliance\":\"a1\"");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 16, "\"appliance\":\"b2\"");  // rebound to another appliance by hand
  auto s = check(bytes);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), BundleErrc::kBadSignature) << s.message();
}

TEST_F(BundleCheck, BundleSignedByAKeyThatIsNotAPackageKeyIsRefused) {
  auto s = check(write_bundle(bundle(), generate_minisign_key()));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), BundleErrc::kBadSignature) << s.message();
}

TEST_F(BundleCheck, EditedPackageBytesAreADigestMismatch) {
  std::string bytes = signed_by_vendor(bundle());
  bytes[bytes.size() - 3] ^= 0x20;  // inside the last package
  auto s = check(bytes);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), BundleErrc::kDigestMismatch) << s.message();
}

TEST_F(BundleCheck, PackageNotInTheCatalogIsRefused) {
  OfflineBundle b = bundle();
  b.files.push_back({"trojan-1.0.pkg", "not a vendor package"});
  auto s = check(signed_by_vendor(b));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), BundleErrc::kNotInCatalog) << s.message();
  EXPECT_NE(s.message().find("trojan-1.0.pkg is not in the trusted catalog"), std::string::npos);
}

TEST_F(BundleCheck, PackageOtherThanTheCatalogListsIsRefusedEvenIfTheManifestAgrees) {
  OfflineBundle b = bundle();
  b.files[1].bytes[0] ^= 0x01;  // the vendor's manifest lists these bytes; the catalog does not
  auto s = check(signed_by_vendor(b));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), BundleErrc::kBadPackage) << s.message();
  EXPECT_NE(s.message().find("product-7.2.0.pkg (product-7.2.0): SHA-256"), std::string::npos)
      << s.message();
}

TEST_F(BundleCheck, ExpiredBundleIsRefusedAndOneFromTheFutureToo) {
  const std::string bytes = signed_by_vendor(bundle());
  auto late = check(bytes, kNow + 15 * 86400);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.code(), BundleErrc::kExpired);
  EXPECT_NE(late.message().find("the bundle expired at"), std::string::npos) << late.message();
  auto early = check(bytes, kNow - 3600);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.code(), BundleErrc::kExpired);
  EXPECT_NE(early.message().find("one of the two clocks is wrong"), std::string::npos);
}

TEST_F(BundleCheck, NotABundleIsMalformed) {
  auto s = check("HITLESS-PACKAGE\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), BundleErrc::kMalformed);
}

}  // namespace
}  // namespace hitless::catalog
