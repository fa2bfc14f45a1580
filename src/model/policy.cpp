#include "model/policy.hpp"

#include <algorithm>
#include <charconv>
#include <numeric>

#include "common/durations.hpp"
#include "common/timestamps.hpp"
#include "model/policy_fields.hpp"

// The text form of every field lives here (set_from_text): `--policy` uses it directly, the
// inventory reader for every scalar. Lists (windows, approval phases) have a comma-separated text
// form on the command line and a YAML list form in the inventory; both end in the helpers below.

namespace hitless {
namespace {

constexpr std::pair<DrainTimeoutAction, const char*> kDrainActions[] = {
    {DrainTimeoutAction::kWait, "wait"},
    {DrainTimeoutAction::kForce, "force"},
    {DrainTimeoutAction::kStop, "stop"}};
constexpr std::pair<ConfigChangeAction, const char*> kConfigActions[] = {
    {ConfigChangeAction::kPause, "pause"},
    {ConfigChangeAction::kCarryOver, "carry-over"},
    {ConfigChangeAction::kDiscard, "discard"}};

Error<PolicyErrc> wrong(const std::string& message) {
  return make_error(PolicyErrc::kWrongType, message);
}
Error<PolicyErrc> range(const std::string& message) {
  return make_error(PolicyErrc::kOutOfRange, message);
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::optional<int> whole_number(std::string_view text) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  std::size_t from = 0;
  while (true) {
    const std::size_t at = text.find(sep, from);
    std::string_view part =
        text.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    out.push_back(part);
    if (at == std::string_view::npos) return out;
    from = at + 1;
  }
}

Result<CapacityFloor, PolicyErrc> parse_floor(std::string_view text) {
  const bool percent = !text.empty() && text.back() == '%';
  const std::string_view digits = percent ? text.substr(0, text.size() - 1) : text;
  const std::optional<int> v = whole_number(digits);
  if (!v)
    return wrong(
        quoted(text) +
        " is not a capacity floor (a member count such as 2, or a percentage such as 50%)");
  if (percent && (*v < 0 || *v > 100)) return range(quoted(text) + " is out of range (0..100 %)");
  if (!percent && *v < 0) return range(quoted(text) + " is out of range (a member count >= 0)");
  return CapacityFloor{percent, *v};
}

Result<double, PolicyErrc> parse_seconds(std::string_view text, bool zero_allowed) {
  const std::optional<double> s = parse_duration(text);
  if (!s)
    return wrong(quoted(text) + " is not a duration (such as 90s, 10m, 1h30m; bare = seconds)");
  if (!zero_allowed && *s <= 0)
    return range(quoted(text) + " is out of range (must be more than 0)");
  return *s;
}

Status<PolicyErrc> windows_from_text(Policy& p, std::string_view text) {
  std::vector<MaintenanceWindow> ws;
  if (text != "none") {
    for (const std::string_view item : split(text, ',')) {
      const std::size_t slash = item.find('/');
      if (slash == std::string_view::npos)
        return wrong(
            quoted(item) +
            " is not a window (START/END, such as 2026-12-01T01:00:00Z/2026-12-01T05:00:00Z)");
      auto start = policy_fields::parse_timestamp(item.substr(0, slash));
      if (!start) return start.error();
      auto end = policy_fields::parse_timestamp(item.substr(slash + 1));
      if (!end) return end.error();
      auto w = policy_fields::make_window(*start, *end);
      if (!w) return w.error();
      ws.push_back(*w);
    }
  }
  if (const auto o = policy_fields::find_overlap(ws))
    return make_error(
        PolicyErrc::kConflict,
        policy_fields::overlap_message(ws[o->second], ws[o->first], to_string(ws[o->first])));
  policy_fields::sort_windows(ws);
  p.windows = std::move(ws);
  return Unit{};
}

Status<PolicyErrc> approvals_from_text(Policy& p, std::string_view text) {
  using Mode = ApprovalPhases::Mode;
  if (text == "strategy" || text == "all" || text == "none") {
    p.approval_phases = {text == "strategy" ? Mode::kStrategy
                         : text == "all"    ? Mode::kAll
                                            : Mode::kNone,
                         {}};
    return Unit{};
  }
  std::vector<int> phases;
  for (const std::string_view item : split(text, ',')) {
    auto n = policy_fields::parse_phase(item);
    if (!n) return n.error();
    phases.push_back(*n);
  }
  if (auto s = policy_fields::finish_phases(phases); !s) return s;
  p.approval_phases = {Mode::kList, std::move(phases)};
  return Unit{};
}

// Roles a node can have (the inventory's list); "none" clears the order.
constexpr std::string_view kOrderableRoles[] = {
    "primary",       "backup",  "active",        "passive",       "member",     "master",
    "backup-master", "traffic", "search-master", "search-minion", "standalone", "spare"};

Status<PolicyErrc> role_order_from_text(Policy& p, std::string_view text) {
  std::vector<std::string> roles;
  if (text != "none" && !text.empty()) {
    for (const std::string_view item : split(text, ',')) {
      bool known = false;
      for (const std::string_view r : kOrderableRoles) known = known || r == item;
      if (!known) {
        std::string allowed;
        for (const std::string_view r : kOrderableRoles)
          allowed += (allowed.empty() ? "" : ", ") + std::string(r);
        return wrong("unknown role " + quoted(item) + " (allowed: " + allowed + ")");
      }
      // A role twice is an order that contradicts itself: the planner names such cycles; here
      // it is kept as given so that the message can show it.
      roles.emplace_back(item);
    }
  }
  p.role_order = std::move(roles);
  return Unit{};
}

}  // namespace

const char* to_string(DrainTimeoutAction a) {
  for (const auto& [k, n] : kDrainActions)
    if (k == a) return n;
  return "?";
}

const char* to_string(ConfigChangeAction a) {
  for (const auto& [k, n] : kConfigActions)
    if (k == a) return n;
  return "?";
}

std::optional<DrainTimeoutAction> parse_drain_timeout_action(std::string_view text) {
  for (const auto& [k, n] : kDrainActions)
    if (text == n) return k;
  return std::nullopt;
}

std::optional<ConfigChangeAction> parse_config_change_action(std::string_view text) {
  for (const auto& [k, n] : kConfigActions)
    if (text == n) return k;
  return std::nullopt;
}

std::string to_string(const CapacityFloor& f) {
  return std::to_string(f.value) + (f.percent ? "%" : "");
}

std::string to_string(const MaintenanceWindow& w) {
  return format_utc_timestamp(w.start) + "/" + format_utc_timestamp(w.end);
}

std::string to_string(const ApprovalPhases& a) {
  switch (a.mode) {
    case ApprovalPhases::Mode::kStrategy:
      return "strategy";
    case ApprovalPhases::Mode::kAll:
      return "all";
    case ApprovalPhases::Mode::kNone:
      return "none";
    case ApprovalPhases::Mode::kList:
      break;
  }
  std::string out;
  for (const int n : a.phases) out += (out.empty() ? "" : ",") + std::to_string(n);
  return out;
}

namespace policy_fields {

Status<PolicyErrc> set_from_text(Policy& p, std::string_view key, std::string_view text) {
  if (key == "max_unavailable") {
    const std::optional<int> v = whole_number(text);
    if (!v) return wrong(quoted(text) + " is not a whole number");
    if (*v < 1) return range(quoted(text) + " is out of range (at least 1)");
    p.max_unavailable = *v;
  } else if (key == "capacity_floor") {
    if (text == "none") {
      p.capacity_floor.reset();
      return Unit{};
    }
    auto f = parse_floor(text);
    if (!f) return f.error();
    p.capacity_floor = *f;
  } else if (key == "drain_timeout" || key == "soak") {
    auto s = parse_seconds(text, key == "soak");
    if (!s) return s.error();
    (key == "soak" ? p.soak_s : p.drain_timeout_s) = *s;
  } else if (key == "cutover_wait") {
    auto s = parse_seconds(text, true);
    if (!s) return s.error();
    p.cutover_wait_s = *s;
  } else if (key == "on_drain_timeout") {
    const auto a = parse_drain_timeout_action(text);
    if (!a)
      return wrong("unknown on_drain_timeout " + quoted(text) + " (allowed: wait, force, stop)");
    p.on_drain_timeout = *a;
  } else if (key == "config_changes") {
    const auto a = parse_config_change_action(text);
    if (!a)
      return wrong("unknown config_changes " + quoted(text) +
                   " (allowed: pause, carry-over, discard)");
    p.config_changes = *a;
  } else if (key == "failback") {
    if (text != "true" && text != "false")
      return wrong("expected true or false, got " + quoted(text));
    p.failback = text == "true";
  } else if (key == "old_master_reboot") {
    if (text != "now" && text != "leave")
      return wrong("expected now or leave, got " + quoted(text));
    p.reboot_old_master = text == "now";
  } else if (key == "windows") {
    return windows_from_text(p, text);
  } else if (key == "approval_phases") {
    return approvals_from_text(p, text);
  } else if (key == "role_order") {
    return role_order_from_text(p, text);
  } else {
    std::string allowed;
    for (const std::string_view k : kKeys)
      allowed += (allowed.empty() ? "" : ", ") + std::string(k);
    return make_error(PolicyErrc::kUnknownField,
                      "unknown field " + quoted(key) + " (allowed: " + allowed + ")");
  }
  return Unit{};
}

Result<std::int64_t, PolicyErrc> parse_timestamp(std::string_view text) {
  const std::optional<std::int64_t> t = parse_utc_timestamp(text);
  if (!t) return wrong(quoted(text) + " is not a UTC timestamp (such as 2026-12-01T01:00:00Z)");
  return *t;
}

Result<MaintenanceWindow, PolicyErrc> make_window(std::int64_t start, std::int64_t end) {
  if (end <= start)
    return make_error(PolicyErrc::kConflict, "the window ends at " + format_utc_timestamp(end) +
                                                 ", not after its start " +
                                                 format_utc_timestamp(start));
  return MaintenanceWindow{start, end};
}

Result<int, PolicyErrc> parse_phase(std::string_view text) {
  const std::optional<int> v = whole_number(text);
  if (!v) return wrong(quoted(text) + " is not a phase number (1, 2, ...), all, none or strategy");
  if (*v < 1) return range(quoted(text) + " is out of range (phases are numbered from 1)");
  return *v;
}

Status<PolicyErrc> finish_phases(std::vector<int>& phases) {
  if (phases.empty()) return range("no phase listed (write none for no approvals)");
  std::sort(phases.begin(), phases.end());
  if (const auto d = std::adjacent_find(phases.begin(), phases.end()); d != phases.end())
    return make_error(PolicyErrc::kConflict, "phase " + std::to_string(*d) + " is listed twice");
  return Unit{};
}

std::optional<std::pair<std::size_t, std::size_t>> find_overlap(
    const std::vector<MaintenanceWindow>& ws) {
  std::vector<std::size_t> order(ws.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return ws[a].start < ws[b].start; });
  for (std::size_t i = 1; i < order.size(); ++i)
    if (ws[order[i]].start < ws[order[i - 1]].end) return std::pair{order[i - 1], order[i]};
  return std::nullopt;
}

std::string overlap_message(const MaintenanceWindow& later, const MaintenanceWindow& earlier,
                            const std::string& earlier_name) {
  return "window " + to_string(later) + " overlaps " + earlier_name +
         (earlier_name == to_string(earlier) ? "" : " (" + to_string(earlier) + ")") +
         "; windows must not overlap";
}

void sort_windows(std::vector<MaintenanceWindow>& ws) {
  std::sort(ws.begin(), ws.end(), [](const MaintenanceWindow& a, const MaintenanceWindow& b) {
    return a.start < b.start;
  });
}

}  // namespace policy_fields

Result<Policy, PolicyErrc> apply_cli_overrides(const Policy& base,
                                               std::span<const std::string> assignments) {
  Policy p = base;
  for (const std::string& a : assignments) {
    const std::size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0)
      return make_error(PolicyErrc::kWrongType,
                        "--policy " + a + ": expected KEY=VALUE (such as max_unavailable=2)");
    const std::string key = a.substr(0, eq);
    if (auto s = policy_fields::set_from_text(p, key, std::string_view(a).substr(eq + 1)); !s)
      return make_error(s.code(), "--policy " + a + ": " + key + ": " + s.message());
  }
  return p;
}

int capacity_floor_count(const Policy& p, int cluster_size) {
  if (!p.capacity_floor) return 0;
  if (!p.capacity_floor->percent) return p.capacity_floor->value;
  return (p.capacity_floor->value * cluster_size + 99) / 100;
}

}  // namespace hitless
