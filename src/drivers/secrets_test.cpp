#include "drivers/secrets.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace hitless::drivers {
namespace {

std::string plant(const std::string& name, const std::string& text, mode_t mode) {
  const std::string path = ::testing::TempDir() + "/" + name + "." + std::to_string(::getpid());
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
  return path;
}

TEST(Secrets, OwnerOnlyFileIsReadWithoutItsNewline) {
  const auto path = plant("ok.token", "s3cret-value\n", 0600);
  auto s = read_secret_file(path, "node a: token_file");
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(*s, "s3cret-value");
  ::unlink(path.c_str());
}

TEST(Secrets, FileOthersCanReadIsRefusedNamingModeAndFix) {
  const auto path = plant("loose.token", "s3cret-value\n", 0644);
  auto s = read_secret_file(path, "node a: token_file");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("node a: token_file: " + path + " has mode 644"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("chmod 600 " + path), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("s3cret"), std::string::npos);
  ::chmod(path.c_str(), 0640);
  EXPECT_FALSE(read_secret_file(path, "x").ok());  // group-readable too
  ::unlink(path.c_str());
}

TEST(Secrets, EnvironmentVariable) {
  ::setenv("HITLESS_TEST_SECRET", "from-env", 1);
  auto s = read_secret_env("HITLESS_TEST_SECRET", "p");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "from-env");
  ::unsetenv("HITLESS_TEST_SECRET");
  auto missing = read_secret_env("HITLESS_TEST_SECRET", "profile p");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("HITLESS_TEST_SECRET is not set"), std::string::npos);
}

TEST(Secrets, RedactorBlanksEveryOccurrenceInTextAndJson) {
  SecretRedactor r;
  r.add("tok-123456");
  EXPECT_EQ(r.redact("a tok-123456 b tok-123456"), "a [secret] b [secret]");
  const auto j = r.redact_json(nlohmann::json{{"h", {"Bearer tok-123456"}}, {"n", 1}});
  EXPECT_EQ(j.dump(), R"({"h":["Bearer [secret]"],"n":1})");
}

}  // namespace
}  // namespace hitless::drivers
