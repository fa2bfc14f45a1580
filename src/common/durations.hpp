#pragma once
// Parsing and printing of human durations ("90s", "30m", "1h30m", "250ms", "1.5h") and sizes.
// Used by every YAML front end so "install: 30m" means the same everywhere. Pure functions.

#include <optional>
#include <string>
#include <string_view>

namespace hitless {

// Seconds, or nullopt when the text is not a duration. A bare number means seconds.
std::optional<double> parse_duration(std::string_view text);
// "1h 30m 5s", "2.5s", "120ms": the shortest readable form.
std::string format_duration(double seconds);

}  // namespace hitless
