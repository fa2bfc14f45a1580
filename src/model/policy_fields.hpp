#pragma once
// Internal to the model library: the field-by-field parsing that the inventory reader
// (policy_yaml.cpp), `--policy key=value` (policy.cpp) and the plan's JSON (policy_json.cpp)
// share, so a value means the same and fails with the same words everywhere. Messages carry no
// location; callers prefix "FILE:LINE: policy.FIELD: " or "--policy KEY=VALUE: KEY: ". Pure.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/policy.hpp"

namespace hitless::policy_fields {

// The keys of an inventory `policy:` mapping and of `--policy`, in documentation order.
inline constexpr std::string_view kKeys[] = {
    "max_unavailable",   "capacity_floor",  "drain_timeout",
    "on_drain_timeout",  "failback",        "soak",
    "windows",           "approval_phases", "config_changes",
    "old_master_reboot", "role_order",      "cutover_wait"};
inline constexpr std::string_view kWindowKeys[] = {"start", "end"};

// Sets field `key` of `p` from its text form (every field has one: the --policy syntax).
Status<PolicyErrc> set_from_text(Policy& p, std::string_view key, std::string_view text);

// A UTC timestamp field of a window ("start"/"end").
Result<std::int64_t, PolicyErrc> parse_timestamp(std::string_view text);
// One window from its two timestamps; kConflict unless end > start.
Result<MaintenanceWindow, PolicyErrc> make_window(std::int64_t start, std::int64_t end);
// A phase number (>= 1).
Result<int, PolicyErrc> parse_phase(std::string_view text);
// Sorted, duplicate-free phase list; kConflict naming a phase given twice, kOutOfRange when empty.
Status<PolicyErrc> finish_phases(std::vector<int>& phases);

// The first two windows (indices in the given order, earlier-starting first) that overlap.
std::optional<std::pair<std::size_t, std::size_t>> find_overlap(
    const std::vector<MaintenanceWindow>& windows);
std::string overlap_message(const MaintenanceWindow& later, const MaintenanceWindow& earlier,
                            const std::string& earlier_name);
void sort_windows(std::vector<MaintenanceWindow>& windows);

}  // namespace hitless::policy_fields
