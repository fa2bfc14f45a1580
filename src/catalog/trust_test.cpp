#include "catalog/trust.hpp"

#include <gtest/gtest.h>

#include "catalog/catalog_fixture.hpp"

namespace hitless::catalog {
namespace {

using testing::CatalogDir;
using testing::quote;
using testing::slurp;
using testing::spit;

Result<TrustedCatalog, TrustErrc> load(const CatalogDir& c, std::int64_t now = CatalogDir::kNow,
                                       bool allow_expired = false) {
  return load_trusted_catalog(c.dir().string(), c.options(now, allow_expired));
}

// One catalog directory with a single root key (threshold 1) per test, and the steps the tests
// share: loading it, signing catalog.json with any key, rotating the root to a new key.
class Trust : public ::testing::Test {
 protected:
  Result<TrustedCatalog, TrustErrc> load(std::int64_t now = CatalogDir::kNow,
                                         bool allow_expired = false) const {
    return catalog::load(c, now, allow_expired);
  }
  // catalog.json signed by `key` alone (a stranger's, or a rotated root's).
  void sign_catalog_with(const testing::TestKey& key) {
    SignedDocument doc{catalog_to_json(c.catalog()), {}};
    ASSERT_TRUE(add_signature(doc, key.secret).ok());
    spit(c.dir() / "catalog.json", write_signed_document(doc));
  }
  // root.2.json: version 2 with `next` alone, signed by the old root key and by `next`.
  testing::TestKey rotate_to_next_key() {
    auto next = c.new_key("next");
    c.write_rotation(2, 2, {next}, 1, {0}, {0});
    return next;
  }

  CatalogDir c;
};

TEST_F(Trust, SignedCatalogLoads) {
  c.add_package("p-1.0.pkg", "p", "1.0");
  c.write_catalog();
  auto t = load();
  ASSERT_TRUE(t.ok()) << t.message();
  EXPECT_EQ(t->catalog.entries.size(), 1u);
  EXPECT_TRUE(t->warnings.empty());
}

TEST_F(Trust, UnsignedCatalogIsRefused) {
  c.write_catalog({});
  EXPECT_EQ(load().code(), TrustErrc::kNotSigned);
}

TEST_F(Trust, CatalogSignedByAnUntrustedKeyIsRefused) {
  sign_catalog_with(c.new_key("stranger"));
  EXPECT_EQ(load().code(), TrustErrc::kNotSigned);
}

TEST_F(Trust, CatalogEditedAfterSigningIsRefused) {
  c.write_catalog();
  std::string text = slurp(c.dir() / "catalog.json");
  text.replace(text.find("\"version\": 1"), 12, "\"version\": 9");
  spit(c.dir() / "catalog.json", text);
  EXPECT_EQ(load().code(), TrustErrc::kNotSigned);
}

TEST(TrustThreshold, CountsAKeyOnceHoweverOftenItSigns) {
  CatalogDir c(3, 2);
  c.write_catalog({0, 0, 0});
  const auto once = load(c);
  EXPECT_EQ(once.code(), TrustErrc::kNotSigned);
  EXPECT_NE(once.message().find("1 of the 2 required"), std::string::npos) << once.message();
  c.write_catalog({0, 2});
  EXPECT_TRUE(load(c).ok());
}

TEST_F(Trust, SignatureMadeByTheMinisignBinaryOverTheCanonicalBytesCounts) {
  const auto bytes = canonical_bytes(catalog_to_json(c.catalog()));
  spit(c.dir() / "signed.bin", *bytes);
  const auto sig = testing::minisign_sign_file(c.root_key(0), c.dir() / "signed.bin", "ops");
  spit(c.dir() / "catalog.json",
       write_signed_document(SignedDocument{catalog_to_json(c.catalog()), {sig}}));
  EXPECT_TRUE(load().ok()) << load().message();
}

TEST_F(Trust, OlderCatalogThanSeenBeforeIsARollback) {
  c.catalog().version = 5;
  c.write_catalog();
  ASSERT_TRUE(load().ok());
  c.catalog().version = 4;
  c.write_catalog();
  const auto r = load();
  EXPECT_EQ(r.code(), TrustErrc::kRollback);
  EXPECT_NE(r.message().find("older than version 5"), std::string::npos) << r.message();
  c.catalog().version = 5;  // the same version again is not a rollback
  c.write_catalog();
  EXPECT_TRUE(load().ok());
}

TEST_F(Trust, ExpiredCatalogIsRefusedUnlessOverriddenAndTheOverrideIsReported) {
  c.write_catalog();
  const std::int64_t later = c.catalog().expires + 1;
  const auto frozen = load(later);
  EXPECT_EQ(frozen.code(), TrustErrc::kExpired);
  EXPECT_NE(frozen.message().find("--allow-expired-catalog"), std::string::npos);
  const auto overridden = load(later, true);
  ASSERT_TRUE(overridden.ok()) << overridden.message();
  ASSERT_EQ(overridden->warnings.size(), 1u);
  EXPECT_NE(overridden->warnings[0].find("expired"), std::string::npos);
}

TEST_F(Trust, RootRotatesToTheNextVersionSignedByBothThresholds) {
  sign_catalog_with(rotate_to_next_key());  // the catalog is now signed by the new root's key only
  auto t = load();
  ASSERT_TRUE(t.ok()) << t.message();
  EXPECT_EQ(t->root.version, 2);
  // The old key alone no longer signs catalogs.
  c.write_catalog({0});
  EXPECT_EQ(load().code(), TrustErrc::kNotSigned);
}

TEST_F(Trust, RotationWithoutTheOldThresholdIsRefused) {
  const auto next = c.new_key("next");
  c.write_rotation(2, 2, {next}, 1, {}, {0});
  c.write_catalog();
  const auto r = load();
  EXPECT_EQ(r.code(), TrustErrc::kRootRotation);
  EXPECT_NE(r.message().find("old keys"), std::string::npos) << r.message();
}

TEST_F(Trust, RotationWithoutTheNewThresholdIsRefused) {
  const auto a = c.new_key("a");
  const auto b = c.new_key("b");
  c.write_rotation(2, 2, {a, b}, 2, {0}, {0});
  c.write_catalog();
  const auto r = load();
  EXPECT_EQ(r.code(), TrustErrc::kRootRotation);
  EXPECT_NE(r.message().find("new keys"), std::string::npos) << r.message();
}

TEST_F(Trust, NonConsecutiveRootVersionIsRefused) {
  const auto next = c.new_key("next");
  c.write_rotation(3, 3, {next}, 1, {0}, {0});  // skips version 2
  c.write_catalog();
  EXPECT_EQ(load().code(), TrustErrc::kRootVersion);
  std::filesystem::remove(c.dir() / "root.3.json");
  c.write_rotation(2, 3, {next}, 1, {0}, {0});  // file root.2.json claiming version 3
  EXPECT_EQ(load().code(), TrustErrc::kRootVersion);
}

TEST_F(Trust, RotatedRootIsRememberedSoRemovingTheRotationFileDoesNotRevertIt) {
  sign_catalog_with(rotate_to_next_key());
  ASSERT_TRUE(load().ok());
  std::filesystem::remove(c.dir() / "root.2.json");
  c.write_catalog({0});  // signed by the retired key
  EXPECT_EQ(load().code(), TrustErrc::kNotSigned);
}

TEST(TrustNames, UnsafePackageNamesAreRefused) {
  for (const std::string bad : {"../outside.pkg", "/etc/passwd", "a/../../b.pkg"}) {
    CatalogDir c;
    c.add_package("p.pkg", "p", "1.0").file = bad;
    c.write_catalog();
    const auto r = load(c);
    EXPECT_EQ(r.code(), TrustErrc::kUnsafeName) << bad << ": " << r.message();
  }
}

TEST_F(Trust, SameVersionWithDifferentBytesIsRefused) {
  c.add_package("p-a.pkg", "p", "1.0");
  c.add_package("p-b.pkg", "p", "1.0").sha256 = std::string(64, 'a');
  c.write_catalog();
  const auto r = load();
  EXPECT_EQ(r.code(), TrustErrc::kSameVersionDifferentBytes);
  EXPECT_NE(r.message().find("packages[1]"), std::string::npos) << r.message();
}

TEST_F(Trust, MalformedCatalogNamesTheField) {
  c.add_package("p.pkg", "p", "1.0");
  auto j = catalog_to_json(c.catalog());
  j["packages"][0]["version"] = "seven";
  SignedDocument doc{j, {}};
  ASSERT_TRUE(add_signature(doc, c.root_key(0).secret).ok());
  spit(c.dir() / "catalog.json", write_signed_document(doc));
  const auto r = load();
  EXPECT_EQ(r.code(), TrustErrc::kMalformed);
  EXPECT_NE(r.message().find("packages[0].version"), std::string::npos) << r.message();
}

}  // namespace
}  // namespace hitless::catalog
