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
  for (std::size_t i = 0; i < plan_.steps.size(); ++i) {
    state_[plan_.steps[i].id] = StepState::kPending;
    index_[plan_.steps[i].id] = i;
  }
  children_.assign(plan_.steps.size(), {});
  waiting_on_.assign(plan_.steps.size(), 0);
  for (std::size_t i = 0; i < plan_.steps.size(); ++i)
    for (const auto& a : plan_.steps[i].after) {
      auto it = index_.find(a);
      if (it == index_.end()) continue;  // a dangling dependency: the step can never run (reported at the end)
      children_[it->second].push_back(i);
      ++waiting_on_[i];
    }
  for (std::size_t i = 0; i < plan_.steps.size(); ++i)
    for (const auto& a : plan_.steps[i].after)
      if (!index_.count(a)) ++waiting_on_[i];
  for (const auto& [id, rec] : journal_.steps()) {
    if (!state_.count(id)) continue;  // undo records and the like
    if (rec.state == StepState::kSucceeded || rec.state == StepState::kSkipped) state_[id] = rec.state;
    if (rec.state == StepState::kRunning) interrupted_.insert(id);
    if (rec.state == StepState::kUndone) {
      finish("failed", "this run was rolled back; make a new plan to upgrade again");
      return;
    }
  }
  for (std::size_t i = 0; i < plan_.steps.size(); ++i)
    if (satisfied(plan_.steps[i].id)) mark_done(i);
  for (std::size_t i = 0; i < plan_.steps.size(); ++i)
    if (waiting_on_[i] == 0 && !satisfied(plan_.steps[i].id)) ready_.insert(i);
  (void)journal_.set_run_state("running", "");
  event("run", "", "", interrupted_.empty() ? "run started" : "run resumed; " + std::to_string(interrupted_.size()) + " step(s) to reconcile");
  clock_.call_after(0, [this, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.lock()) pump();
  });
}

bool Executor::satisfied(const std::string& id) const {
  auto it = state_.find(id);
  return it != state_.end() && (it->second == StepState::kSucceeded || it->second == StepState::kSkipped);
}

void Executor::mark_done(std::size_t index) {
  ++done_count_;
  for (std::size_t child : children_[index])
    if (--waiting_on_[child] == 0 && !satisfied(plan_.steps[child].id)) ready_.insert(child);
}

void Executor::pump() {
  if (finished_ || rolling_back_) return;
  if (!failure_.empty()) {
    if (running_.empty()) make_safe([this] { finish("failed", failure_); });
    return;
  }
  for (auto it = ready_.begin(); it != ready_.end() && static_cast<int>(running_.size()) < opt_.max_parallel;) {
    const plan::Step& s = plan_.steps[*it];
    if (opt_.stop_after_phase >= 0 && s.phase > opt_.stop_after_phase) {
      ++it;
      continue;
    }
    it = ready_.erase(it);
    launch(s, interrupted_.count(s.id) > 0);
  }
  if (!running_.empty()) return;
  if (done_count_ == plan_.steps.size()) return finish("completed", "every step succeeded; the plan is complete");
  if (!ready_.empty()) {
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
  if (!rolling_back_) {
    state_[id] = st;
    if (st == StepState::kSucceeded) mark_done(index_.at(id));
  }
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
