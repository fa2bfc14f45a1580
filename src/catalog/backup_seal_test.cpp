#include "catalog/backup_seal.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

namespace hitless::catalog {
namespace {

const auto kFast = PassphraseCost::minimum();

TEST(BackupSeal, RoundTripsTextOfManyChunks) {
  std::string text;
  for (int i = 0; i < 30000; ++i) text += "users/u" + std::to_string(i) + "=admin\n";
  ASSERT_GT(text.size(), 3u * 64 * 1024);
  auto sealed = seal_backup(text, "correct horse", kFast);
  ASSERT_TRUE(sealed) << sealed.message();
  EXPECT_EQ(sealed->find("users/u1"), std::string::npos);  // nothing readable in the file
  auto opened = open_backup(*sealed, "correct horse");
  ASSERT_TRUE(opened) << opened.message();
  EXPECT_EQ(*opened, text);
}

// A run's sealer derives its key once for all its backups; each file still opens on its own with
// the passphrase alone, and not with another.
TEST(BackupSeal, ASealerDerivesOnceAndEachFileOpensWithThePassphraseAlone) {
  BackupSealer sealer("correct horse", kFast);
  std::vector<std::string> files;
  for (int i = 0; i < 5; ++i) {
    auto sealed = sealer.seal("users/u" + std::to_string(i) + "=admin\n");
    ASSERT_TRUE(sealed) << sealed.message();
    files.push_back(*sealed);
    auto back = sealer.open(*sealed);
    ASSERT_TRUE(back) << back.message();
  }
  EXPECT_EQ(sealer.derivations(), 1);
  EXPECT_NE(files[0], files[1]) << "each file has its own stream header";
  auto alone = open_backup(files[3], "correct horse");
  ASSERT_TRUE(alone) << alone.message();
  EXPECT_EQ(*alone, "users/u3=admin\n");
  EXPECT_FALSE(open_backup(files[3], "wrong horse"));
  // A file sealed elsewhere (its own salt) opens too, with a derivation of its own.
  auto other = seal_backup("x", "correct horse", kFast);
  ASSERT_TRUE(other);
  EXPECT_TRUE(sealer.open(*other));
  EXPECT_EQ(sealer.derivations(), 2);
  BackupSealer wrong("wrong horse", kFast);
  EXPECT_FALSE(wrong.open(files[0]));
}

TEST(BackupSeal, EmptyTextRoundTrips) {
  auto sealed = seal_backup("", "pw", kFast);
  ASSERT_TRUE(sealed);
  auto opened = open_backup(*sealed, "pw");
  ASSERT_TRUE(opened) << opened.message();
  EXPECT_EQ(*opened, "");
}

TEST(BackupSeal, WrongPassphraseIsRefused) {
  auto sealed = seal_backup("{\"users\":{}}", "right", kFast);
  ASSERT_TRUE(sealed);
  auto opened = open_backup(*sealed, "wrong");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.code(), BackupErrc::kWrongPassphraseOrDamaged);
  EXPECT_NE(opened.message().find("wrong passphrase"), std::string::npos);
}

TEST(BackupSeal, SaltIsFreshSoTwoSealsDiffer) {
  auto a = seal_backup("same", "pw", kFast);
  auto b = seal_backup("same", "pw", kFast);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
}

TEST(BackupSeal, TruncatedEditedOrExtendedFilesAreRefused) {
  std::string text(200000, 'x');
  auto sealed = seal_backup(text, "pw", kFast);
  ASSERT_TRUE(sealed);
  const std::string& s = *sealed;
  // Cut at a chunk boundary: every remaining chunk authenticates, but FINAL never comes.
  const auto body = s.find('\n', s.find('\n') + 1) + 1;
  const std::size_t block = 64 * 1024 + 17;
  EXPECT_EQ(open_backup(s.substr(0, body + block), "pw").code(),
            BackupErrc::kWrongPassphraseOrDamaged);
  std::string edited = s;
  edited[edited.size() - 5] ^= 1;
  EXPECT_EQ(open_backup(edited, "pw").code(), BackupErrc::kWrongPassphraseOrDamaged);
  EXPECT_EQ(open_backup(s + "more", "pw").code(), BackupErrc::kWrongPassphraseOrDamaged);
  EXPECT_EQ(open_backup("plain text", "pw").code(), BackupErrc::kMalformed);
}

TEST(BackupSeal, AHeaderAskingForHugeCostIsRefusedBeforeDerivingAKey) {
  auto sealed = seal_backup("x", "pw", kFast);
  ASSERT_TRUE(sealed);
  std::string s = *sealed;
  const auto at = s.find("\"memlimit\":");
  const auto end = s.find(',', at);
  s.replace(at, end - at, "\"memlimit\":99999999999999");
  auto opened = open_backup(s, "pw");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.code(), BackupErrc::kMalformed);
}

class PassphraseFile : public ::testing::Test {
 protected:
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("hitless-pass-" + std::to_string(::getpid()));
  std::string file = (dir / "pass").string();
  void SetUp() override { std::filesystem::create_directories(dir); }
  void TearDown() override { std::filesystem::remove_all(dir); }
  void write(const std::string& text, mode_t mode) {
    std::ofstream(file) << text;
    ::chmod(file.c_str(), mode);
  }
};

TEST_F(PassphraseFile, OwnerOnlyFileIsReadWithoutItsNewline) {
  write("s3cret\n", 0600);
  auto p = read_passphrase(file);
  ASSERT_TRUE(p) << p.message();
  EXPECT_EQ(*p, "s3cret");
}

TEST_F(PassphraseFile, LoosePermissionsAreRefusedNamingTheMode) {
  write("s3cret\n", 0644);
  auto p = read_passphrase(file);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.code(), BackupErrc::kBadPassphraseSource);
  EXPECT_NE(p.message().find("0644"), std::string::npos) << p.message();
  EXPECT_NE(p.message().find(file), std::string::npos);
}

TEST_F(PassphraseFile, MissingAndEmptyFilesAreRefused) {
  EXPECT_EQ(read_passphrase(file).code(), BackupErrc::kBadPassphraseSource);
  write("\n", 0600);
  EXPECT_EQ(read_passphrase(file).code(), BackupErrc::kBadPassphraseSource);
}

TEST(PassphraseEnv, ComesFromTheVariableWhenNoFileIsGiven) {
  ::setenv("HITLESS_TEST_PASS", "from-env", 1);
  auto p = read_passphrase("", "HITLESS_TEST_PASS");
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, "from-env");
  ::unsetenv("HITLESS_TEST_PASS");
  auto none = read_passphrase("", "HITLESS_TEST_PASS");
  ASSERT_FALSE(none);
  EXPECT_NE(none.message().find("HITLESS_TEST_PASS"), std::string::npos);
}

}  // namespace
}  // namespace hitless::catalog
