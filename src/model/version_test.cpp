#include "model/version.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace hitless {

Version v(const char* s) {
  auto parsed = Version::parse(s);
  if (!parsed) ADD_FAILURE() << s << " should parse";
  return parsed.value_or(*Version::parse("0"));
}

TEST(Version, DottedOrdersNumericallyNotLexically) {
  EXPECT_LT(v("7.9.3"), v("7.10.0"));
  EXPECT_EQ(v("7.1"), v("7.1.0"));
  EXPECT_LT(v("7.1.0"), v("7.1.1"));
  EXPECT_EQ(v("1").scheme(), VersionScheme::kDotted);
}

TEST(Version, PulseAndJunosReleasesOrderByMajorMinorReleaseBuild) {
  std::vector<Version> sorted = {v("10.3R2.11"), v("7.1R2"), v("6.0R3.1"),   v("7.1R1"),
                                 v("10.1R1.8"),  v("6.0R3"), v("23.2R1.13"), v("10.3R2.2")};
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> texts;
  for (const auto& x : sorted) texts.push_back(x.str());
  EXPECT_EQ(texts, (std::vector<std::string>{"6.0R3", "6.0R3.1", "7.1R1", "7.1R2", "10.1R1.8",
                                             "10.3R2.2", "10.3R2.11", "23.2R1.13"}));
  EXPECT_EQ(v("10.3R2.11").scheme(), VersionScheme::kRelease);
}

TEST(Version, BeyondTrustBaseAndBomgarSchemes) {
  EXPECT_LT(v("Base 3.2.4"), v("Base 3.3.2"));
  EXPECT_LT(v("Base 3.3.2"), v("Base 3.10.0"));
  EXPECT_EQ(v("Base 3.3.2").scheme(), VersionScheme::kBase);
  EXPECT_LT(v("Bomgar-11.1.5"), v("Bomgar-12.2.0"));
  EXPECT_EQ(v("Bomgar-12.2.0").scheme(), VersionScheme::kBomgar);
}

TEST(Version, LtsLabelNamesAChannelAndKeepsNumericOrder) {
  EXPECT_LT(v("5.0.4"), v("7.0.2.1 LTS"));
  EXPECT_TRUE(v("7.0.2.1 LTS").lts());
  EXPECT_LT(v("7.0.2.1 LTS"), v("7.0.3"));
  EXPECT_EQ(v("7.0.2.1 LTS").str(), "7.0.2.1 LTS");
}

TEST(Version, RefusesUnknownForms) {
  for (const char* bad : {"",           "latest",    "7.1;rm",        "7.",
                          ".7",         "7..1",      "6.0.1-LTS",     "7.0 lts",
                          "base 3.3.2", "Base3.3.2", "Bomgar 12.2.0", "7R2",
                          "1.2.3R4",    "7.1R",      "7.1R2.3.4",     "7.1R2 LTS",
                          "v7.1",       "7.1.0 ",    " 7.1.0",        "99999999999.1"})
    EXPECT_FALSE(Version::parse(bad)) << bad;
}

TEST(Version, PrefixMatchRespectsComponentBoundaries) {
  EXPECT_TRUE(v("7.1.4").matches_prefix("7.1"));
  EXPECT_FALSE(v("7.10.0").matches_prefix("7.1"));
  EXPECT_TRUE(v("7.1").matches_prefix("7.1"));
  EXPECT_TRUE(v("7.1R2").matches_prefix("7.1"));
  EXPECT_TRUE(v("7.1R2").matches_prefix("7.1R2"));
  EXPECT_TRUE(v("Base 3.2.4").matches_prefix("Base 3.2"));
  EXPECT_TRUE(v("7.0.2.1 LTS").matches_prefix("7.0.2.1"));
  EXPECT_FALSE(v("7.1.0").matches_prefix(""));
}

}  // namespace hitless
