#include "model/version.hpp"

#include <gtest/gtest.h>

namespace hitless {

Version v(const char* s) { return *Version::parse(s); }

TEST(Version, OrdersNumericallyNotLexically) {
  EXPECT_LT(v("7.9.3"), v("7.10.0"));
  EXPECT_LT(v("23.2R1.13"), v("23.4R1"));
  EXPECT_EQ(v("7.1"), v("7.1.0"));
  EXPECT_LT(v("7.1.0"), v("7.1.1"));
}

TEST(Version, RejectsJunk) {
  EXPECT_FALSE(Version::parse(""));
  EXPECT_FALSE(Version::parse("latest"));
  EXPECT_FALSE(Version::parse("7.1;rm"));
}

TEST(Version, PrefixMatchRespectsComponentBoundaries) {
  EXPECT_TRUE(v("7.1.4").matches_prefix("7.1"));
  EXPECT_FALSE(v("7.10.0").matches_prefix("7.1"));
  EXPECT_TRUE(v("7.1").matches_prefix("7.1"));
}

}  // namespace hitless
