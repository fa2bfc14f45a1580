#pragma once
// Evaluating plan conditions (preconditions, gates and guards) against what was observed. Pure.

#include <map>
#include <optional>
#include <set>
#include <string>

#include "model/observed_state.hpp"
#include "planner/plan.hpp"

namespace hitless::exec {

struct Evidence {
  std::map<std::string, ObservedNode> nodes;  // observations, by node (unreachable ones included)
  std::map<std::string, std::string>
      answered_by;                              // cluster -> node answering at its service address
  std::map<std::string, double> sync_baseline;  // node -> last_sync_at before the step acted
  // Nodes that steps in flight (and the step being judged) take out of service: guards count
  // them as down whatever they show now, because they are about to be.
  std::set<std::string> going_out;
  // What the BMC said of a node's power, read only for nodes with out-of-band power whose
  // powered-off condition a look serves: on/off, or why it could not be read. A node absent
  // here has no power reading and is judged powered off when its management API is silent.
  struct BmcPower {
    std::optional<bool> on;  // nullopt: the BMC could not be read (`error` says why)
    std::string error;
  };
  std::map<std::string, BmcPower> bmc_power;
};

// nullopt when the condition holds; otherwise why not, for people ("b runs 7.1.0, not 7.2.0").
std::optional<std::string> unmet(const plan::Condition& c, const std::string& cluster,
                                 const Evidence& e);

}  // namespace hitless::exec
