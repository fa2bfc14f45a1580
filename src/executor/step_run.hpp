#pragma once
// Executor::Run: one step in flight. A small state machine driven by driver callbacks and
// scheduler timers: observe -> (reconcile | preconditions) -> intent -> actions -> gate -> outcome.
// Internal to the executor. Single-threaded.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "executor/executor.hpp"

namespace hitless::exec {

struct Executor::Run {
  Run(Executor& ex, plan::Step step, bool interrupted, std::string journal_id);

  void begin();

 private:
  void observe(const std::vector<std::string>& nodes, bool with_service, std::function<void()> then);
  void after_first_look();
  void reconcile();
  void intent_then_act();
  bool plan_actions();
  void act();
  void wait_gate();
  std::optional<std::string> early_failure() const;
  void poll_approval();
  void succeed(const std::string& message);
  void fail(const std::string& message);
  std::vector<std::string> nodes_of_interest() const;
  bool gate_needs_service() const;
  std::string unmet_gate() const;  // "" when the gate holds
  nlohmann::json snapshot() const;

  Executor& ex_;
  plan::Step step_;
  bool interrupted_;
  std::string journal_id_;  // the id the journal records (undo steps: "undo:<id>")
  double started_ = 0;
  double deadline_ = 0;
  Evidence evidence_;
  std::vector<plan::Condition> gate_;
  std::vector<std::pair<std::string, drivers::Action>> actions_;
  std::size_t next_action_ = 0;
  nlohmann::json result_ = nlohmann::json::object();
  nlohmann::json intent_detail_ = nlohmann::json::object();  // from the journal when resuming
  bool done_ = false;
};

}  // namespace hitless::exec
