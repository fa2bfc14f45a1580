// Backups through the real binary and the real lab: apply keeps a sealed, proven backup of each
// node before its first install; `hitless backup list` shows them; `hitless backup restore` puts
// one back and the node then holds the backup's checksum; a wrong passphrase changes nothing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

TEST(Backups, ApplyKeepsProvenSealedBackupsThatRestoreWithAnEqualChecksum) {
  UpgradeLab lab;
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  auto r = lab.apply();
  ASSERT_EQ(r.exit_code, 0) << r.output;

  const std::string j = lab.journal_path();
  auto list = run_hitless("backup list --journal " + j);
  ASSERT_EQ(list.exit_code, 0) << list.output;
  for (const std::string node : {"a", "b"})
    EXPECT_NE(list.output.find("\n" + node + " "), std::string::npos) << list.output;
  EXPECT_EQ(list.output.find(" NO "), std::string::npos) << "every backup proven\n" << list.output;
  // Sealed: the configuration's item names appear nowhere in the stored files.
  for (const auto& e : std::filesystem::directory_iterator(j + ".backups")) {
    if (e.path().extension() != ".hbk") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str().find("users"), std::string::npos) << e.path();
  }

  // A change made after the run, then a's backup restored: a holds the backup's checksum again.
  lab.set_setting("a", "banner", "changed after the upgrade");
  const std::string changed = lab.checksum("a");
  const std::string restore =
      "backup restore -i " + lab.inventory() + " --journal " + j + " --node a";
  ::setenv("HITLESS_BACKUP_PASSPHRASE", "not the one it was sealed with", 1);
  auto wrong = run_hitless(restore);
  ::setenv("HITLESS_BACKUP_PASSPHRASE", "lab tests only", 1);
  EXPECT_EQ(wrong.exit_code, 2) << wrong.output;
  EXPECT_NE(wrong.output.find("wrong passphrase"), std::string::npos) << wrong.output;
  EXPECT_EQ(lab.checksum("a"), changed) << "a refused restore changed nothing";

  auto ok = run_hitless(restore);
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("matches"), std::string::npos) << ok.output;
  EXPECT_NE(lab.checksum("a"), changed);
}

TEST(Backups, ApplyWithoutAPassphraseRefusesBeforeAnythingHappens) {
  UpgradeLab lab;
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  ::unsetenv("HITLESS_BACKUP_PASSPHRASE");
  auto r = lab.apply();
  ::setenv("HITLESS_BACKUP_PASSPHRASE", "lab tests only", 1);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("HITLESS_BACKUP_PASSPHRASE"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(lab.journal_path())) << "no journal, no run";
}

}  // namespace
}  // namespace hitless::testing
