#include "report/svg_timeline.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

#include "common/durations.hpp"
#include "report/svg_canvas.hpp"
#include "report/svg_style.hpp"

namespace hitless::report {
namespace {

constexpr double kLeft = 150;  // label column
constexpr double kRightPad = 24;
constexpr double kLaneH = 30;    // measured lane
constexpr double kPredH = 16;    // predicted lane
constexpr double kClientH = 64;  // client lane
constexpr double kGap = 8;
constexpr const char* kGrey = "#6b7280";

std::string signed_dur(double s) {
  if (std::fabs(s) < 1e-6) return "0";
  return s < 0 ? "-" + format_duration(-s) : format_duration(s);
}

struct Axis {
  double t0 = 0, t1 = 1, x0 = 0, x1 = 1;
  double x(double t) const { return x0 + (t - t0) / (t1 - t0) * (x1 - x0); }
};

double tick_step(double range) {
  static const double kSteps[] = {1,     2,     5,     10,    15,     30,    60,
                                  120,   300,   600,   900,   1800,   3600,  7200,
                                  10800, 21600, 43200, 86400, 172800, 604800};
  for (double s : kSteps)
    if (range / s <= 10) return s;
  return std::ceil(range / 10 / 604800) * 604800;
}

std::string bar_label(const StepSpan& s, double width) {
  const std::string verb = s.verb == "switch-traffic" ? "switch traffic" : s.verb;
  for (const std::string& c : {s.package.empty() ? verb : verb + " " + s.package, verb})
    if (SvgCanvas::text_width(c, 10) + 8 <= width) return c;
  return "";
}

std::string number_text(const char* f, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, a);
  return buf;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

void draw_header(SvgCanvas& c, const Report& r) {
  std::string title = "Upgrade of " + join(r.clusters) + " to " + r.target_version + " (" +
                      join(r.strategies) + "): " + r.run_state;
  c.text(16, 30, title, 19, "#111", "font-weight=\"bold\"");
  std::string h;
  if (r.clients && r.clients->downtime_s)
    h = "downtime " + format_duration(*r.clients->downtime_s) + " measured";
  if (r.predicted)
    h += (h.empty() ? "downtime " : ", ") + format_duration(r.predicted->downtime_s) + " predicted";
  h += (h.empty() ? "" : "  ·  ") + std::string("makespan ") + format_duration(r.makespan_s);
  if (r.predicted) h += " (predicted " + format_duration(r.predicted->makespan_s) + ")";
  if (r.clients)
    h += "  ·  " + std::to_string(r.clients->requests) + " requests, " +
         std::to_string(r.clients->failed) + " failed, longest gap " +
         format_duration(r.clients->max_gap_ms / 1000) + " wall";
  if (!r.changes.empty()) h += r.data_changed() ? "  ·  data CHANGED" : "  ·  data unchanged";
  c.text(16, 54, h, 13, "#111");
  std::string sub = "x: model time since the first step (wall seconds below); time scale " +
                    number_text("%g", r.time_scale) +
                    ", 1 model minute = " + format_duration(60 * r.time_scale) + " wall; plan " +
                    r.plan_hash.substr(0, 12);
  c.text(16, 74, sub, 11, kGrey);
}

void draw_axis(SvgCanvas& c, const Axis& a, double time_scale, double y, double bottom) {
  const double step = tick_step(a.t1 - a.t0);
  for (double t = std::ceil(a.t0 / step) * step; t <= a.t1 + 1e-9; t += step) {
    const double x = a.x(t);
    c.line(x, y + 22, x, bottom, "#e5e7eb", 1);
    c.text(x, y, signed_dur(t), 11, "#111", "text-anchor=\"middle\"");
    if (time_scale != 1)
      c.text(x, y + 13, signed_dur(t * time_scale), 9.5, kGrey, "text-anchor=\"middle\"");
  }
  c.line(a.x0, y + 22, a.x1, y + 22, "#9ca3af", 1);
}

void section(SvgCanvas& c, double y, const std::string& s) {
  c.text(16, y, s, 12, "#374151", "font-weight=\"bold\"");
}

void lane_label(SvgCanvas& c, double y, double h, const std::string& name, const std::string& sub) {
  const double mid = y + h / 2;
  if (sub.empty()) {
    c.text(24, mid + 4.5, name, 13, "#111", "font-weight=\"bold\"");
  } else {
    c.text(24, mid - 1, name, 13, "#111", "font-weight=\"bold\"");
    c.text(24, mid + 11, sub, 9.5, kGrey);
  }
}

// Short steps that matter to people (traffic moves, failover changes, approvals) and phase starts,
// drawn as lines across the node lanes with labels staggered over rows so they do not overlap.
struct Mark {
  double x = 0;
  std::string label, colour;
  bool dashed = false;
  bool label_left = false;  // near the right edge the label goes before the line
  int row = 0;
};
constexpr int kMarkRows = 3;
constexpr double kMarkRowH = 13;

std::vector<Mark> milestones(const Report& r, const Axis& a) {
  std::vector<Mark> m;
  std::map<int, double> phase_start;
  for (const auto& s : r.steps) {
    if (s.id.rfind("undo:", 0) != 0 &&
        (!phase_start.count(s.phase) || s.start_s < phase_start[s.phase]))
      phase_start[s.phase] = s.start_s;
    std::string label;
    if (s.verb == "switch-traffic")
      label = s.traffic_to.empty() ? "traffic switch" : "traffic → " + s.traffic_to;
    else if (s.verb == "break-ha")
      label = "failover broken";
    else if (s.verb == "establish-ha")
      label = "failover re-established";
    else if (s.verb == "approval")
      label = "approved";
    if (s.state == "failed") label = "FAILED: " + s.id;
    if (!label.empty())
      m.push_back({a.x(s.start_s), label, s.state == "failed" ? "#b91c1c" : verb_colour(s.verb)});
  }
  for (const auto& [phase, t] : phase_start)
    if (phase > 0) m.push_back({a.x(t), "phase " + std::to_string(phase + 1), "#374151", true});
  std::sort(m.begin(), m.end(), [](const Mark& x, const Mark& y) { return x.x < y.x; });
  double row_end[kMarkRows] = {-1e9, -1e9, -1e9};
  for (auto& k : m) {
    const double w = SvgCanvas::text_width(k.label, 10);
    k.label_left = k.x + 3 + w > a.x1;
    const double left = k.label_left ? k.x - 3 - w : k.x;
    k.row = -1;
    for (int i = 0; i < kMarkRows && k.row < 0; ++i)
      if (left >= row_end[i]) k.row = i;
    if (k.row >= 0) row_end[k.row] = std::max(k.x, left + w) + 10;
  }
  return m;
}

double draw_measured(SvgCanvas& c, const Report& r, const Axis& a, double y) {
  const auto marks = milestones(r, a);
  const double band = y;
  y += kMarkRows * kMarkRowH + 4;
  for (size_t i = 0; i < r.nodes.size(); ++i) {
    const std::string& n = r.nodes[i];
    const double ly = y + static_cast<double>(i) * (kLaneH + kGap);
    std::string versions;
    for (const auto& ch : r.changes)
      if (ch.node == n && ch.before && ch.after)
        versions = ch.before->version + " → " + ch.after->version;
    c.open_group("class=\"lane measured\" data-node=\"" + SvgCanvas::escape(n) + "\"");
    c.rect(a.x0, ly, a.x1 - a.x0, kLaneH, "#f3f4f6");
    lane_label(c, ly, kLaneH, n, versions);
    for (const auto& s : r.steps) {
      if (std::find(s.targets.begin(), s.targets.end(), n) == s.targets.end()) continue;
      const double x = a.x(s.start_s), w = std::max(2.0, a.x(s.end_s) - x);
      std::string extra = "stroke=\"#ffffff\" stroke-width=\"0.6\"";
      if (s.state == "failed")
        extra = "stroke=\"#000000\" stroke-width=\"2\"";
      else if (s.end_wall <= 0)
        extra = "stroke=\"#000000\" stroke-width=\"1\" stroke-dasharray=\"3 2\"";
      const std::string tip = s.id + " (" + s.state + "): " + s.title + "; " +
                              signed_dur(s.start_s) + " to " + signed_dur(s.end_s) + " model, " +
                              number_text("%.3f", r.wall_of(s.start_s)) + " to " +
                              number_text("%.3f", r.wall_of(s.end_s)) + " s wall";
      c.rect(x, ly + 3, w, kLaneH - 6, verb_colour(s.verb), extra, tip);
      if (s.state == "failed") {  // always said, beside the bar when it does not fit inside
        const std::string label = "FAILED " + s.verb;
        const bool inside = SvgCanvas::text_width(label, 10) + 8 <= w;
        c.text(inside ? x + 4 : x + w + 3, ly + kLaneH / 2 + 3.5, label, 10,
               inside ? "#ffffff" : "#b91c1c", "font-weight=\"bold\"");
      } else if (const std::string label = bar_label(s, w); !label.empty()) {
        c.text(x + 4, ly + kLaneH / 2 + 3.5, label, 10, "#ffffff", "font-weight=\"bold\"");
      }
    }
    c.close_group();
  }
  const double bottom = y + static_cast<double>(r.nodes.size()) * (kLaneH + kGap) - kGap;
  for (const auto& k : marks) {
    const double top = band + (k.row < 0 ? kMarkRows - 1 : k.row) * kMarkRowH;
    c.line(k.x, top + 2, k.x, bottom + 2, k.colour, k.dashed ? 1.2 : 1.6,
           k.dashed ? "stroke-dasharray=\"5 3\"" : "");
    if (k.row < 0) continue;
    if (!k.label_left)
      c.text(k.x + 3, top + 10, k.label, 10, k.colour, "font-weight=\"bold\"");
    else
      c.text(k.x - 3, top + 10, k.label, 10, k.colour, "font-weight=\"bold\" text-anchor=\"end\"");
  }
  return bottom;
}

double draw_predicted(SvgCanvas& c, const Report& r, const Axis& a, double y) {
  std::vector<std::string> names = r.nodes;
  for (const auto& [n, segs] : r.predicted->nodes)
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  double ly = y;
  for (const auto& n : names) {
    auto it = r.predicted->nodes.find(n);
    if (it == r.predicted->nodes.end()) continue;
    c.open_group("class=\"lane predicted\" data-node=\"" + SvgCanvas::escape(n) + "\"");
    lane_label(c, ly, kPredH, n, "");
    for (const auto& s : it->second) {
      const double x = a.x(s.start_s), w = std::max(1.0, a.x(s.end_s) - x);
      const std::string tip = n + " predicted " + s.state + " at " + s.version +
                              (s.holds_service ? ", holds the service address" : "") + ": " +
                              signed_dur(s.start_s) + " to " + signed_dur(s.end_s);
      c.rect(x, ly + 4, w, kPredH - 4, state_colour(s.state), "", tip);
      if (s.holds_service) c.rect(x, ly, w, 4, kHoldsColour);
      if (s.state != "serving" && SvgCanvas::text_width(s.state, 9) + 6 <= w)
        c.text(x + 3, ly + kPredH - 2.5, s.state, 9, "#ffffff");
    }
    c.close_group();
    ly += kPredH + kGap;
  }
  return ly - kGap;
}

double draw_clients(SvgCanvas& c, const Report& r, const Axis& a, double y) {
  const auto& cv = *r.clients;
  c.open_group("class=\"lane clients\"");
  c.rect(a.x0, y, a.x1 - a.x0, kClientH, "#f9fafb");
  lane_label(c, y, kClientH, "clients", number_text("%.0f req/s, 1 s bars", cv.rate));
  uint64_t peak = 1;
  for (const auto& b : cv.series) peak = std::max<uint64_t>(peak, b.ok + b.failed);
  for (size_t i = 0; i < cv.series.size(); ++i) {
    const ClientBucket& b = cv.series[i];
    const double x = a.x(b.start_s), w = std::max(1.0, a.x(b.end_s) - x - 1);
    const double hok = kClientH * 0.85 * static_cast<double>(b.ok) / static_cast<double>(peak);
    const double hf = kClientH * 0.85 * static_cast<double>(b.failed) / static_cast<double>(peak);
    const std::string tip = "probe second " + std::to_string(i) + ": " + std::to_string(b.ok) +
                            " ok, " + std::to_string(b.failed) + " failed, " +
                            std::to_string(b.sessions_open) + " sessions open";
    c.rect(x, y + kClientH - hok, w, hok, kOkColour, "", tip);
    if (b.failed > 0) {
      c.rect(x, y + kClientH - hok - std::max(2.0, hf), w, std::max(2.0, hf), kFailedColour, "",
             tip);
      const std::string fl = std::to_string(b.failed) + " failed";
      if (SvgCanvas::text_width(fl, 9.5) <= w)
        c.text(x + 2, y + kClientH - hok - std::max(2.0, hf) - 3, fl, 9.5, kFailedColour);
    }
    const std::string okl = std::to_string(b.ok) + " ok";
    if (SvgCanvas::text_width(okl, 9.5) + 4 <= w && hok > 14)
      c.text(x + 3, y + kClientH - 4, okl, 9.5, "#1f5130");
  }
  c.close_group();
  return y + kClientH;
}

}  // namespace

std::string to_svg(const Report& r, const SvgOptions& o) {
  SvgCanvas c;
  Axis a;
  a.x0 = kLeft;
  a.x1 = o.width - kRightPad;
  a.t0 = 0;
  a.t1 = std::max(r.makespan_s, 1.0);
  if (r.clients && !r.clients->series.empty()) {
    a.t0 = std::min(a.t0, r.clients->series.front().start_s);
    a.t1 = std::max(a.t1, r.clients->series.back().end_s);
  }
  if (r.predicted)
    for (const auto& [n, segs] : r.predicted->nodes)
      for (const auto& s : segs) a.t1 = std::max(a.t1, s.end_s);
  a.t1 += (a.t1 - a.t0) * 0.01;

  draw_header(c, r);
  const double axis_y = 102;
  double y = axis_y + 46;
  // Sections are laid out first so the grid can span them, then drawn over it.
  const double measured_top = y + 4;
  double bottom = measured_top + kMarkRows * kMarkRowH + 4 +
                  static_cast<double>(r.nodes.size()) * (kLaneH + kGap);
  double predicted_top = 0, clients_top = 0;
  if (r.predicted) {
    predicted_top = bottom + 22;
    bottom = predicted_top +
             static_cast<double>(std::max<size_t>(r.predicted->nodes.size(), 1)) * (kPredH + kGap);
  }
  if (r.clients) {
    clients_top = bottom + 22;
    bottom = clients_top + kClientH;
  }
  draw_axis(c, a, r.time_scale, axis_y, bottom);
  section(c, y - 12, "Measured (journal)");
  draw_measured(c, r, a, measured_top);
  if (r.predicted) {
    section(c, predicted_top - 8,
            "Predicted (simulation" +
                (r.predicted->strategy.empty() ? "" : ", " + r.predicted->strategy) + ")");
    draw_predicted(c, r, a, predicted_top);
  }
  if (r.clients) {
    std::string by;
    for (const auto& [node, n] : r.clients->answered_by)
      by += (by.empty() ? ", answered by " : ", ") + node + " " + std::to_string(n);
    section(c, clients_top - 8, "What clients saw (probe of " + r.clients->target + by + ")");
    draw_clients(c, r, a, clients_top);
  }
  const double end =
      draw_legend(c, bottom + 30, o.width, r.predicted.has_value(), r.clients.has_value());
  return c.finish(o.width, end + 8,
                  "hitless upgrade report: " + join(r.clusters) + " to " + r.target_version);
}

}  // namespace hitless::report
