#pragma once
// Executor: carries out a plan against drivers, many nodes at once, on one thread.
// Every step goes: preconditions (observed) -> guards -> configuration check -> intent journaled
// -> driver calls -> gate polled until it holds or times out -> outcome journaled. What each verb
// means lives in its handler (executor/verbs/, found through the VerbRegistry). A step
// interrupted by a crash is reconciled from observation on resume, never blindly re-run unless
// it is safe to repeat. A guard that a step would break, or configuration changed during the
// run that a step would overwrite (policy: pause), pauses the run before that step acts. The
// first failure stops the run (no new steps anywhere) and makes each cluster safe: if nobody
// serves its clients but a member could, traffic is moved there. A journal write that fails
// stops the run the same way: nothing is done that is not on record. Phases let a run stop after
// a maintenance window. Rollback returns nodes to their pre-run software where a slot holds it.
// Time comes from the Scheduler, so the simulator runs this same code on a virtual clock.
// Single-threaded: drive it from the scheduler's thread.

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "catalog/catalog.hpp"
#include "common/scheduler.hpp"
#include "drivers/drivers.hpp"
#include "executor/conditions.hpp"
#include "executor/config_guard.hpp"
#include "journal/journal.hpp"
#include "planner/plan.hpp"

namespace hitless::exec {

struct ExecutorOptions {
  bool auto_approve = false;
  int stop_after_phase = -1;   // -1: run every phase
  double poll_interval_s = 5;  // least model seconds between observations while a gate is pending
  // Reaction bound: while a gate is pending, a change on the node is seen within
  // max(reaction_s, reaction_share x the step's estimate) model seconds. Within it, a step aims
  // its looks at its estimate and backs off after it (Run::next_poll_interval), never faster than
  // poll_interval_s, with a jitter drawn from the step id so many waiting steps do not poll in
  // lockstep. reaction_s = 0: poll every poll_interval_s.
  double reaction_s = 0;
  double reaction_share = 0.05;
  double approval_poll_s = 2;  // model seconds between checks for an operator's approval
  // Poll budget: with many steps waiting at once, each waits at least (steps in flight x this)
  // between observations, so the total polling rate stays bounded. 0 = no budget.
  double poll_spacing_s = 0;
  double timeout_factor = 3;  // a gate times out after estimate * factor + slack
  double timeout_slack_s = 300;
  int max_parallel = 512;  // steps in flight at once
  // Seals, stores and proves the configuration backup of `node` (the answer of its "backup"
  // call) at run time `now`; returns the stored record as JSON, whose "proven" says the backup
  // restored into a scratch node with the node's checksum. Set by a real run: then an install on
  // a node does not start before a proven backup of that node is on record (journaled, so it
  // holds across resume), and a plan that never backs up a node it installs on does not start.
  // Unset (the simulator): backups are judged, not kept, and installs are not held back.
  using KeepBackup = std::function<Result<nlohmann::json, std::string>(
      const std::string& node, const nlohmann::json& answer, double now)>;
  KeepBackup keep_backup;
  // Where keep_backup runs. Set by a real run: `work` (sealing, writing and proving a backup,
  // milliseconds of CPU and disk each) runs on a worker thread and `done(returned)` comes back
  // on the executor's thread (returned = false: it did not finish within its deadline), so
  // hundreds of backups do not hold up every other step. `work` touches only what it captured.
  // Unset (the simulator, unit tests): keep_backup runs inline.
  using OffThread =
      std::function<void(std::function<void()> work, std::function<void(bool returned)> done)>;
  OffThread backup_worker;
  // Overrides the plan's policy for configuration changed during the run (an operator's decision
  // at `resume`, journaled as an event).
  std::optional<ConfigChangePolicy> config_changes;
  // Wall clock (unix seconds) for maintenance windows; unset: windows are not enforced (the
  // simulator predicts a run, it does not keep a calendar).
  std::function<double()> wall_now;
};

// How often a real run observes nodes while it waits: every 5 model seconds, but not more often
// than every 20 ms of wall time (a scaled lab runs model time fast). The simulator uses the same
// figure, so its prediction and the measured run poll alike.
inline double default_poll_interval_s(double time_scale) {
  return std::max(5.0, 0.02 / time_scale);
}
// The reaction bound a real run keeps: 0.9 s of wall time (inside the one-second goal, with room
// for the observation itself), in model seconds.
inline double default_reaction_s(double time_scale) { return 0.9 / time_scale; }
// The poll budget a real run keeps: at most ~2,000 observations per wall second in all, however
// many steps wait at once (model seconds per step in flight). The simulator keeps it too.
inline double default_poll_spacing_s(double time_scale) { return 0.0005 / time_scale; }

// The run's states; every change goes through Executor::transition, which journals it.
enum class RunState {
  kNew,
  kRunning,
  kWaitingApproval,
  kPaused,
  kFailed,
  kCompleted,
  kRollingBack,
  kRolledBack,
  kRollbackIncomplete
};
const char* to_string(RunState s);

struct RunOutcome {
  std::string state;    // to_string(RunState): completed | paused | failed | rolled-back |
                        // rollback-incomplete
  std::string message;  // what happened, what to do next
};

// Live progress for people (the terminal) and for reports.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void step_started(const plan::Step&, double /*model_now*/) {}
  virtual void step_finished(const plan::Step&, journal::StepState, const std::string& /*message*/,
                             double /*model_now*/) {}
  virtual void note(const std::string& /*node*/, const std::string& /*message*/,
                    double /*model_now*/) {}
};

class Executor {
 public:
  Executor(plan::Plan plan, const catalog::Catalog* catalog, Scheduler& clock,
           drivers::Drivers drivers, journal::Journal& journal, ExecutorOptions options,
           ProgressSink* sink = nullptr);
  ~Executor();

  // Runs (or resumes, from what the journal holds) until completed, paused, or failed.
  void start(std::function<void(const RunOutcome&)> done);
  // Undoes the completed steps in reverse order where they can be undone.
  void start_rollback(std::function<void(const RunOutcome&)> done);

  const plan::Plan& plan() const { return plan_; }

 private:
  struct Run;  // one step in flight
  friend struct Run;

  void pump();
  // The one place a run changes state: journaled first; a failed journal write stops the run.
  void transition(RunState s, const std::string& message);
  void finish(RunState state, const std::string& message);
  // Stops launching steps; once the steps in flight end, the run is paused with `reason`.
  void request_pause(const std::string& reason);
  // A journal write failed: nothing more may be started (its record could be lost).
  void journal_failed(const std::string& what, const std::string& why);
  // A step that was launched but withdrew before its intent (a guard or the configuration check
  // paused the run): it stays pending.
  void step_withdrawn(const std::string& id);
  void load_config_baselines(const std::map<std::string, journal::StepRecord>& records);
  // With keep_backup: the first node the plan installs on without ever backing it up ("" = none).
  std::string installed_without_backup() const;
  // Group commit: journal writes asked for during one turn of the scheduler share one
  // transaction; each continuation runs once its write is durable, with the write's status
  // (a failed write also stops the run through journal_failed).
  using JournalStatus = Status<journal::JournalErrc>;
  void journal_write(std::function<JournalStatus()> write,
                     std::function<void(const JournalStatus&)> then = {});
  void flush_journal();
  // The node watcher: observations shared between the steps that look at one node. A request
  // for a node is answered from the last observation when it is at most `max_age` old and no
  // step has acted on the node since; joins an observation already on its way; otherwise asks
  // the node once for everyone waiting.
  void observe_node(const std::string& node, double max_age, drivers::Callback<ObservedNode> done);
  // Any action on a node makes what was seen of it before stale.
  void acted_on(const std::string& node);
  // Hands a fresh observation of `node` to the steps waiting on a gate that names it.
  void notify_gate_watchers(const std::string& node,
                            const Result<ObservedNode, drivers::DriverErrc>& r);
  // Why `step` may not start now under its cluster's maintenance windows ("" = it may).
  std::string window_refusal(const plan::Step& step);
  const Policy& policy_of(const std::string& cluster);
  ConfigChangePolicy config_change_policy(const std::string& cluster);
  drivers::TrafficSwitch* traffic();
  void launch(const plan::Step& step, bool interrupted);
  void step_done(const std::string& id, journal::StepState state, const std::string& message);
  void make_safe(std::function<void()> then);
  void next_undo();
  void queue_restore_software(const plan::Step& last_touch);
  bool satisfied(const std::string& id) const;
  void mark_done(std::size_t index);
  void event(const std::string& kind, const std::string& step, const std::string& node,
             const std::string& msg);
  // Driver completions are always delivered on a fresh turn of the scheduler.
  template <class T>
  drivers::Callback<T> later(drivers::Callback<T> cb);

  plan::Plan plan_;
  const catalog::Catalog* catalog_;
  Scheduler& clock_;
  drivers::Drivers drivers_;
  journal::Journal& journal_;
  ExecutorOptions opt_;
  ProgressSink* sink_;
  std::function<void(const RunOutcome&)> done_;

  std::map<std::string, journal::StepState> state_;
  // Dependency bookkeeping, so that finding the next steps costs O(children), not O(plan).
  std::map<std::string, std::size_t> index_;        // step id -> position in plan_.steps
  std::vector<std::vector<std::size_t>> children_;  // position -> dependents
  std::vector<int> waiting_on_;                     // position -> unfinished dependencies
  std::set<std::size_t> ready_;                     // dependencies done, not started (plan order)
  std::size_t done_count_ = 0;
  // Intent recorded, no outcome: reconcile first. Step id -> the intent's journaled detail.
  std::map<std::string, std::string> interrupted_;
  std::map<std::string, Policy> policies_;  // by cluster, parsed from the plan once
  std::map<std::string, std::unique_ptr<Run>> running_;
  std::string failure_;                   // first failure, stops the run
  std::string pause_;                     // why the run pauses (a guard, changed configuration)
  std::map<std::string, int> going_out_;  // node -> steps in flight taking it out of service
  std::map<std::string, ConfigSnapshot> config_baseline_;  // node -> configuration on record
  std::set<std::string> proven_backups_;  // nodes with a proven backup on record (keep_backup)
  std::vector<std::string> rollback_shortfalls_;  // what rollback could not return, by node
  std::set<std::string> soft_undos_;  // undo ids whose failure is reported, not a reason to stop
  bool finished_ = false;
  bool rolling_back_ = false;
  std::vector<plan::Step> undo_queue_;
  std::unique_ptr<drivers::TrafficSwitch> default_traffic_;
  struct PendingWrite {
    std::function<JournalStatus()> write;
    std::function<void(const JournalStatus&)> then;
  };
  std::vector<PendingWrite> journal_queue_;
  struct NodeView {
    std::optional<Result<ObservedNode, drivers::DriverErrc>> last;
    double at = 0;  // model time the last observation was asked for
    bool in_flight = false;
    std::uint64_t epoch = 0;  // bumped by every action on the node
    std::uint64_t asked_epoch = 0;
    std::vector<drivers::Callback<ObservedNode>> waiters;
  };
  std::map<std::string, NodeView> views_;
  // Steps waiting on their gate between their own looks, by the node the gate names, then by
  // journal id (a deterministic order): every fresh observation of the node re-checks them, so a
  // change is seen within one look of the node, whichever step asked for that look.
  std::map<std::string, std::map<std::string, Run*>> gate_watchers_;
  bool flush_scheduled_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace hitless::exec
