// Backups end to end on the lab model: a node's export, sealed and stored, proven in a scratch
// store, then restored into another node with an equal checksum.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "catalog/backup_store.hpp"
#include "lab/model/model_fixture.hpp"
#include "lab/model/scratch_restore.hpp"

namespace hitless::lab {
namespace {

using testing::PairFixture;

struct BackupDir {
  std::string path =
      (std::filesystem::temp_directory_path() / ("hitless-backups-" + std::to_string(::getpid())))
          .string();
  ~BackupDir() { std::filesystem::remove_all(path); }
};

catalog::RestoreProbe scratch_probe() {
  return [](const std::string& text) { return checksum_after_scratch_restore(text); };
}

TEST(Backup, RestoredIntoANewNodeWithAnEqualChecksum) {
  PairFixture f;
  f.a.mutable_store().put_setting("banner", "only on a", 5);
  const std::string want = f.a.store().checksum();
  ASSERT_NE(f.b.store().checksum(), want);
  BackupDir dir;
  auto rec = catalog::store_backup(dir.path, "a", f.a.store().serialize(), want, 10, "pass phrase",
                                   scratch_probe(), catalog::PassphraseCost::minimum());
  ASSERT_TRUE(rec) << rec.message();
  EXPECT_TRUE(rec->proven());
  EXPECT_EQ(rec->restored_checksum, want);

  auto listed = catalog::list_backups(dir.path);
  ASSERT_TRUE(listed) << listed.message();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().sha256, rec->sha256);
  EXPECT_TRUE(listed->front().proven());
  auto text = catalog::load_backup(listed->front(), "pass phrase");
  ASSERT_TRUE(text) << text.message();
  ASSERT_TRUE(f.b.restore(*text).ok());
  EXPECT_EQ(f.b.store().checksum(), want);
}

TEST(Backup, WrongPassphraseIsRefusedAndChangesNothing) {
  PairFixture f;
  BackupDir dir;
  auto rec = catalog::store_backup(dir.path, "a", f.a.store().serialize(), f.a.store().checksum(),
                                   0, "right", scratch_probe(), catalog::PassphraseCost::minimum());
  ASSERT_TRUE(rec);
  const std::string before = f.b.store().checksum();
  auto text = catalog::load_backup(*rec, "wrong");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.code(), catalog::BackupErrc::kWrongPassphraseOrDamaged);
  EXPECT_EQ(f.b.store().checksum(), before);
}

TEST(Backup, ExportThatDoesNotRestoreIsStoredButNotProven) {
  BackupDir dir;
  auto rec = catalog::store_backup(dir.path, "a", "not a store", "abc", 0, "pw", scratch_probe(),
                                   catalog::PassphraseCost::minimum());
  ASSERT_TRUE(rec);
  EXPECT_FALSE(rec->proven());
}

TEST(Backup, ReplacedFileIsRefusedByItsDigest) {
  PairFixture f;
  BackupDir dir;
  auto rec = catalog::store_backup(dir.path, "a", f.a.store().serialize(), f.a.store().checksum(),
                                   0, "pw", scratch_probe(), catalog::PassphraseCost::minimum());
  ASSERT_TRUE(rec);
  // Another backup sealed with the same passphrase opens, but is not the one on record.
  auto other =
      catalog::seal_backup(f.b.store().serialize(), "pw", catalog::PassphraseCost::minimum());
  ASSERT_TRUE(other);
  std::ofstream(rec->file, std::ios::binary | std::ios::trunc) << *other;
  auto text = catalog::load_backup(*rec, "pw");
  ASSERT_FALSE(text);
  EXPECT_NE(text.message().find("SHA-256"), std::string::npos) << text.message();
}

TEST(Backup, SecondBackupOfANodeKeepsTheFirst) {
  PairFixture f;
  BackupDir dir;
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(catalog::store_backup(dir.path, "a", f.a.store().serialize(),
                                      f.a.store().checksum(), i, "pw", scratch_probe(),
                                      catalog::PassphraseCost::minimum()));
  auto listed = catalog::list_backups(dir.path);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_NE(listed->at(0).file, listed->at(1).file);
  EXPECT_LT(listed->at(0).taken_at, listed->at(1).taken_at);
}

}  // namespace
}  // namespace hitless::lab
