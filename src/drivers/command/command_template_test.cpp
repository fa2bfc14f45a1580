#include "drivers/command/command_template.hpp"

#include <gtest/gtest.h>

namespace hitless::drivers {
namespace {

TEST(CommandTemplate, ListsPlaceholdersAndKeepsDoubledBraces) {
  std::string error;
  auto names = template_placeholders("{{\"a\": {params.x}}} on {node.host}", error);
  ASSERT_TRUE(names) << error;
  EXPECT_EQ(*names, (std::vector<std::string>{"params.x", "node.host"}));
  std::string missing;
  auto text = fill_template("{{\"a\": {params.x}}}", {{"params.x", "1"}}, false, missing);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "{\"a\": 1}");
}

TEST(CommandTemplate, StrayBracesAndMissingValuesAreErrors) {
  std::string error;
  EXPECT_FALSE(template_placeholders("a } b", error));
  EXPECT_NE(error.find("closes nothing"), std::string::npos);
  EXPECT_FALSE(template_placeholders("{a b}", error));
  std::string missing;
  EXPECT_FALSE(fill_template("x {params.y}", {}, false, missing));
  EXPECT_EQ(missing, "params.y");
}

TEST(CommandTemplate, ShellQuotingMakesEveryValueOneInertWord) {
  EXPECT_EQ(shell_quote("plain"), "'plain'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  std::string missing;
  auto s =
      fill_template("echo {params.v}", {{"params.v", "a b; rm -rf / $(id) `id`"}}, true, missing);
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, "echo 'a b; rm -rf / $(id) `id`'");
}

}  // namespace
}  // namespace hitless::drivers
