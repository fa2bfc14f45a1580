#pragma once
// Policy: the operator's rules for one cluster's upgrade (how many members may be out at once, the
// capacity floor, drain timeouts, failback, soak time, maintenance windows, approvals, what to do
// with configuration changed during the run). Read from the inventory (top level, overridden per
// cluster) and `--policy key=value`; carried in the plan as canonical JSON (covered by its hash)
// and read back typed by the executor. Plain values and pure functions; thread-compatible.
//
// Precedence, lowest first: the defaults below < inventory `policy:` < the cluster's `policy:` <
// `--policy` on the command line. Each layer replaces whole fields (a `windows` given on the
// command line replaces the inventory's list). docs/inventory-format.md lists every field.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace hitless {

class YamlReader;
struct YamlField;

enum class PolicyErrc {
  kUnknownField,  // a key that is not a policy field (the message lists the allowed ones)
  kWrongType,     // not the expected shape or syntax (a map, a list, a number, a timestamp, ...)
  kOutOfRange,    // right shape, value outside its range
  kConflict,      // values that contradict each other (a window ending before it starts, overlap)
  kDuplicate,     // the same key twice
  kMalformed,     // policy JSON that is not what to_json writes
};

// What to do when a member's sessions have not ended when drain_timeout_s runs out.
enum class DrainTimeoutAction { kWait, kForce, kStop };  // "wait" | "force" | "stop"
// What to do with configuration changed on a node during the run before a step would overwrite it.
enum class ConfigChangeAction {
  kPause,
  kCarryOver,
  kDiscard
};  // "pause" | "carry-over" | "discard"

const char* to_string(DrainTimeoutAction a);
const char* to_string(ConfigChangeAction a);
std::optional<DrainTimeoutAction> parse_drain_timeout_action(std::string_view text);
std::optional<ConfigChangeAction> parse_config_change_action(std::string_view text);

// "At least N members serving" or "at least P % of the members serving" (P a whole number 0..100).
struct CapacityFloor {
  bool percent = false;
  int value = 0;
  bool operator==(const CapacityFloor&) const = default;
};
std::string to_string(const CapacityFloor& f);  // "2" or "50%"

// [start, end) in seconds since the Unix epoch (UTC); end > start.
struct MaintenanceWindow {
  std::int64_t start = 0;
  std::int64_t end = 0;
  bool operator==(const MaintenanceWindow&) const = default;
};
std::string to_string(const MaintenanceWindow& w);  // "2026-12-01T01:00:00Z/2026-12-01T05:00:00Z"

// Which phases (numbered from 1, as `hitless plan` prints them) wait for a person's approval.
struct ApprovalPhases {
  enum class Mode { kStrategy, kAll, kNone, kList };  // kStrategy: as the strategy plans them
  Mode mode = Mode::kStrategy;
  std::vector<int> phases;  // kList only: sorted, unique, each >= 1
  bool operator==(const ApprovalPhases&) const = default;
};
std::string to_string(const ApprovalPhases& a);  // "strategy", "all", "none" or "1,3"

struct Policy {
  int max_unavailable = 1;  // >= 1: members of the cluster out of service at once
  std::optional<CapacityFloor> capacity_floor;  // none: only max_unavailable limits
  double drain_timeout_s = 600;                 // > 0
  DrainTimeoutAction on_drain_timeout = DrainTimeoutAction::kStop;
  bool failback = false;  // give the original primary its role back at the end
  // Seed 002 (S10): after an in-service upgrade the old master stays on the old code; `now`
  // (true) reboots it into the new one in the run, `leave` (false) leaves that to the operator.
  bool reboot_old_master = true;
  double soak_s = 0;  // >= 0: wait between product versions (intermediate hops)
  std::vector<MaintenanceWindow> windows;  // sorted by start, non-overlapping; empty: any time
  ApprovalPhases approval_phases;
  ConfigChangeAction config_changes = ConfigChangeAction::kPause;
  // Node roles in the order their nodes are upgraded (seed 003: `[search-minion, search-master]`);
  // empty: as the strategy orders them. Each role at most once; the planner adds the seed's own
  // rules and refuses a cycle, naming it.
  std::vector<std::string> role_order;
  // Seed 004 (S9): wall seconds the old appliance keeps serving after the cut-over to its
  // successor, at least, before it is retired. A DNS cut-over waits the record's TTL anyway;
  // this is for clients and resolvers known to hold answers longer (0: the TTL alone).
  double cutover_wait_s = 0;
  bool operator==(const Policy&) const = default;
};

// The policy mapping at `map` (an inventory's `policy:`), starting from `base` so a cluster's
// mapping overrides the top-level one field by field. Unknown keys and bad values fail with
// "FILE:LINE: policy.FIELD: message"; the error is also kept in `r` (its first error) so the
// inventory reader reports it like its own.
Result<Policy, PolicyErrc> policy_from_yaml(YamlReader& r, const YamlField& map,
                                            const Policy& base);

// `--policy key=value` assignments applied in order on top of `base`. Keys and value syntax are
// the inventory's; lists are comma-separated (`windows=START/END,START/END`,
// `approval_phases=1,3`); `capacity_floor=none` and `windows=none` clear. Errors read "--policy
// KEY=VALUE: KEY: message".
Result<Policy, PolicyErrc> apply_cli_overrides(const Policy& base,
                                               std::span<const std::string> assignments);

// Canonical JSON (every field, fixed forms; object keys sorted): what a plan carries.
nlohmann::json to_json(const Policy& p);
// The inverse; refuses anything to_json would not write (missing or unknown keys, bad values).
Result<Policy, PolicyErrc> policy_from_json(const nlohmann::json& j);
// One line for people: "max_unavailable 1, capacity_floor 50%, drain_timeout 10m (then stop), ...".
std::string to_text(const Policy& p);

// The capacity floor as a member count for a cluster of `cluster_size` members: N as given, P %
// rounded up (50 % of 3 is 2); 0 without a floor. May exceed the size (the planner refuses that).
int capacity_floor_count(const Policy& p, int cluster_size);

}  // namespace hitless
