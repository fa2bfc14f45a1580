// The text and JSON forms of an upgrade report.
#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "common/durations.hpp"
#include "report/report.hpp"

namespace hitless::report {
namespace {

using nlohmann::json;

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, f);
  std::vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return buf;
}

std::string utc(double unix_s) {
  if (unix_s <= 0) return "-";
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string joined(const std::vector<std::string>& v, const char* sep = ",") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

std::string dur(double s) { return format_duration(s < 0 ? 0 : s); }

std::string causes(const std::map<std::string, uint64_t>& m) {
  std::string s;
  for (const auto& [k, v] : m)
    if (v > 0) s += (s.empty() ? "" : ", ") + k + " " + std::to_string(v);
  return s.empty() ? "none" : s;
}

std::string role(const std::optional<NodeSnapshot>& s) {
  if (!s) return "?";
  return s->ha_role + (s->owns_shared_ip ? "+IP" : "");
}

json snapshot_json(const std::optional<NodeSnapshot>& s) {
  if (!s) return nullptr;
  return {{"version", s->version},
          {"checksum", s->checksum},
          {"ha_role", s->ha_role},
          {"owns_shared_ip", s->owns_shared_ip}};
}

json step_json(const StepSpan& s) {
  return {{"id", s.id},
          {"verb", s.verb},
          {"title", s.title},
          {"cluster", s.cluster},
          {"targets", s.targets},
          {"phase", s.phase + 1},
          {"state", s.state},
          {"attempts", s.attempts},
          {"start_model_s", s.start_s},
          {"end_model_s", s.end_s},
          {"start_wall", s.start_wall},
          {"end_wall", s.end_wall},
          {"journal_model_s", {s.journal_start_model, s.journal_end_model}},
          {"message", s.message}};
}

void text_timeline(std::ostringstream& o, const Report& r) {
  o << "\nPer-node timeline (model time since the first step; [wall seconds])\n";
  if (r.steps.empty()) o << "  no step has started\n";
  for (const auto& n : r.nodes) {
    o << "  " << n << "\n";
    for (const auto& s : r.steps) {
      if (std::find(s.targets.begin(), s.targets.end(), n) == s.targets.end()) continue;
      const std::string span =
          dur(s.start_s) + " - " + (s.end_wall > 0 ? dur(s.end_s) : std::string("..."));
      const std::string wall = s.end_wall > 0
                                   ? fmt("[%.3f - %.3f]", r.wall_of(s.start_s), r.wall_of(s.end_s))
                                   : fmt("[%.3f - ]", r.wall_of(s.start_s));
      o << fmt("    %-24s %-18s %-10s %s", span.c_str(), wall.c_str(), s.state.c_str(),
               s.id.c_str());
      if (s.attempts > 1) o << fmt(" (%d attempts)", s.attempts);
      o << "\n";
      if (s.state == "failed" && !s.message.empty()) o << "        " << s.message << "\n";
    }
  }
}

void text_clients(std::ostringstream& o, const Report& r) {
  if (!r.clients) return;
  const auto& c = *r.clients;
  o << fmt("\nWhat clients saw (probe of %s for %.1f s wall, %.0f requests/s%s)\n",
           c.target.c_str(), c.duration_s, c.rate, c.interrupted ? ", stopped by a signal" : "");
  o << fmt("  requests     %llu, ok %llu, failed %llu (%s)\n",
           static_cast<unsigned long long>(c.requests), static_cast<unsigned long long>(c.ok),
           static_cast<unsigned long long>(c.failed), causes(c.failures).c_str());
  o << fmt("  longest gap  %s wall = %s model\n", dur(c.max_gap_ms / 1000).c_str(),
           dur(c.max_gap_ms / 1000 / r.time_scale).c_str());
  o << fmt("  sessions     %llu opened, %llu completed, %llu dropped, %llu failed to open\n",
           static_cast<unsigned long long>(c.sessions_opened),
           static_cast<unsigned long long>(c.sessions_completed),
           static_cast<unsigned long long>(c.sessions_dropped),
           static_cast<unsigned long long>(c.session_failures));
  if (!c.answered_by.empty()) o << "  answered by  " << causes(c.answered_by) << "\n";
  if (c.downtime_s && c.outage_ms)
    o << fmt("  downtime     %s model (seen failing for %s wall, %llu failed requests)\n",
             dur(*c.downtime_s).c_str(), dur(*c.outage_ms / 1000).c_str(),
             static_cast<unsigned long long>(c.failed));
  else if (c.downtime_s)
    o << fmt("  downtime     %s model (%llu failed / %.0f per s = %s wall)\n",
             dur(*c.downtime_s).c_str(), static_cast<unsigned long long>(c.failed), c.rate,
             dur(*c.downtime_s * r.time_scale).c_str());
  else
    o << "  downtime     unknown (the probe sent no requests)\n";
}

void text_comparison(std::ostringstream& o, const Report& r) {
  if (!r.predicted && !r.clients) {
    o << fmt("\nMakespan %s model (%s wall), exposure ~%s model\n", dur(r.makespan_s).c_str(),
             dur(r.wall_of(r.makespan_s)).c_str(), dur(r.exposure_s).c_str());
    return;
  }
  const std::string pred_label =
      r.predicted ? "predicted (" + r.predicted->strategy + ")" : "predicted";
  o << fmt("\nPredicted vs measured (model time)\n  %-10s %22s %14s\n", "", pred_label.c_str(),
           "measured");
  // By reference: copying a disengaged optional<double> copies its unset payload, which gcc 12
  // at -O2 reports as maybe-uninitialized once this is inlined (seen in the unity build).
  auto row = [&](const char* name, const std::optional<double>& pred,
                 const std::optional<double>& meas, const char* note) {
    o << fmt("  %-10s %22s %14s  %s\n", name, pred ? dur(*pred).c_str() : "-",
             meas ? dur(*meas).c_str() : "-", note);
  };
  const auto* p = r.predicted ? &*r.predicted : nullptr;
  std::optional<double> down = r.clients ? r.clients->downtime_s : std::nullopt;
  row("downtime", p ? std::optional(p->downtime_s) : std::nullopt, down,
      !r.clients             ? "measured: no probe given"
      : r.clients->outage_ms ? "measured: the probe's outage (failed request to next success)"
                             : "measured: failed requests / rate");
  row("makespan", p ? std::optional(p->makespan_s) : std::nullopt, r.makespan_s,
      "measured: first intent to last outcome");
  row("exposure", p ? std::optional(p->exposure_s) : std::nullopt, r.exposure_s,
      "measured: from the journal (failover broken or a node down)");
}

void text_nodes(std::ostringstream& o, const Report& r) {
  if (r.changes.empty()) return;
  o << "\nNodes before -> after (lab inspect)\n";
  o << fmt("  %-8s %-18s %-24s %s\n", "node", "version", "role", "data checksum");
  for (const auto& c : r.changes) {
    const std::string v =
        (c.before ? c.before->version : "?") + " -> " + (c.after ? c.after->version : "?");
    const std::string roles = role(c.before) + " -> " + role(c.after);
    const std::string sums = (c.before ? c.before->checksum.substr(0, 12) : "?") + " -> " +
                             (c.after ? c.after->checksum.substr(0, 12) : "?");
    o << fmt("  %-8s %-18s %-24s %s  %s\n", c.node.c_str(), v.c_str(), roles.c_str(), sums.c_str(),
             c.data.c_str());
  }
  int unknown = 0;
  for (const auto& c : r.changes) unknown += c.data == "unknown";
  if (r.data_changed())
    o << "Data: CHANGED on at least one node (see above)\n";
  else if (unknown)
    o << "Data: unchanged where both snapshots exist; " << unknown << " node(s) not in both\n";
  else
    o << "Data: unchanged on every node\n";
}

}  // namespace

std::string to_text(const Report& r) {
  std::ostringstream o;
  o << "Upgrade report: " << joined(r.clusters) << " to " << r.target_version << " ("
    << joined(r.strategies) << "), plan " << r.plan_hash.substr(0, 12) << "\n";
  o << "Outcome: " << r.run_state << (r.run_message.empty() ? "" : ": " + r.run_message)
    << fmt(" (%d of %zu steps succeeded", r.steps_in_state("succeeded"), r.plan_steps);
  if (int f = r.steps_in_state("failed")) o << fmt(", %d failed", f);
  o << ")\n";
  o << "Clock: model time since the first step (" << utc(r.start_wall) << "); time scale "
    << fmt("%g", r.time_scale) << ", 1 model minute = " << dur(60 * r.time_scale) << " wall\n";
  text_timeline(o, r);
  text_clients(o, r);
  text_comparison(o, r);
  text_nodes(o, r);
  if (!r.configuration_decisions.empty()) {
    o << "\nConfiguration changed during the run:\n";
    for (const auto& d : r.configuration_decisions) o << "  " << d << "\n";
  }
  if (!r.route_decisions.empty()) {
    o << "\nSteps that took another route:\n";
    for (const auto& d : r.route_decisions) o << "  " << d << "\n";
  }
  return o.str();
}

json to_json(const Report& r) {
  json steps = json::array(), lanes = json::array(), nodes = json::array();
  for (const auto& s : r.steps) steps.push_back(step_json(s));
  for (const auto& n : r.nodes) {
    json ids = json::array();
    for (const auto& s : r.steps)
      if (std::find(s.targets.begin(), s.targets.end(), n) != s.targets.end()) ids.push_back(s.id);
    lanes.push_back({{"node", n}, {"steps", ids}});
  }
  for (const auto& c : r.changes)
    nodes.push_back({{"node", c.node},
                     {"before", snapshot_json(c.before)},
                     {"after", snapshot_json(c.after)},
                     {"data", c.data}});
  json out{{"schema", "hitless.report/1"},
           {"plan",
            {{"hash", r.plan_hash},
             {"target_version", r.target_version},
             {"clusters", r.clusters},
             {"strategies", r.strategies},
             {"time_scale", r.time_scale},
             {"steps", r.plan_steps}}},
           {"run",
            {{"state", r.run_state},
             {"message", r.run_message},
             {"start_unix", r.start_wall},
             {"succeeded", r.steps_in_state("succeeded")},
             {"failed", r.steps_in_state("failed")}}},
           {"steps", steps},
           {"configuration_decisions", r.configuration_decisions},
           {"route_decisions", r.route_decisions},
           {"timeline", lanes},
           {"measured",
            {{"makespan_s", r.makespan_s},
             {"makespan_wall_s", r.wall_of(r.makespan_s)},
             {"exposure_s", r.exposure_s},
             {"downtime_s",
              r.clients && r.clients->downtime_s ? json(*r.clients->downtime_s) : json(nullptr)}}},
           {"predicted", nullptr},
           {"clients", nullptr},
           {"nodes", nodes},
           {"data_changed", r.data_changed()}};
  if (r.predicted)
    out["predicted"] = {{"strategy", r.predicted->strategy},
                        {"outcome", r.predicted->outcome},
                        {"downtime_s", r.predicted->downtime_s},
                        {"makespan_s", r.predicted->makespan_s},
                        {"exposure_s", r.predicted->exposure_s}};
  if (r.clients) {
    const auto& c = *r.clients;
    json series = json::array();
    for (const auto& b : c.series)
      series.push_back({{"start_model_s", b.start_s},
                        {"end_model_s", b.end_s},
                        {"ok", b.ok},
                        {"failed", b.failed},
                        {"sessions_open", b.sessions_open}});
    out["clients"] = {{"target", c.target},
                      {"duration_s", c.duration_s},
                      {"start_unix", c.start_unix},
                      {"rate", c.rate},
                      {"requests", c.requests},
                      {"ok", c.ok},
                      {"failed", c.failed},
                      {"failures", c.failures},
                      {"max_gap_ms", c.max_gap_ms},
                      {"max_gap_model_s", c.max_gap_ms / 1000 / r.time_scale},
                      {"sessions_opened", c.sessions_opened},
                      {"sessions_completed", c.sessions_completed},
                      {"sessions_dropped", c.sessions_dropped},
                      {"session_failures", c.session_failures},
                      {"answered_by", c.answered_by},
                      {"interrupted", c.interrupted},
                      {"downtime_s", c.downtime_s ? json(*c.downtime_s) : json(nullptr)},
                      {"series", series}};
  }
  return out;
}

}  // namespace hitless::report
