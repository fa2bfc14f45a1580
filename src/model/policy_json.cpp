#include <set>

#include "common/durations.hpp"
#include "common/timestamps.hpp"
#include "model/policy.hpp"
#include "model/policy_fields.hpp"

// The policy as a plan carries it. Canonical: every field always present, one form per value
// (durations as seconds, the floor as a count or "P%", windows as timestamp strings, sorted), so
// equal policies dump to equal text and the plan hash covers the policy exactly. Reading back is
// strict: a plan whose policy does not parse is refused rather than run with defaults.

namespace hitless {
namespace {

constexpr const char* kJsonKeys[] = {"max_unavailable",  "capacity_floor",  "drain_timeout_s",
                                     "on_drain_timeout", "failback",        "soak_s",
                                     "windows",          "approval_phases", "config_changes",
                                     "old_master_reboot"};

Error<PolicyErrc> malformed(const std::string& field, const std::string& why) {
  return make_error(PolicyErrc::kMalformed, "policy." + field + ": " + why);
}

// The text form of a JSON scalar for policy_fields::set_from_text.
std::optional<std::string> scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return v.dump();
  return std::nullopt;
}

}  // namespace

nlohmann::json to_json(const Policy& p) {
  nlohmann::json windows = nlohmann::json::array();
  for (const MaintenanceWindow& w : p.windows)
    windows.push_back(
        {{"start", format_utc_timestamp(w.start)}, {"end", format_utc_timestamp(w.end)}});
  nlohmann::json floor = nullptr;
  if (p.capacity_floor)
    floor = p.capacity_floor->percent ? nlohmann::json(to_string(*p.capacity_floor))
                                      : nlohmann::json(p.capacity_floor->value);
  nlohmann::json approvals = p.approval_phases.mode == ApprovalPhases::Mode::kList
                                 ? nlohmann::json(p.approval_phases.phases)
                                 : nlohmann::json(to_string(p.approval_phases));
  nlohmann::json j = {{"max_unavailable", p.max_unavailable},
                      {"capacity_floor", floor},
                      {"drain_timeout_s", p.drain_timeout_s},
                      {"on_drain_timeout", to_string(p.on_drain_timeout)},
                      {"failback", p.failback},
                      {"soak_s", p.soak_s},
                      {"windows", windows},
                      {"approval_phases", approvals},
                      {"config_changes", to_string(p.config_changes)},
                      {"old_master_reboot", p.reboot_old_master ? "now" : "leave"}};
  // Only when set, so that plans made without them keep their hashes.
  if (!p.role_order.empty()) j["role_order"] = p.role_order;
  if (p.cutover_wait_s > 0) j["cutover_wait_s"] = p.cutover_wait_s;
  return j;
}

Result<Policy, PolicyErrc> policy_from_json(const nlohmann::json& j) {
  if (!j.is_object())
    return make_error(PolicyErrc::kMalformed, "policy: expected an object, got " + j.dump());
  std::set<std::string> known(std::begin(kJsonKeys), std::end(kJsonKeys));
  known.insert("role_order");  // optional: written only when set
  known.insert("cutover_wait_s");
  for (const auto& [key, value] : j.items())
    if (!known.count(key)) return malformed(key, "unknown field");
  for (const char* key : kJsonKeys)
    if (!j.contains(key)) return malformed(key, "missing");
  Policy p;
  for (const auto& [key, value] : j.items()) {
    Status<PolicyErrc> s = Unit{};
    if (key == "drain_timeout_s" || key == "soak_s" || key == "cutover_wait_s") {
      if (!value.is_number()) return malformed(key, "expected seconds, got " + value.dump());
      const double v = value.get<double>();
      if (v < 0 || (key == "drain_timeout_s" && v <= 0))
        return malformed(key, value.dump() + " is out of range");
      (key == "soak_s"           ? p.soak_s
       : key == "cutover_wait_s" ? p.cutover_wait_s
                                 : p.drain_timeout_s) = v;
    } else if (key == "capacity_floor" && value.is_null()) {
      p.capacity_floor.reset();
    } else if (key == "windows") {
      if (!value.is_array()) return malformed(key, "expected a list, got " + value.dump());
      std::vector<MaintenanceWindow> ws;
      for (const auto& w : value) {
        if (!w.is_object() || w.size() != 2 || !w.contains("start") || !w.contains("end") ||
            !w["start"].is_string() || !w["end"].is_string())
          return malformed(key,
                           "expected {\"start\": TIMESTAMP, \"end\": TIMESTAMP}, got " + w.dump());
        auto start = policy_fields::parse_timestamp(w["start"].get<std::string>());
        auto end = policy_fields::parse_timestamp(w["end"].get<std::string>());
        if (!start || !end) return malformed(key, (start ? end : start).message());
        auto made = policy_fields::make_window(*start, *end);
        if (!made) return malformed(key, made.message());
        if (!ws.empty() && made->start < ws.back().end)
          return malformed(key, "windows not sorted or overlapping");
        ws.push_back(*made);
      }
      p.windows = std::move(ws);
    } else if (key == "approval_phases" && value.is_array()) {
      std::vector<int> phases;
      for (const auto& n : value) {
        if (!n.is_number_integer())
          return malformed(key, "expected phase numbers, got " + n.dump());
        auto phase = policy_fields::parse_phase(n.dump());
        if (!phase) return malformed(key, phase.message());
        phases.push_back(*phase);
      }
      if (auto f = policy_fields::finish_phases(phases); !f) return malformed(key, f.message());
      p.approval_phases = {ApprovalPhases::Mode::kList, std::move(phases)};
    } else if (key == "role_order") {
      if (!value.is_array() || value.empty())
        return malformed(key, "expected a non-empty list of roles, got " + value.dump());
      std::string text;
      for (const auto& r : value) {
        if (!r.is_string()) return malformed(key, "expected role names, got " + r.dump());
        text += (text.empty() ? "" : ",") + r.get<std::string>();
      }
      s = policy_fields::set_from_text(p, key, text);
    } else {
      const std::optional<std::string> text = scalar_text(value);
      if (!text) return malformed(key, "unexpected value " + value.dump());
      if (key == "capacity_floor" && value.is_string() && (text->empty() || text->back() != '%'))
        return malformed(key,
                         "a count is a number, a percentage a string \"P%\"; got " + value.dump());
      s = policy_fields::set_from_text(p, key, *text);
    }
    if (!s) return malformed(key, s.message());
  }
  // Only what to_json writes: a floor count is a JSON number, flags are booleans.
  if (!j["failback"].is_boolean()) return malformed("failback", "expected true or false");
  if (!j["max_unavailable"].is_number_integer())
    return malformed("max_unavailable", "expected a whole number");
  return p;
}

std::string to_text(const Policy& p) {
  std::string out = "max_unavailable " + std::to_string(p.max_unavailable);
  out +=
      ", capacity_floor " + (p.capacity_floor ? to_string(*p.capacity_floor) : std::string("none"));
  out += ", drain_timeout " + format_duration(p.drain_timeout_s) + " then " +
         to_string(p.on_drain_timeout);
  out += std::string(", failback ") + (p.failback ? "yes" : "no");
  out += ", soak " + (p.soak_s > 0 ? format_duration(p.soak_s) : std::string("none"));
  out += ", windows ";
  if (p.windows.empty()) out += "any time";
  for (std::size_t i = 0; i < p.windows.size(); ++i)
    out += (i ? "," : "") + to_string(p.windows[i]);
  out += ", approvals " +
         (p.approval_phases.mode == ApprovalPhases::Mode::kList ? "in phases " : std::string()) +
         (p.approval_phases.mode == ApprovalPhases::Mode::kStrategy ? "as planned"
                                                                    : to_string(p.approval_phases));
  out += std::string(", config_changes ") + to_string(p.config_changes);
  out += std::string(", old_master_reboot ") + (p.reboot_old_master ? "now" : "leave");
  if (!p.role_order.empty()) {
    out += ", role_order ";
    for (std::size_t i = 0; i < p.role_order.size(); ++i)
      out += (i ? " before " : "") + p.role_order[i];
  }
  if (p.cutover_wait_s > 0) out += ", cutover_wait " + format_duration(p.cutover_wait_s);
  return out;
}

}  // namespace hitless
