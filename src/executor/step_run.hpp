#pragma once
// Executor::Run: one step in flight. A small state machine driven by driver callbacks and
// scheduler timers: observe -> (reconcile | preconditions, guards, configuration check) -> intent
// -> driver calls -> gate -> outcome. What the verb does comes from its VerbHandler.
// Internal to the executor. Single-threaded.

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "executor/executor.hpp"
#include "executor/poll_schedule.hpp"
#include "executor/verbs/verb_handler.hpp"

namespace hitless::exec {

struct Executor::Run {
  Run(Executor& ex, plan::Step step, bool interrupted, std::string journal_id);
  ~Run();

  void begin();
  // A fresh observation of `node` made for anyone: a step waiting on its gate re-checks it at
  // once and passes if it holds (Executor::notify_gate_watchers).
  void seen(const std::string& node, const Result<ObservedNode, drivers::DriverErrc>& r);

 private:
  enum class Stage {
    kObserving,
    kCheckingConfig,
    kActing,
    kGating,
    kWaitingApproval,
    kRecording,
    kDone
  };

  VerbContext context() const;
  std::vector<std::string> power_readings_for(const std::vector<std::string>& nodes) const;
  void read_power(const std::string& node, std::function<void()> done);
  void observe(const std::vector<std::string>& nodes, bool with_service,
               std::function<void()> then);
  void after_first_look();
  void take_out();
  void reconcile();
  void check_configuration(std::size_t index);
  void intent_then_act();
  bool prepare_calls();
  void act();
  // When the gate stops being waited for (the verb may set its own timeout).
  double gate_deadline() const;
  void after_calls();
  // Seals, stores and proves the step's backup (ExecutorOptions::keep_backup), off the executor's
  // thread when the run gives it a worker; then waits on the gate.
  void keep_backup();
  void stale_after_acting(const DriverCall& call);
  static bool reads_only(const std::string& kind);
  void wait_gate();
  // Joins (or leaves) the executor's gate watchers of the nodes its gate names.
  void watch_gate(bool on);
  void note_look(const std::string& node, const Result<ObservedNode, drivers::DriverErrc>& r);
  void poll_approval();
  void soak();
  void poll_soak();
  double soak_left_s() const;
  void record_configuration(std::size_t index, const std::string& message);
  void succeed(const std::string& message);
  void fail(const std::string& message);
  void withdraw(const std::string& why);
  // Its targets and the nodes its preconditions, gate and (with_guards) guards name.
  std::vector<std::string> nodes_of_interest(bool with_guards = true) const;
  bool gate_needs_service() const;
  bool preconditions_need_service() const;
  std::vector<std::string> gate_nodes() const;
  std::string unmet_gate() const;  // "" when the gate holds
  nlohmann::json snapshot() const;

  Executor& ex_;
  plan::Step step_;
  const VerbHandler* handler_;
  bool interrupted_;
  std::string journal_id_;  // the id the journal records (undo steps: "undo:<id>")
  Stage stage_ = Stage::kObserving;
  bool intent_recorded_ = false;  // the journal holds an intent for this attempt
  double started_ = 0;
  double deadline_ = 0;
  Evidence evidence_;
  std::vector<plan::Condition> gate_;
  std::vector<DriverCall> calls_;
  std::vector<DriverCall> carry_over_;  // configuration re-applied before the step acts
  std::size_t next_call_ = 0;
  PollSchedule polls_;
  bool watching_ = false;              // among the gate watchers of its gate's nodes
  std::uint64_t look_generation_ = 0;  // its scheduled look runs only if still current
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for its own timers
  double acted_at_ = 0;                                         // model time the step's calls began
  bool looked_ = false;                                         // observed its nodes at least once
  bool gate_checked_ = false;
  double last_look_at_ = 0;  // model time of its last look
  std::vector<std::string> taken_out_;
  nlohmann::json answers_ = nlohmann::json::object();
  nlohmann::json intent_detail_ = nlohmann::json::object();  // from the journal when resuming
  nlohmann::json recorded_config_ = nlohmann::json::object();
  double soak_until_ = 0;         // journaled end of a soak (wall or model seconds, see soak())
  nlohmann::json backup_record_;  // the kept backup (keep_backup), journaled with the outcome
};

}  // namespace hitless::exec
