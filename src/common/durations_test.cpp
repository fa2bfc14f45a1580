#include "common/durations.hpp"

#include <gtest/gtest.h>

namespace hitless {

TEST(Durations, ParsesUnitsAndCompounds) {
  EXPECT_DOUBLE_EQ(*parse_duration("90"), 90);
  EXPECT_DOUBLE_EQ(*parse_duration("90s"), 90);
  EXPECT_DOUBLE_EQ(*parse_duration("30m"), 1800);
  EXPECT_DOUBLE_EQ(*parse_duration("1h30m"), 5400);
  EXPECT_DOUBLE_EQ(*parse_duration("250ms"), 0.25);
  EXPECT_DOUBLE_EQ(*parse_duration("1.5h"), 5400);
  EXPECT_DOUBLE_EQ(*parse_duration("1d"), 86400);
}

TEST(Durations, RejectsGarbage) {
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("soon"));
  EXPECT_FALSE(parse_duration("5 parsecs"));
  EXPECT_FALSE(parse_duration("-3s"));
  EXPECT_FALSE(parse_duration("1h30"));
}

TEST(Durations, FormatsReadably) {
  EXPECT_EQ(format_duration(0.12), "120ms");
  EXPECT_EQ(format_duration(5400), "1h 30m");
  EXPECT_EQ(format_duration(61), "1m 1s");
}

}  // namespace hitless
