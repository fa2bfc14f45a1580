#include "catalog/package_check.hpp"

#include <gtest/gtest.h>

#include "catalog/catalog_fixture.hpp"

namespace hitless::catalog {
namespace {

using Errc = PackageCheckErrc;
using testing::CatalogDir;
using testing::slurp;
using testing::spit;

class PackageCheck : public ::testing::Test {
 protected:
  PackageCheck() {
    c_.add_package("pulse-7.1R1.pkg", "pulse", "7.1R1", "product", {"PSA3000", "PSA5000"},
                   {"6.0R3"});
  }
  std::string file() const { return (c_.dir() / "pulse-7.1R1.pkg").string(); }
  Result<CheckedPackage, Errc> check(const std::string& hardware = "") {
    return check_package_file(file(), c_.catalog(), hardware);
  }
  CatalogDir c_;
};

TEST_F(PackageCheck, ListedSignedPackageForThisHardwarePasses) {
  auto r = check("PSA3000");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->entry->manifest.version, "7.1R1");
  EXPECT_EQ(r->signer, c_.package_key().pub.id_hex());
}

TEST_F(PackageCheck, UnsignedPackageIsRefused) {
  c_.entry(0).signature.clear();
  EXPECT_EQ(check().code(), Errc::kUnsigned);
}

TEST_F(PackageCheck, BadSignatureIsRefused) {
  // Another file's valid signature by the same key: the bytes do not match it.
  c_.add_package("other.pkg", "pulse", "7.1R2", "product", {"PSA3000", "PSA5000"});
  c_.entry(0).signature = c_.entry(1).signature;
  EXPECT_EQ(check().code(), Errc::kBadSignature);
}

TEST_F(PackageCheck, PackageSignedByAKeyNotInTheCatalogIsUntrusted) {
  const auto stranger = c_.new_key("stranger");
  c_.entry(0).signature = testing::minisign_sign_file(
      stranger, file(), package_trusted_comment({"pulse", "7.1R1", {"PSA3000", "PSA5000"}}));
  const auto r = check();
  EXPECT_EQ(r.code(), Errc::kUntrustedKey);
  EXPECT_NE(r.message().find(stranger.pub.id_hex()), std::string::npos) << r.message();
}

TEST_F(PackageCheck, EditedTrustedCommentIsRefused) {
  std::string& sig = c_.entry(0).signature;
  sig.replace(sig.find("PSA5000"), 7, "B300000");
  EXPECT_EQ(check().code(), Errc::kEditedComment);
}

TEST_F(PackageCheck, SignatureOfAnotherPackageIsRefused) {
  // Validly signed, but the trusted comment names another version (a moved signature).
  c_.entry(0).signature = testing::minisign_sign_file(
      c_.package_key(), file(),
      package_trusted_comment({"pulse", "7.1R2", {"PSA3000", "PSA5000"}}));
  EXPECT_EQ(check().code(), Errc::kWrongPackage);
}

TEST_F(PackageCheck, DigestMismatchIsRefused) {
  std::string bytes = slurp(file());
  bytes[0] ^= 1;  // same length, other bytes
  spit(file(), bytes);
  EXPECT_EQ(check().code(), Errc::kDigestMismatch);
}

TEST_F(PackageCheck, ShorterFileIsALengthMismatch) {
  std::string bytes = slurp(file());
  bytes.pop_back();
  spit(file(), bytes);
  EXPECT_EQ(check().code(), Errc::kLengthMismatch);
}

TEST_F(PackageCheck, FileLongerThanDeclaredIsRefused) {
  spit(file(), slurp(file()) + "appended");
  const auto r = check();
  EXPECT_EQ(r.code(), Errc::kLongerThanDeclared);
  EXPECT_NE(r.message().find("longer than"), std::string::npos) << r.message();
}

TEST_F(PackageCheck, PackageForOtherHardwareIsRefused) {
  const auto r = check("B300");
  EXPECT_EQ(r.code(), Errc::kWrongHardware);
  EXPECT_NE(r.message().find("PSA3000"), std::string::npos) << r.message();
}

TEST_F(PackageCheck, CatalogListingOtherHardwareThanSignedIsRefused) {
  c_.entry(0).hardware = {"PSA3000", "PSA5000", "B300"};
  EXPECT_EQ(check().code(), Errc::kWrongHardware);
}

TEST_F(PackageCheck, PackageNotInTheCatalogIsRefused) {
  spit(c_.dir() / "trojan.pkg", "not listed");
  EXPECT_EQ(check_package_file((c_.dir() / "trojan.pkg").string(), c_.catalog(), "").code(),
            Errc::kNotInCatalog);
}

}  // namespace
}  // namespace hitless::catalog
