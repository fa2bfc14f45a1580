#include "executor/executor.hpp"

#include "executor/step_run.hpp"

namespace hitless::exec {

using journal::StepState;

Executor::Executor(plan::Plan plan, const catalog::Catalog* catalog, Scheduler& clock, drivers::Drivers drivers,
                   journal::Journal& journal, ExecutorOptions options, ProgressSink* sink)
    : plan_(std::move(plan)), catalog_(catalog), clock_(clock), drivers_(drivers), journal_(journal), opt_(std::move(options)), sink_(sink) {}

Executor::~Executor() { *alive_ = false; }

template <class T>
drivers::Callback<T> Executor::later(drivers::Callback<T> cb) {
  return [this, cb = std::move(cb), alive = std::weak_ptr<bool>(alive_)](Result<T, drivers::DriverErrc> r) mutable {
    if (!alive.lock()) return;
    auto shared = std::make_shared<Result<T, drivers::DriverErrc>>(std::move(r));
    clock_.call_after(0, [cb = std::move(cb), shared, alive] {
      if (alive.lock()) cb(std::move(*shared));
    });
  };
}
template drivers::Callback<ObservedNode> Executor::later(drivers::Callback<ObservedNode>);
template drivers::Callback<nlohmann::json> Executor::later(drivers::Callback<nlohmann::json>);
template drivers::Callback<std::string> Executor::later(drivers::Callback<std::string>);
template drivers::Callback<Unit> Executor::later(drivers::Callback<Unit>);

void Executor::event(const std::string& kind, const std::string& step, const std::string& node, const std::string& msg) {
  journal::Event e;
  e.model = clock_.now();
  e.kind = kind;
  e.step_id = step;
  e.node = node;
  e.message = msg;
  (void)journal_.add_event(e);
  if (sink_ && kind != "step-done" && kind != "step-failed") sink_->note(node, msg, e.model);
}

void Executor::start(std::function<void(const RunOutcome&)> done) {
  done_ = std::move(done);
  for (const auto& s : plan_.steps) state_[s.id] = StepState::kPending;
  for (const auto& [id, rec] : journal_.steps()) {
    if (!state_.count(id)) continue;  // undo records and the like
    if (rec.state == StepState::kSucceeded || rec.state == StepState::kSkipped) state_[id] = rec.state;
    if (rec.state == StepState::kRunning) interrupted_.insert(id);
    if (rec.state == StepState::kUndone) {
      finish("failed", "this run was rolled back; make a new plan to upgrade again");
      return;
    }
  }
  (void)journal_.set_run_state("running", "");
  event("run", "", "", interrupted_.empty() ? "run started" : "run resumed; " + std::to_string(interrupted_.size()) + " step(s) to reconcile");
  clock_.call_after(0, [this, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.lock()) pump();
  });
}

bool Executor::ready(const plan::Step& s) const {
  if (state_.at(s.id) != StepState::kPending || running_.count(s.id)) return false;
  if (opt_.stop_after_phase >= 0 && s.phase > opt_.stop_after_phase) return false;
  for (const auto& a : s.after) {
    auto it = state_.find(a);
    if (it == state_.end() || (it->second != StepState::kSucceeded && it->second != StepState::kSkipped)) return false;
  }
  return true;
}

void Executor::pump() {
  if (finished_ || rolling_back_) return;
  if (!failure_.empty()) {
    if (running_.empty()) make_safe([this] { finish("failed", failure_); });
    return;
  }
  for (const auto& s : plan_.steps) {
    if (static_cast<int>(running_.size()) >= opt_.max_parallel) break;
    if (ready(s)) launch(s, interrupted_.count(s.id) > 0);
  }
  if (!running_.empty()) return;
  bool all_done = true, later_phase = false;
  for (const auto& s : plan_.steps) {
    if (state_[s.id] == StepState::kSucceeded || state_[s.id] == StepState::kSkipped) continue;
    all_done = false;
    if (opt_.stop_after_phase >= 0 && s.phase > opt_.stop_after_phase) later_phase = true;
  }
  if (all_done) return finish("completed", "every step succeeded; the plan is complete");
  if (later_phase) {
    const auto& ph = plan_.phases.at(static_cast<std::size_t>(opt_.stop_after_phase));
    return finish("paused", "phase " + std::to_string(ph.index + 1) + " (" + ph.name + ") is complete; continue in the next window with `hitless resume`");
  }
  finish("failed", "no step can run (a dependency is missing); the plan may be damaged");
}

void Executor::launch(const plan::Step& step, bool interrupted) {
  auto run = std::make_unique<Run>(*this, step, interrupted, step.id);
  Run* r = run.get();
  running_[step.id] = std::move(run);
  r->begin();
}

void Executor::step_done(const std::string& id, StepState st, const std::string& message) {
  const plan::Step* step = plan_.find(id);
  if (!rolling_back_) state_[id] = st;
  if (rolling_back_ && st == StepState::kSucceeded)
    (void)journal_.record_outcome(id, StepState::kUndone, clock_.now(), "undone: " + message, "{}");
  interrupted_.erase(id);
  if (sink_ && step) sink_->step_finished(*step, st, message, clock_.now());
  event(st == StepState::kSucceeded ? "step-done" : "step-failed", id, "", message);
  if (st == StepState::kFailed && failure_.empty()) failure_ = id + ": " + message;
  clock_.call_after(0, [this, id, alive = std::weak_ptr<bool>(alive_)] {
    if (!alive.lock()) return;
    running_.erase(id);
    rolling_back_ ? next_undo() : pump();
  });
}

void Executor::finish(const std::string& state, const std::string& message) {
  if (finished_) return;
  finished_ = true;
  (void)journal_.set_run_state(state, message);
  event("run", "", "", state + ": " + message);
  auto done = std::move(done_);
  RunOutcome out{state, message};
  clock_.call_after(0, [done, out, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.lock() && done) done(out);
  });
}

}  // namespace hitless::exec
