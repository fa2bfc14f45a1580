#pragma once
// UTC timestamps in the one ISO-8601 form hitless reads and writes: "2026-12-01T01:00:00Z"
// (seconds precision, always UTC, always the 'Z'). Used by maintenance windows in the policy.
// Pure functions on seconds since the Unix epoch; no clock is read here.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hitless {

// Seconds since 1970-01-01T00:00:00Z, or nullopt unless `text` is exactly YYYY-MM-DDTHH:MM:SSZ
// naming a real date and time (years 1970..9999; no leap seconds).
std::optional<std::int64_t> parse_utc_timestamp(std::string_view text);
// The inverse: "2026-12-01T01:00:00Z".
std::string format_utc_timestamp(std::int64_t seconds);

}  // namespace hitless
