#pragma once
// VerbHandler: everything hitless knows about one plan verb, in one place: the driver calls that
// carry it out, the gate it implies, how its drivers' answers are judged, how a step interrupted
// by a crash is reconciled, which nodes it takes out of service (for guards), whose configuration
// it overwrites (for the nothing-lost check) and how it is undone. The executor, rollback and
// the simulator (which runs the executor against the lab model) all find verbs through the
// VerbRegistry; adding a verb is adding a handler file and one registration line.
// Handlers are stateless and pure: they decide from the step and the observations they are given.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "common/result.hpp"
#include "drivers/drivers.hpp"
#include "executor/conditions.hpp"
#include "planner/plan.hpp"

namespace hitless::exec {

// One call to a driver. Appliance and power calls name a node; traffic calls name the cluster.
struct DriverCall {
  enum class Channel { kAppliance, kPower, kTraffic };
  Channel channel = Channel::kAppliance;
  std::string target;
  drivers::Action
      action;  // appliance: the management action; power: {on}; traffic: {from, to, via}
};

// "appliance", "power" or "traffic", as the journal's @calls name a channel.
inline const char* to_string(DriverCall::Channel c) {
  switch (c) {
    case DriverCall::Channel::kAppliance:
      return "appliance";
    case DriverCall::Channel::kPower:
      return "power";
    case DriverCall::Channel::kTraffic:
      return "traffic";
  }
  return "appliance";
}

struct VerbContext {
  const plan::Step& step;
  const Evidence& evidence;             // the latest observations of the step's nodes
  const catalog::Catalog* catalog;      // the package repository (may be null in tests)
  const nlohmann::json& intent_detail;  // observations journaled with the intent (on resume)
  const nlohmann::json& answers;        // the drivers' answers so far, by action kind
  const std::vector<plan::Condition>&
      gate;  // the gate fixed when the step acted (journaled; empty before)
};

enum class VerbErrc { kRefused };

// What a step interrupted by a crash (intent journaled, no outcome) needs.
enum class Reconciled {
  kAlreadyDone,  // its gate holds: record success
  kInProgress,   // the node took the request: wait for the gate, do not send it again
  kResend,       // the request never reached the node (or repeating it is harmless): act again
  kFailed,       // the node shows it failed
};
struct Reconcile {
  Reconciled kind;
  std::string why;
};

class VerbHandler {
 public:
  virtual ~VerbHandler() = default;
  virtual plan::Verb verb() const = 0;
  // One line: what the verb does on an appliance (for `hitless plan` readers and docs).
  virtual const char* summary() const = 0;

  // The driver calls that carry the step out, in order. An error fails the step with its text.
  virtual Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const = 0;
  // Why calls() took another way than the step's title says (a fallback chosen from the first
  // look), journaled as a "route" event and shown to the operator; nullopt when it did not.
  virtual std::optional<std::string> route_note(const VerbContext&) const { return std::nullopt; }
  // The gate to wait for after acting: the plan's, or one the verb works out from observation.
  virtual std::vector<plan::Condition> gate(const VerbContext& c) const { return c.step.gate; }
  // The gate the verb implies when a step has none of its own (undo steps made at rollback).
  virtual std::vector<plan::Condition> implied_gate(const plan::Step& s) const { return s.gate; }
  // Judges the drivers' answers once every call returned (e.g. a compatibility test's verdict).
  virtual std::optional<std::string> judge_answers(const VerbContext&) const {
    return std::nullopt;
  }
  // A definite failure seen while waiting for the gate (so the step need not wait to time out).
  virtual std::optional<std::string> early_failure(const VerbContext&) const {
    return std::nullopt;
  }
  // Model seconds the gate may take before the step times out; nullopt: the step's estimate
  // times the executor's timeout factor plus its slack; infinity: it never times out.
  virtual std::optional<double> gate_timeout_s(const plan::Step&) const { return std::nullopt; }
  // When the gate timed out: the message with which the step counts as done anyway (a policy
  // says so); nullopt fails the step.
  virtual std::optional<std::string> on_gate_timeout(const VerbContext&) const {
    return std::nullopt;
  }
  // After a crash (c.gate is the gate journaled with the intent). Default: done if the gate
  // holds; otherwise sent again.
  virtual Reconcile reconcile(const VerbContext& c) const;

  // Nodes the step takes out of service while it runs (guards count them as down).
  virtual std::vector<std::string> takes_out_of_service(const plan::Step&) const { return {}; }
  // Nodes whose configuration the step replaces with another node's (sync, restore).
  virtual std::vector<std::string> overwrites_configuration_of(const plan::Step&) const {
    return {};
  }
  // The node whose configuration wins when it does (carry-over re-applies changes there first).
  virtual std::string configuration_source(const plan::Step&) const { return ""; }
  // Nodes whose configuration items the run records once the step succeeded: the baseline that
  // later changes are compared with (a backup; the node a sync just overwrote).
  virtual std::vector<std::string> records_configuration_of(const plan::Step& s) const {
    return overwrites_configuration_of(s);
  }
};

// The default reconciliation, for handlers that extend it.
Reconcile reconcile_by_gate(const VerbContext& c, const std::vector<plan::Condition>& gate);

}  // namespace hitless::exec
