#include "common/durations.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace hitless {

std::optional<double> parse_duration(std::string_view text) {
  std::string s(text);
  if (s.empty()) return std::nullopt;
  double total = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    if (i == s.size()) break;
    const char* begin = s.c_str() + i;
    char* end = nullptr;
    const double v = std::strtod(begin, &end);
    if (end == begin || !std::isfinite(v) || v < 0) return std::nullopt;
    i += static_cast<std::size_t>(end - begin);
    std::string unit;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) unit += s[i++];
    double mult = 0;
    if (unit.empty() || unit == "s")
      mult = 1;
    else if (unit == "ms")
      mult = 0.001;
    else if (unit == "m" || unit == "min")
      mult = 60;
    else if (unit == "h")
      mult = 3600;
    else if (unit == "d")
      mult = 86400;
    else
      return std::nullopt;
    if (unit.empty() && any) return std::nullopt;  // "1h30" is ambiguous
    total += v * mult;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

std::string format_duration(double seconds) {
  char buf[64];
  if (seconds < 1) {
    std::snprintf(buf, sizeof buf, "%.0fms", seconds * 1000);
    return buf;
  }
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, seconds < 10 ? "%.2fs" : "%.1fs", seconds);
    return buf;
  }
  long total = std::lround(seconds);
  const long h = total / 3600, m = (total % 3600) / 60, sec = total % 60;
  std::string out;
  if (h) out += std::to_string(h) + "h";
  if (m) out += (out.empty() ? "" : " ") + std::to_string(m) + "m";
  if (sec) out += (out.empty() ? "" : " ") + std::to_string(sec) + "s";
  return out;
}

}  // namespace hitless
