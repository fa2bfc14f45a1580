// build_report: lines up the journal, the probe, the simulation and the inspect snapshots on one
// clock (model seconds since the run's first intent).
#include <algorithm>

#include "report/report.hpp"

namespace hitless::report {
namespace {

using nlohmann::json;

Error<ReportErrc> bad(const std::string& file, const std::string& what) {
  return make_error(ReportErrc::kBadInput, file + ": " + what);
}

// The nodes of each cluster, as the plan's steps name them, in order of first mention.
std::map<std::string, std::vector<std::string>> cluster_nodes(const plan::Plan& p) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& s : p.steps)
    for (const auto& t : s.targets) {
      auto& v = out[s.cluster];
      if (std::find(v.begin(), v.end(), t) == v.end()) v.push_back(t);
    }
  return out;
}

StepSpan span_of(const plan::Step& s, const std::string& id, const journal::StepRecord& rec,
                 double w0, double scale,
                 const std::map<std::string, std::vector<std::string>>& members) {
  StepSpan sp;
  sp.id = id;
  const bool undo = id.rfind("undo:", 0) == 0 && s.undo;
  sp.verb = plan::to_string(undo ? s.undo->verb : s.verb);
  sp.title = undo ? "undo: " + s.undo->title : s.title;
  sp.cluster = s.cluster;
  sp.targets = undo ? s.undo->targets : s.targets;
  if (sp.targets.empty())
    if (auto it = members.find(s.cluster); it != members.end()) sp.targets = it->second;
  const json& params = undo ? s.undo->params : s.params;
  if (params.is_object() && params.contains("package") && params["package"].is_string())
    sp.package = params["package"];
  if (params.is_object() && params.contains("to") && params["to"].is_string())
    sp.traffic_to = params["to"];
  sp.phase = s.phase;
  sp.state = journal::to_string(rec.state);
  sp.attempts = rec.attempts;
  sp.start_wall = rec.intent_wall;
  sp.end_wall = rec.outcome_wall;
  sp.journal_start_model = rec.intent_model;
  sp.journal_end_model = rec.outcome_model;
  sp.start_s = (rec.intent_wall - w0) / scale;
  sp.end_s =
      rec.outcome_wall > 0 ? std::max(sp.start_s, (rec.outcome_wall - w0) / scale) : sp.start_s;
  sp.message = rec.message;
  return sp;
}

// Union length of intervals.
double covered(std::vector<std::pair<double, double>> v) {
  std::sort(v.begin(), v.end());
  double total = 0, cur_a = 0, cur_b = 0;
  bool open = false;
  for (const auto& [a, b] : v) {
    if (!open || a > cur_b) {
      if (open) total += cur_b - cur_a;
      cur_a = a, cur_b = b, open = true;
    } else {
      cur_b = std::max(cur_b, b);
    }
  }
  return open ? total + cur_b - cur_a : total;
}

// Like the simulator's exposure: per cluster of two or more nodes, the time between a break of
// the failover relation and its re-establishment, plus the time a node was installing,
// rebooting or powered off.
double exposure(const Report& r, const std::map<std::string, std::vector<std::string>>& members,
                double end) {
  double total = 0;
  for (const auto& [cluster, nodes] : members) {
    if (nodes.size() < 2) continue;
    std::vector<std::pair<double, double>> v;
    // A flag and a plain double rather than std::optional<double>: GCC 12 at -O2 reports the
    // optional's value as maybe-uninitialized here (a false positive that -Werror turns fatal).
    bool broken = false;
    double broken_since = 0;
    for (const auto& s : r.steps) {
      if (s.cluster != cluster) continue;
      if (s.verb == "break-ha" && s.state == "succeeded" && !broken) {
        broken = true;
        broken_since = s.start_s;
      }
      if (s.verb == "establish-ha" && s.state == "succeeded" && broken) {
        v.push_back({broken_since, s.end_s});
        broken = false;
      }
      if (s.verb == "install" || s.verb == "reboot" || s.verb == "power-off")
        v.push_back({s.start_s, s.end_s});
    }
    if (broken) v.push_back({broken_since, end});
    total += covered(std::move(v));
  }
  return total;
}

Result<ClientView, ReportErrc> parse_probe(const json& j, const std::string& file, double w0,
                                           double scale) {
  if (!j.is_object() || !j.contains("requests") || !j.contains("series"))
    return bad(file,
               "not a probe report (`hitless probe --format json`): no 'requests' or 'series'");
  try {
    ClientView c;
    c.target = j.value("target", "");
    c.duration_s = j.at("duration_s").get<double>();
    c.start_unix = j.value("start_unix", 0.0);
    c.requests = j.at("requests").get<uint64_t>();
    c.ok = j.value("ok", c.requests - j.at("failed").get<uint64_t>());
    c.failed = j.at("failed").get<uint64_t>();
    c.failures = j.value("failures", std::map<std::string, uint64_t>{});
    c.max_gap_ms = j.value("max_gap_ms", 0.0);
    c.sessions_opened = j.value("sessions_opened", uint64_t{0});
    c.sessions_dropped = j.value("sessions_dropped", uint64_t{0});
    c.sessions_completed = j.value("sessions_completed", uint64_t{0});
    c.session_failures = j.value("session_failures", uint64_t{0});
    c.answered_by = j.value("answered_by", std::map<std::string, uint64_t>{});
    c.interrupted = j.value("interrupted", false);
    c.rate = c.duration_s > 0 ? static_cast<double>(c.requests) / c.duration_s : 0;
    if (j.contains("outage_ms")) c.outage_ms = j.at("outage_ms").get<double>();
    if (c.outage_ms && c.requests > 0)
      c.downtime_s = *c.outage_ms / 1000 / scale;
    else if (c.rate > 0)
      c.downtime_s = static_cast<double>(c.failed) / c.rate / scale;
    const double origin =
        c.start_unix > 0 && w0 > 0 ? c.start_unix : w0;  // no start: assume the run's
    for (const auto& b : j.at("series")) {
      ClientBucket cb;
      const double t = b.at("t").get<double>();
      cb.start_s = (origin + t - w0) / scale;
      cb.end_s = (origin + std::min(t + 1, std::max(c.duration_s, t + 0.001)) - w0) / scale;
      cb.ok = b.at("ok").get<uint64_t>();
      cb.failed = b.at("failed").get<uint64_t>();
      cb.sessions_open = b.value("sessions_open", uint64_t{0});
      c.series.push_back(cb);
    }
    return c;
  } catch (const json::exception& e) {
    return bad(file, std::string("not a probe report: ") + e.what());
  }
}

Result<Prediction, ReportErrc> parse_simulation(const json& in, const std::string& file,
                                                const Report& r) {
  const json* j = &in;
  if (in.is_object() && in.contains("comparison") && in["comparison"].is_array() &&
      !in["comparison"].empty()) {
    // Several strategies compared: take the one the run used.
    j = &in["comparison"][0];
    const std::string used = [&] {
      std::string s;
      for (const auto& x : r.strategies) s += (s.empty() ? "" : ",") + x;
      return s;
    }();
    for (const auto& c : in["comparison"])
      if (c.is_object() && c.value("strategy", "") == used) j = &c;
  }
  if (!j->is_object() || !j->contains("downtime_s") || !j->contains("timeline"))
    return bad(file,
               "not a simulation result (`hitless simulate --format json`): no 'downtime_s' or "
               "'timeline'");
  try {
    Prediction p;
    p.strategy = j->value("strategy", "");
    p.outcome = j->value("outcome", "");
    p.downtime_s = j->at("downtime_s").get<double>();
    p.makespan_s = j->at("makespan_s").get<double>();
    p.exposure_s = j->at("exposure_s").get<double>();
    for (const auto& n : j->at("timeline")) {
      auto& segs = p.nodes[n.at("node").get<std::string>()];
      for (const auto& s : n.at("segments"))
        segs.push_back({s.at("start_s").get<double>(), s.at("end_s").get<double>(),
                        s.at("state").get<std::string>(), s.value("version", ""),
                        s.value("holds_service", false)});
    }
    return p;
  } catch (const json::exception& e) {
    return bad(file, std::string("not a simulation result: ") + e.what());
  }
}

Result<std::map<std::string, NodeSnapshot>, ReportErrc> parse_inspect(const json& j,
                                                                      const std::string& file) {
  if (!j.is_object() || !j.contains("nodes") || !j["nodes"].is_array())
    return bad(file, "not a lab snapshot (`hitless lab inspect --format json`): no 'nodes' list");
  try {
    std::map<std::string, NodeSnapshot> out;
    for (const auto& n : j["nodes"]) {
      NodeSnapshot s;
      s.version = n.value("version", "");
      s.checksum = n.at("data").at("checksum").get<std::string>();
      s.ha_role = n.contains("ha") ? n["ha"].value("role", "none") : "none";
      s.owns_shared_ip = n.value("owns_shared_ip", false);
      out[n.at("name").get<std::string>()] = s;
    }
    return out;
  } catch (const json::exception& e) {
    return bad(file, std::string("not a lab snapshot: ") + e.what());
  }
}

}  // namespace

int Report::steps_in_state(const std::string& state) const {
  return static_cast<int>(std::count_if(steps.begin(), steps.end(),
                                        [&](const StepSpan& s) { return s.state == state; }));
}

bool Report::data_changed() const {
  return std::any_of(changes.begin(), changes.end(),
                     [](const NodeChange& c) { return c.data == "CHANGED"; });
}

Result<Report, ReportErrc> build_report(const ReportInputs& in) {
  Report r;
  const plan::Plan& p = in.plan;
  r.plan_hash = plan::plan_hash(p);
  r.target_version = p.target_version;
  r.clusters = p.clusters;
  r.strategies = p.strategies;
  r.time_scale = p.time_scale > 0 ? p.time_scale : 1;
  r.plan_steps = p.steps.size();
  for (const auto& e : in.events) {
    if (e.kind == "config-changed" || e.kind == "config-carried-over" ||
        e.kind == "config-discarded")
      r.configuration_decisions.push_back(e.kind.substr(7) + ": " + e.message);
    if (e.kind == "route") r.route_decisions.push_back(e.step_id + ": " + e.message);
  }
  r.run_state = in.run.state;
  r.run_message = in.run.message;
  const auto members = cluster_nodes(p);
  for (const auto& [cluster, nodes] : members)
    for (const auto& n : nodes)
      if (std::find(r.nodes.begin(), r.nodes.end(), n) == r.nodes.end()) r.nodes.push_back(n);

  double w0 = 0, last = 0;
  for (const auto& [id, rec] : in.steps)
    if (rec.intent_wall > 0 && (w0 == 0 || rec.intent_wall < w0)) w0 = rec.intent_wall;
  r.start_wall = w0;
  for (const auto& [id, rec] : in.steps) {
    if (rec.intent_wall <= 0) continue;
    const std::string plain = id.rfind("undo:", 0) == 0 ? id.substr(5) : id;
    const plan::Step* s = p.find(plain);
    if (!s)
      return make_error(ReportErrc::kBadInput,
                        "journal step " + id + " is not in the journal's plan");
    r.steps.push_back(span_of(*s, id, rec, w0, r.time_scale, members));
    last = std::max(last, r.steps.back().end_s);
  }
  std::sort(r.steps.begin(), r.steps.end(), [](const StepSpan& a, const StepSpan& b) {
    return a.start_s != b.start_s ? a.start_s < b.start_s : a.id < b.id;
  });
  r.makespan_s = last;
  r.exposure_s = exposure(r, members, last);

  if (in.probe) {
    auto c = parse_probe(*in.probe, in.probe_file, w0, r.time_scale);
    if (!c) return c.error();
    r.clients = std::move(*c);
  }
  if (in.simulation) {
    auto s = parse_simulation(*in.simulation, in.simulation_file, r);
    if (!s) return s.error();
    r.predicted = std::move(*s);
  }
  std::map<std::string, NodeSnapshot> before, after;
  if (in.before) {
    auto b = parse_inspect(*in.before, in.before_file);
    if (!b) return b.error();
    before = std::move(*b);
  }
  if (in.after) {
    auto a = parse_inspect(*in.after, in.after_file);
    if (!a) return a.error();
    after = std::move(*a);
  }
  std::vector<std::string> names = r.nodes;
  for (const auto* m : {&before, &after})
    for (const auto& [n, snap] : *m)
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  if (!before.empty() || !after.empty())
    for (const auto& n : names) {
      NodeChange c{n, std::nullopt, std::nullopt, "unknown"};
      if (auto it = before.find(n); it != before.end()) c.before = it->second;
      if (auto it = after.find(n); it != after.end()) c.after = it->second;
      if (c.before && c.after)
        c.data = c.before->checksum == c.after->checksum ? "unchanged" : "CHANGED";
      r.changes.push_back(std::move(c));
    }
  return r;
}

}  // namespace hitless::report
