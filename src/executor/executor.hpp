#pragma once
// Executor: carries out a plan against drivers, many nodes at once, on one thread.
// Every step goes: preconditions (observed) -> intent journaled -> actions -> gate polled until
// it holds or times out -> outcome journaled. A step interrupted by a crash is reconciled from
// observation on resume, never blindly re-run unless it is safe to repeat. The first failure
// stops the run (no new steps anywhere) and makes each cluster safe: if nobody serves its
// clients but a member could, traffic is moved there. Phases let a run stop after a maintenance
// window and continue later. Rollback undoes completed steps in reverse where they can be undone.
// Time comes from the Scheduler, so the simulator runs this same code on a virtual clock.
// Single-threaded: drive it from the scheduler's thread.

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "catalog/catalog.hpp"
#include "common/scheduler.hpp"
#include "drivers/drivers.hpp"
#include "executor/conditions.hpp"
#include "journal/journal.hpp"
#include "planner/plan.hpp"

namespace hitless::exec {

struct ExecutorOptions {
  bool auto_approve = false;
  int stop_after_phase = -1;      // -1: run every phase
  double poll_interval_s = 5;     // model seconds between observations while a gate is pending
  double approval_poll_s = 2;     // model seconds between checks for an operator's approval
  // Poll budget: with many steps waiting at once, each waits at least (steps in flight x this)
  // between observations, so the total polling rate stays bounded. 0 = no budget.
  double poll_spacing_s = 0;
  double timeout_factor = 3;      // a gate times out after estimate * factor + slack
  double timeout_slack_s = 300;
  int max_parallel = 512;         // steps in flight at once
  std::string backup_dir;         // configuration backups are written here ("" = not written)
};

// How often a real run observes nodes while it waits: every 5 model seconds, but not more often
// than every 20 ms of wall time (a scaled lab runs model time fast). The simulator uses the same
// figure, so its prediction and the measured run poll alike.
inline double default_poll_interval_s(double time_scale) { return std::max(5.0, 0.02 / time_scale); }

struct RunOutcome {
  std::string state;    // completed | paused | failed | rolled-back
  std::string message;  // what happened, what to do next
};

// Live progress for people (the terminal) and for reports.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void step_started(const plan::Step&, double /*model_now*/) {}
  virtual void step_finished(const plan::Step&, journal::StepState, const std::string& /*message*/, double /*model_now*/) {}
  virtual void note(const std::string& /*node*/, const std::string& /*message*/, double /*model_now*/) {}
};

class Executor {
 public:
  Executor(plan::Plan plan, const catalog::Catalog* catalog, Scheduler& clock, drivers::Drivers drivers,
           journal::Journal& journal, ExecutorOptions options, ProgressSink* sink = nullptr);
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
  void finish(const std::string& state, const std::string& message);
  void launch(const plan::Step& step, bool interrupted);
  void step_done(const std::string& id, journal::StepState state, const std::string& message);
  void make_safe(std::function<void()> then);
  void next_undo();
  bool satisfied(const std::string& id) const;
  void mark_done(std::size_t index);
  void event(const std::string& kind, const std::string& step, const std::string& node, const std::string& msg);
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
  std::map<std::string, std::size_t> index_;         // step id -> position in plan_.steps
  std::vector<std::vector<std::size_t>> children_;   // position -> dependents
  std::vector<int> waiting_on_;                      // position -> unfinished dependencies
  std::set<std::size_t> ready_;                      // dependencies done, not started (plan order)
  std::size_t done_count_ = 0;
  std::set<std::string> interrupted_;  // intent recorded, no outcome: reconcile first
  std::map<std::string, std::unique_ptr<Run>> running_;
  std::string failure_;  // first failure, stops the run
  bool finished_ = false;
  bool rolling_back_ = false;
  std::vector<plan::Step> undo_queue_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace hitless::exec
