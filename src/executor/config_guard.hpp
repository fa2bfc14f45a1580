#pragma once
// The nothing-lost check for configuration (seed 001: "configuration changes made on the old
// primary are overwritten by the first sync"). The run records each node's configuration items
// when it is backed up (and again after a sync overwrote it); before a step would overwrite a
// node's configuration, the items now are compared with that record. What to do with changes is
// policy: pause (default), carry-over (re-apply them on the node whose configuration wins), or
// discard (explicit, and written in the report). Pure.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/policy.hpp"

namespace hitless::exec {

// What to do is the policy's ConfigChangeAction (model/policy.hpp): pause, carry-over, discard.
using ConfigChangePolicy = ConfigChangeAction;

struct ConfigSnapshot {
  std::string checksum;
  std::map<std::string, std::string> items;  // "users/<name>" -> role, "settings/<key>" -> value
  std::map<std::string, double>
      changed_at;  // item -> model seconds of its last change (when known)
};
// From the appliance's configuration read (the lab's GET /api/v1/config); nullopt if malformed.
std::optional<ConfigSnapshot> config_from_answer(const nlohmann::json& j);
nlohmann::json to_json(const ConfigSnapshot& s);

struct ConfigChange {
  std::string item;
  std::optional<std::string> before;  // nullopt: added during the run
  std::optional<std::string> now;     // nullopt: removed during the run
  double at = -1;                     // model seconds, -1 when unknown
};
std::vector<ConfigChange> config_changes(const ConfigSnapshot& baseline, const ConfigSnapshot& now);
// "settings/banner changed on a at 00:12:03 (was 'x', now 'y')", one per change, joined by "; ".
std::string describe_changes(const std::string& node, const std::vector<ConfigChange>& changes);

}  // namespace hitless::exec
