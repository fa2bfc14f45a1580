#include "catalog/minisign.hpp"

#include <gtest/gtest.h>

#include "catalog/catalog_fixture.hpp"

namespace hitless::catalog {
namespace {

namespace fs = std::filesystem;
using testing::minisign_key;
using testing::minisign_sign_file;
using testing::quote;
using testing::slurp;
using testing::spit;

class Minisign : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hitless-minisign-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    key_ = minisign_key(dir_, "k");
    spit(dir_ / "file", "the package bytes\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  testing::TestKey key_;
};

TEST_F(Minisign, VerifiesWhatTheMinisignBinarySigned) {
  const std::string text = minisign_sign_file(key_, dir_ / "file", "hello world");
  auto sig = parse_signature(text);
  ASSERT_TRUE(sig.ok()) << sig.message();
  EXPECT_TRUE(sig->prehashed);
  EXPECT_EQ(sig->trusted_comment, "hello world");
  EXPECT_EQ(key_id_hex(sig->key_id), key_.pub.id_hex());
  EXPECT_TRUE(minisign_verify(*sig, key_.pub, slurp(dir_ / "file")).ok());
}

TEST_F(Minisign, TheMinisignBinaryVerifiesWhatHitlessSigned) {
  const auto sig = minisign_sign(slurp(dir_ / "file"), key_.secret, "signed by hitless");
  spit(dir_ / "file.minisig", sig.file_text());
  testing::sh("minisign -V -q -p " + quote(key_.pub_file) + " -m " + quote(dir_ / "file"));
  // And the key files hitless writes are ones minisign reads.
  spit(dir_ / "ours.key", key_.secret.file_text());
  spit(dir_ / "ours.pub", key_.pub.file_text());
  spit(dir_ / "other", "other bytes");
  testing::sh("minisign -S -s " + quote(dir_ / "ours.key") + " -m " + quote(dir_ / "other"));
  testing::sh("minisign -V -q -p " + quote(dir_ / "ours.pub") + " -m " + quote(dir_ / "other"));
}

TEST_F(Minisign, PublicKeyAndSecretKeyAgree) {
  EXPECT_EQ(key_.secret.public_key().encoded(), key_.pub.encoded());
  EXPECT_EQ(key_.secret.key_id, key_.pub.key_id);
  EXPECT_EQ(parse_public_key(key_.pub.encoded())->key, key_.pub.key);  // the base64 line alone
}

TEST_F(Minisign, AlteredBytesAreABadSignature) {
  auto sig = parse_signature(minisign_sign_file(key_, dir_ / "file", "c"));
  EXPECT_EQ(minisign_verify(*sig, key_.pub, "the package bytes!\n").code(),
            MinisignErrc::kBadSignature);
}

TEST_F(Minisign, AnotherKeyIsUntrusted) {
  auto sig = parse_signature(minisign_sign_file(key_, dir_ / "file", "c"));
  const auto other = minisign_key(dir_, "other");
  const auto r = minisign_verify(*sig, other.pub, slurp(dir_ / "file"));
  EXPECT_EQ(r.code(), MinisignErrc::kUntrustedKey);
  EXPECT_NE(r.message().find(key_.pub.id_hex()), std::string::npos) << r.message();
}

TEST_F(Minisign, EditedTrustedCommentIsRefused) {
  std::string text = minisign_sign_file(key_, dir_ / "file", "version=7.1R1 hardware=PSA3000");
  text.replace(text.find("PSA3000"), 7, "PSA5000");
  auto sig = parse_signature(text);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(minisign_verify(*sig, key_.pub, slurp(dir_ / "file")).code(),
            MinisignErrc::kEditedComment);
}

TEST_F(Minisign, PasswordProtectedSecretKeyIsRefusedClearly) {
  testing::sh("printf 'pw\\npw\\n' | minisign -G -f -p " + quote(dir_ / "enc.pub") + " -s " +
              quote(dir_ / "enc.key"));
  const auto k = parse_secret_key(slurp(dir_ / "enc.key"));
  EXPECT_EQ(k.code(), MinisignErrc::kEncryptedKey);
  EXPECT_NE(k.message().find("-W"), std::string::npos);
}

TEST_F(Minisign, MalformedFilesAreRefused) {
  EXPECT_EQ(parse_signature("").code(), MinisignErrc::kMalformed);
  EXPECT_EQ(parse_signature("untrusted comment: x\nAAAA\ntrusted comment: y\nAAAA\n").code(),
            MinisignErrc::kMalformed);
  EXPECT_EQ(parse_public_key("RWSnot-a-key").code(), MinisignErrc::kMalformed);
  EXPECT_EQ(parse_secret_key(key_.pub.file_text()).code(), MinisignErrc::kMalformed);
}

TEST(PackageHasher, StreamsTheSameDigestsAsOneShot) {
  PackageHasher h;
  h.update("ab");
  h.update("c");
  auto [blake, sha] = h.finish();
  EXPECT_EQ(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(blake.size(), 64u);
}

}  // namespace
}  // namespace hitless::catalog
