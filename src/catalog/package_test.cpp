#include "catalog/package.hpp"

#include <gtest/gtest.h>

#include "catalog/signing.hpp"

namespace hitless::catalog {

TEST(Package, EncodeDecodeRoundTrip) {
  PackageManifest m{"product", "7.2.0", "product", {{"base", "3.1"}}, {"7.1"}, 1800, 900};
  auto bytes = encode_package(m, std::string(1000, 'x'));
  auto back = decode_package(bytes);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->id(), "product-7.2.0");
  ASSERT_EQ(back->requires_.size(), 1u);
  EXPECT_EQ(back->requires_[0].min_version, "3.1");
  EXPECT_EQ(back->upgrade_from, std::vector<std::string>{"7.1"});
}

TEST(Package, RejectsTruncatedOrForeignBytes) {
  EXPECT_FALSE(decode_package("ELF...").ok());
  EXPECT_FALSE(decode_package("HITLESS-PKG 1\n{\"name\":").ok());
  EXPECT_FALSE(decode_package("HITLESS-PKG 1\n[1,2]\n").ok());
}

TEST(Package, Sha256OfKnownInput) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Signing, SignedPackageVerifiesAndAnyAlterationFails) {
  auto key = generate_signing_key();
  auto other = generate_signing_key();
  const std::string pkg = encode_package({"base", "3.1.0", "base", {}, {}, 600, 50}, "payload");
  auto sig = sign_package(pkg, {"base", "3.1.0", {}}, key.secret_key_b64);
  ASSERT_TRUE(sig.ok()) << sig.message();
  EXPECT_TRUE(verify_package(pkg, *sig, key.public_key_b64, "base", "3.1.0").ok());
  std::string altered = pkg;
  altered.back() ^= 1;
  EXPECT_EQ(verify_detached(altered, *sig, key.public_key_b64).code(), SignErrc::kBadSignature);
  EXPECT_EQ(verify_detached(pkg, *sig, other.public_key_b64).code(), SignErrc::kUntrustedKey);
  EXPECT_EQ(verify_detached(pkg, "not-base64!", key.public_key_b64).code(),
            SignErrc::kBadSignature);
  EXPECT_EQ(verify_detached(pkg, "", key.public_key_b64).code(), SignErrc::kBadSignature);
  EXPECT_EQ(verify_detached(pkg, *sig, "short").code(), SignErrc::kBadKey);
}

TEST(Signing, SignatureOfOnePackageDoesNotVerifyAnother) {
  auto key = generate_signing_key();
  const std::string pkg = encode_package({"base", "3.1.0", "base", {}, {}, 600, 50}, "payload");
  auto sig = sign_package(pkg, {"base", "3.2.0", {}}, key.secret_key_b64);
  const auto r = verify_package(pkg, *sig, key.public_key_b64, "base", "3.1.0");
  EXPECT_EQ(r.code(), SignErrc::kWrongPackage);
  EXPECT_NE(r.message().find("3.2.0"), std::string::npos) << r.message();
}

TEST(Signing, TrustedCommentRoundTripsVersionsWithSpaces) {
  const auto c = package_trusted_comment({"beyondtrust-base", "Base 3.3.2", {"B300"}});
  auto id = parse_package_comment(c);
  ASSERT_TRUE(id.ok()) << id.message();
  EXPECT_EQ(id->version, "Base 3.3.2");
  EXPECT_EQ(id->hardware, std::vector<std::string>{"B300"});
  EXPECT_EQ(parse_package_comment("timestamp:1 file:x").code(), SignErrc::kWrongPackage);
}

}  // namespace hitless::catalog
