#pragma once
// Which appliance actions a plan needs from each node's driver: the Action kinds of each verb's
// driver calls (verb handlers' calls()), plus `status` for every node a step looks at, power-on/off
// for out-of-band power and `who-answers` for the service probe. A command-driven node's vendor
// profile must define them all, so that `hitless plan` refuses a plan with the verb's name
// instead of the run stopping half-way. Pure.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "planner/plan.hpp"

namespace hitless::exec {

// Appliance action kinds a step of `verb` with `params` needs on its target nodes.
std::vector<std::string> appliance_actions_of(plan::Verb verb, const nlohmann::json& params);

struct MissingAction {
  std::string step;  // its id; "... (its undo)" for an undo
  std::string verb;
  std::string kind;
  std::string node;
};
// The first action some step (or undo) needs on a target for which `supports(node, kind)` is
// false; nullopt when there is none.
std::optional<MissingAction> missing_appliance_action(
    const plan::Plan& plan,
    const std::function<bool(const std::string& node, const std::string& kind)>& supports);

}  // namespace hitless::exec
