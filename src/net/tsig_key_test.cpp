#include "net/tsig_key.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace hitless::net {
namespace {

namespace fs = std::filesystem;

class TsigKeyFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() / ("hitless-tsig-" + std::to_string(getpid()))).string();
  }
  void TearDown() override { fs::remove(path_); }
  void write(const std::string& text, fs::perms mode) {
    std::ofstream(path_) << text;
    fs::permissions(path_, mode, fs::perm_options::replace);
  }
  std::string path_;
  const fs::perms private_ = fs::perms::owner_read | fs::perms::owner_write;
};

TEST_F(TsigKeyFile, ReadsAlgorithmNameAndSecret) {
  write("hmac-sha256:upd-key:c2VjcmV0\n", private_);
  auto k = read_tsig_key_file(path_);
  ASSERT_TRUE(k) << k.message();
  EXPECT_EQ(k->algorithm, "hmac-sha256");
  EXPECT_EQ(k->name, "upd-key");
  EXPECT_EQ(k->secret, "c2VjcmV0");
  EXPECT_EQ(format_tsig_key(*k), "hmac-sha256:upd-key:c2VjcmV0");
}

TEST_F(TsigKeyFile, RefusesAFileOthersCanReadNamingItAndItsMode) {
  write("hmac-sha256:upd-key:c2VjcmV0\n", private_ | fs::perms::group_read);
  auto k = read_tsig_key_file(path_);
  ASSERT_FALSE(k);
  EXPECT_EQ(k.code(), TsigKeyErrc::kLoosePermissions);
  EXPECT_EQ(k.message(),
            path_ +
                ": TSIG key file is readable by others (mode 0640); make it private with "
                "chmod 600");
}

TEST_F(TsigKeyFile, RefusesAMissingOrMalformedFile) {
  auto missing = read_tsig_key_file(path_ + ".none");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.code(), TsigKeyErrc::kUnreadable);
  EXPECT_NE(missing.message().find(".none: TSIG key file does not exist"), std::string::npos);
  for (const char* bad : {"c2VjcmV0\n", "hmac-sha256::c2VjcmV0\n", "md5:k:c2VjcmV0\n", "\n"}) {
    write(bad, private_);
    auto k = read_tsig_key_file(path_);
    ASSERT_FALSE(k) << bad;
    EXPECT_EQ(k.code(), TsigKeyErrc::kMalformed) << bad;
    EXPECT_NE(k.message().find(path_ + ":1:"), std::string::npos) << k.message();
  }
}

}  // namespace
}  // namespace hitless::net
