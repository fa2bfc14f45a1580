// Probe report output: JSON for machines, a few lines for people. Pure.

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "probe/probe.hpp"

namespace hitless::probe {

nlohmann::json to_json(const ProbeReport& r) {
  nlohmann::json series = nlohmann::json::array();
  for (const auto& b : r.series) {
    series.push_back(
        {{"t", b.t}, {"ok", b.ok}, {"failed", b.failed}, {"sessions_open", b.sessions_open}});
  }
  return {
      {"target", r.target},
      {"duration_s", r.duration_s},
      {"start_unix", r.start_unix},
      {"requests", r.requests},
      {"ok", r.ok},
      {"failed", r.failed},
      {"failures", nlohmann::json(r.failures_by_cause)},
      {"max_gap_ms", r.max_gap_ms},
      {"max_outage_ms", r.max_outage_ms},
      {"outage_ms", r.outage_ms},
      {"sessions_opened", r.sessions_opened},
      {"sessions_dropped", r.sessions_dropped},
      {"sessions_completed", r.sessions_completed},
      {"session_failures", r.session_failures},
      {"sessions_still_open", r.sessions_still_open},
      {"sessions_transferred", r.sessions_transferred},
      {"answered_by", nlohmann::json(r.answered_by)},
      {"interrupted", r.interrupted},
      {"dns_lookups", r.dns_lookups},
      {"resolved_to", nlohmann::json(r.resolved_to)},
      {"series", std::move(series)},
  };
}

std::string to_text(const ProbeReport& r) {
  std::ostringstream out;
  char line[160];
  std::snprintf(line, sizeof line, "probe %s for %.1f s%s\n", r.target.c_str(), r.duration_s,
                r.interrupted ? " (interrupted)" : "");
  out << line;
  if (r.requests == 0) {
    out << "requests: none\n";
  } else {
    double pct = 100.0 * static_cast<double>(r.ok) / static_cast<double>(r.requests);
    std::snprintf(line, sizeof line,
                  "requests: %llu, ok %llu (%.1f%%), failed %llu; longest gap without success "
                  "%.0f ms\n",
                  static_cast<unsigned long long>(r.requests),
                  static_cast<unsigned long long>(r.ok), pct,
                  static_cast<unsigned long long>(r.failed), r.max_gap_ms);
    out << line;
  }
  if (r.failed) {
    std::snprintf(line, sizeof line, "seen failing: longest %.0f ms, %.0f ms in all\n",
                  r.max_outage_ms, r.outage_ms);
    out << line;
  }
  if (!r.failures_by_cause.empty()) {
    out << "failures:";
    for (const auto& [cause, n] : r.failures_by_cause) out << ' ' << cause << '=' << n;
    out << '\n';
  }
  if (!r.answered_by.empty()) {
    out << "answered by:";
    for (const auto& [node, n] : r.answered_by) out << ' ' << node << '=' << n;
    out << '\n';
  }
  if (r.dns_lookups) {
    out << "dns: " << r.dns_lookups << " lookups, resolved to:";
    for (const auto& [address, n] : r.resolved_to) out << ' ' << address << '=' << n;
    out << '\n';
  }
  if (r.sessions_opened || r.session_failures) {
    out << "sessions: " << r.sessions_opened << " opened, " << r.sessions_completed
        << " completed, " << r.sessions_dropped << " dropped, " << r.sessions_still_open
        << " still open at the end, " << r.session_failures << " failed to open, "
        << r.sessions_transferred << " transferred\n";
  }
  return out.str();
}

}  // namespace hitless::probe
