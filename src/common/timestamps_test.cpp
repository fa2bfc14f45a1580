#include "common/timestamps.hpp"

#include <gtest/gtest.h>

namespace hitless {

TEST(Timestamps, ParsesUtcAndRoundTrips) {
  EXPECT_EQ(parse_utc_timestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_utc_timestamp("2026-12-01T01:00:00Z"), 1796086800);
  EXPECT_EQ(parse_utc_timestamp("2028-02-29T23:59:59Z"), 1835481599);
  for (const char* t : {"2026-12-01T01:00:00Z", "2028-02-29T23:59:59Z", "2000-03-01T12:34:56Z",
                        "9999-12-31T23:59:59Z"})
    EXPECT_EQ(format_utc_timestamp(*parse_utc_timestamp(t)), t);
}

TEST(Timestamps, RefusesOtherFormsAndImpossibleDates) {
  for (const char* t : {"", "2026-12-01", "2026-12-01T01:00:00", "2026-12-01T01:00Z",
                        "2026-12-01 01:00:00Z", "2026-12-01T01:00:00+01:00", "2026-13-01T01:00:00Z",
                        "2026-02-29T01:00:00Z", "2026-12-01T24:00:00Z", "2026-12-01T01:60:00Z",
                        "1969-12-31T23:59:59Z", "2026-1a-01T01:00:00Z"})
    EXPECT_FALSE(parse_utc_timestamp(t)) << t;
}

}  // namespace hitless
