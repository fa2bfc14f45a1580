#include "executor/executor.hpp"

#include "common/durations.hpp"
#include "drivers/shared_ip_switch.hpp"
#include "executor/step_run.hpp"
#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {

using journal::StepState;

const char* to_string(RunState s) {
  switch (s) {
    case RunState::kNew:
      return "new";
    case RunState::kRunning:
      return "running";
    case RunState::kWaitingApproval:
      return "waiting-approval";
    case RunState::kPaused:
      return "paused";
    case RunState::kFailed:
      return "failed";
    case RunState::kCompleted:
      return "completed";
    case RunState::kRollingBack:
      return "rolling-back";
    case RunState::kRolledBack:
      return "rolled-back";
    case RunState::kRollbackIncomplete:
      return "rollback-incomplete";
  }
  return "?";
}

Executor::Executor(plan::Plan plan, const catalog::Catalog* catalog, Scheduler& clock,
                   drivers::Drivers drivers, journal::Journal& journal, ExecutorOptions options,
                   ProgressSink* sink)
    : plan_(std::move(plan)),
      catalog_(catalog),
      clock_(clock),
      drivers_(drivers),
      journal_(journal),
      opt_(std::move(options)),
      sink_(sink) {}

Executor::~Executor() {
  *alive_ = false;
  running_.clear();  // Runs unregister from going_out_ while the executor is still whole
}

template <class T>
drivers::Callback<T> Executor::later(drivers::Callback<T> cb) {
  return [this, cb = std::move(cb),
          alive = std::weak_ptr<bool>(alive_)](Result<T, drivers::DriverErrc> r) mutable {
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
template drivers::Callback<bool> Executor::later(drivers::Callback<bool>);

drivers::TrafficSwitch* Executor::traffic() {
  if (drivers_.traffic) return drivers_.traffic;
  if (!default_traffic_)
    default_traffic_ = std::make_unique<drivers::SharedIpTrafficSwitch>(*drivers_.appliance);
  return default_traffic_.get();
}

const Policy& Executor::policy_of(const std::string& cluster) {
  auto it = policies_.find(cluster);
  if (it != policies_.end()) return it->second;
  // Parsed once per cluster: the plan carries it as JSON, read on every launch otherwise.
  // A policy that does not parse was refused when the plan was loaded; defaults stand in.
  auto p = plan::cluster_policy(plan_, cluster);
  return policies_.emplace(cluster, p ? *p : Policy{}).first->second;
}

ConfigChangePolicy Executor::config_change_policy(const std::string& cluster) {
  if (opt_.config_changes) return *opt_.config_changes;
  return policy_of(cluster).config_changes;
}

void Executor::event(const std::string& kind, const std::string& step, const std::string& node,
                     const std::string& msg) {
  journal::Event e;
  e.model = clock_.now();
  e.kind = kind;
  e.step_id = step;
  e.node = node;
  e.message = msg;
  journal_write([this, e] { return journal_.add_event(e); });
  if (sink_ && kind != "step-done" && kind != "step-failed") sink_->note(node, msg, e.model);
}

void Executor::journal_write(std::function<JournalStatus()> write,
                             std::function<void(const JournalStatus&)> then) {
  journal_queue_.push_back({std::move(write), std::move(then)});
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  clock_.call_after(0, [this, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.lock()) flush_journal();
  });
}

void Executor::acted_on(const std::string& node) { ++views_[node].epoch; }

void Executor::observe_node(const std::string& node, double max_age,
                            drivers::Callback<ObservedNode> done) {
  NodeView& v = views_[node];
  if (v.last && !v.in_flight && v.asked_epoch == v.epoch && clock_.now() - v.at <= max_age) {
    auto copy = std::make_shared<Result<ObservedNode, drivers::DriverErrc>>(*v.last);
    clock_.call_after(0, [done = std::move(done), copy, alive = std::weak_ptr<bool>(alive_)] {
      if (alive.lock()) done(*copy);
    });
    return;
  }
  v.waiters.push_back(std::move(done));
  // One on its way that was asked for after the last action on the node: everyone shares it.
  if (v.in_flight && v.asked_epoch == v.epoch) return;
  v.in_flight = true;
  v.at = clock_.now();
  v.asked_epoch = v.epoch;
  drivers_.appliance->observe(
      node, later<ObservedNode>(
                [this, node, epoch = v.epoch](Result<ObservedNode, drivers::DriverErrc> r) {
                  NodeView& w = views_[node];
                  if (w.asked_epoch != epoch)
                    return;  // a newer request (after an action) answers the waiters
                  w.in_flight = false;
                  w.last = r;
                  auto waiters = std::move(w.waiters);
                  w.waiters.clear();
                  for (auto& cb : waiters) cb(r);
                  notify_gate_watchers(node, r);
                }));
}

void Executor::notify_gate_watchers(const std::string& node,
                                    const Result<ObservedNode, drivers::DriverErrc>& r) {
  auto it = gate_watchers_.find(node);
  if (it == gate_watchers_.end()) return;
  // A step that passes leaves the watchers: walk a copy, and skip any that left meanwhile.
  const auto watchers = it->second;
  for (const auto& [id, run] : watchers) {
    auto now = gate_watchers_.find(node);
    if (now == gate_watchers_.end()) return;
    if (now->second.count(id)) run->seen(node, r);
  }
}

void Executor::flush_journal() {
  flush_scheduled_ = false;
  auto batch = std::move(journal_queue_);
  journal_queue_.clear();
  if (batch.empty()) return;
  std::vector<JournalStatus> results;
  results.reserve(batch.size());
  JournalStatus opened = journal_.begin_batch();
  for (auto& w : batch) results.push_back(opened ? w.write() : opened);
  // Nothing in the batch is durable until the commit; if it fails, every write failed.
  if (auto committed = journal_.commit_batch(); !committed)
    for (auto& r : results) r = committed;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!results[i]) journal_failed("a record", results[i].message());
    if (batch[i].then) batch[i].then(results[i]);
  }
}

void Executor::transition(RunState s, const std::string& message) {
  if (auto r = journal_.set_run_state(to_string(s), message); !r)
    journal_failed("the run state", r.message());
}

void Executor::journal_failed(const std::string& what, const std::string& why) {
  if (failure_.rfind("the journal", 0) == 0) return;
  // Replaces any other reason: a run whose journal cannot be written must not go on.
  failure_ = "the journal cannot be written (" + what + ": " + why +
             "); the run stopped so that nothing is done off the record. "
             "Free space or fix the file, then `hitless resume`";
}

void Executor::request_pause(const std::string& reason) {
  if (pause_.empty()) pause_ = reason;
}

void Executor::step_withdrawn(const std::string& id) {
  const auto idx = index_.find(id);
  if (idx != index_.end()) ready_.insert(idx->second);  // still pending: resume starts it again
  clock_.call_after(0, [this, id, alive = std::weak_ptr<bool>(alive_)] {
    if (!alive.lock()) return;
    running_.erase(id);
    pump();
  });
}

void Executor::load_config_baselines(const std::map<std::string, journal::StepRecord>& records) {
  // In plan order, so a later record (after a sync) replaces an earlier one (the backup).
  for (const auto& s : plan_.steps) {
    auto rec = records.find(s.id);
    if (rec == records.end() || rec->second.state != StepState::kSucceeded) continue;
    auto detail = nlohmann::json::parse(
        rec->second.detail_json.empty() ? "{}" : rec->second.detail_json, nullptr, false);
    if (!detail.is_object()) continue;
    if (detail.contains("@backup") && detail["@backup"].value("proven", false))
      proven_backups_.insert(detail["@backup"].value("node", ""));
    if (!detail.contains("@config")) continue;
    for (const auto& [node, snap] : detail["@config"].items())
      if (auto c = config_from_answer(snap)) config_baseline_[node] = *c;
  }
}

std::string Executor::installed_without_backup() const {
  if (!opt_.keep_backup) return "";
  std::set<std::string> backed_up;
  for (const auto& s : plan_.steps)
    if (s.verb == plan::Verb::kBackup) backed_up.insert(s.targets.begin(), s.targets.end());
  for (const auto& s : plan_.steps)
    if (s.verb == plan::Verb::kInstall)
      for (const auto& n : s.targets)
        if (!backed_up.count(n)) return n;
  return "";
}

void Executor::start(std::function<void(const RunOutcome&)> done) {
  done_ = std::move(done);
  if (auto why = VerbRegistry::builtin().unsupported(plan_); !why.empty())
    return finish(RunState::kFailed, why);
  if (auto node = installed_without_backup(); !node.empty())
    return finish(RunState::kFailed, "the plan installs on " + node +
                                         " but never backs it up: no install starts without a "
                                         "proven backup (make a new plan)");
  for (std::size_t i = 0; i < plan_.steps.size(); ++i) {
    state_[plan_.steps[i].id] = StepState::kPending;
    index_[plan_.steps[i].id] = i;
  }
  children_.assign(plan_.steps.size(), {});
  waiting_on_.assign(plan_.steps.size(), 0);
  for (std::size_t i = 0; i < plan_.steps.size(); ++i)
    for (const auto& a : plan_.steps[i].after) {
      auto it = index_.find(a);
      if (it == index_.end()) {
        ++waiting_on_[i];  // a dangling dependency: the step can never run (reported at the end)
        continue;
      }
      children_[it->second].push_back(i);
      ++waiting_on_[i];
    }
  // The journal is read once: states, interrupted steps with their intents, baselines.
  const auto records = journal_.steps();
  for (const auto& [id, rec] : records) {
    if (!state_.count(id)) continue;  // undo records and the like
    if (rec.state == StepState::kSucceeded || rec.state == StepState::kSkipped)
      state_[id] = rec.state;
    if (rec.state == StepState::kRunning) interrupted_.emplace(id, rec.detail_json);
    if (rec.state == StepState::kUndone)
      return finish(RunState::kFailed,
                    "this run was rolled back; make a new plan to upgrade again");
  }
  load_config_baselines(records);
  for (std::size_t i = 0; i < plan_.steps.size(); ++i)
    if (satisfied(plan_.steps[i].id)) mark_done(i);
  for (std::size_t i = 0; i < plan_.steps.size(); ++i)
    if (waiting_on_[i] == 0 && !satisfied(plan_.steps[i].id)) ready_.insert(i);
  transition(RunState::kRunning, "");
  if (opt_.config_changes)
    event("policy", "", "",
          std::string("configuration changed during the run: ") + to_string(*opt_.config_changes) +
              " (given at resume)");
  event("run", "", "",
        interrupted_.empty()
            ? "run started"
            : "run resumed; " + std::to_string(interrupted_.size()) + " step(s) to reconcile");
  clock_.call_after(0, [this, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.lock()) pump();
  });
}

bool Executor::satisfied(const std::string& id) const {
  auto it = state_.find(id);
  return it != state_.end() &&
         (it->second == StepState::kSucceeded || it->second == StepState::kSkipped);
}

void Executor::mark_done(std::size_t index) {
  ++done_count_;
  for (std::size_t child : children_[index])
    if (--waiting_on_[child] == 0 && !satisfied(plan_.steps[child].id)) ready_.insert(child);
}

void Executor::pump() {
  if (finished_ || rolling_back_) return;
  if (!failure_.empty()) {
    if (running_.empty()) make_safe([this] { finish(RunState::kFailed, failure_); });
    return;
  }
  if (!pause_.empty()) {
    if (running_.empty()) finish(RunState::kPaused, pause_);
    return;
  }
  for (auto it = ready_.begin();
       it != ready_.end() && static_cast<int>(running_.size()) < opt_.max_parallel;) {
    const plan::Step& s = plan_.steps[*it];
    if (opt_.stop_after_phase >= 0 && s.phase > opt_.stop_after_phase) {
      ++it;
      continue;
    }
    // An interrupted step is already acting: it is reconciled whatever the time.
    if (!interrupted_.count(s.id))
      if (auto why = window_refusal(s); !why.empty()) {
        request_pause(why);
        break;
      }
    it = ready_.erase(it);
    launch(s, interrupted_.count(s.id) > 0);
    if (!pause_.empty() || !failure_.empty()) break;
  }
  if (!running_.empty()) return;
  if (!pause_.empty()) return finish(RunState::kPaused, pause_);
  if (done_count_ == plan_.steps.size())
    return finish(RunState::kCompleted, "every step succeeded; the plan is complete");
  if (!ready_.empty()) {
    const auto& ph = plan_.phases.at(static_cast<std::size_t>(opt_.stop_after_phase));
    return finish(RunState::kPaused,
                  "phase " + std::to_string(ph.index + 1) + " (" + ph.name +
                      ") is complete; continue in the next window with `hitless resume`");
  }
  finish(RunState::kFailed, "no step can run (a dependency is missing); the plan may be damaged");
}

std::string Executor::window_refusal(const plan::Step& step) {
  if (!opt_.wall_now) return "";
  const Policy* policy = &policy_of(step.cluster);
  if (policy->windows.empty()) return "";
  const double now = opt_.wall_now();
  const double needs = step.estimate_s * plan_.time_scale;  // wall seconds
  for (const auto& w : policy->windows) {
    if (now >= static_cast<double>(w.end)) continue;
    if (now < static_cast<double>(w.start))
      return "outside the maintenance windows: " + step.id + " waits for the window " +
             to_string(w) + "; `hitless resume` then";
    if (now + needs <= static_cast<double>(w.end)) return "";
    return step.id + " needs " + format_duration(needs) + " but the window " + to_string(w) +
           " has " + format_duration(static_cast<double>(w.end) - now) +
           " left; it did not start. `hitless resume` in the next window";
  }
  return "every maintenance window of cluster " + step.cluster + " has passed; " + step.id +
         " did not start. Add a window to the policy (a new plan) to go on";
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
  if (rolling_back_ && st == StepState::kSucceeded && step)
    journal_write([this, id, message, now = clock_.now()] {
      return journal_.record_outcome(id, StepState::kUndone, now, "undone: " + message, "{}");
    });
  interrupted_.erase(id);
  if (sink_ && step) sink_->step_finished(*step, st, message, clock_.now());
  event(st == StepState::kSucceeded ? "step-done" : "step-failed", id, "", message);
  if (st == StepState::kFailed && rolling_back_ && soft_undos_.count(id))
    rollback_shortfalls_.push_back(message);
  else if (st == StepState::kFailed && failure_.empty())
    failure_ = id + ": " + message;
  clock_.call_after(0, [this, id, alive = std::weak_ptr<bool>(alive_)] {
    if (!alive.lock()) return;
    running_.erase(id);
    rolling_back_ ? next_undo() : pump();
  });
}

void Executor::finish(RunState state, const std::string& message) {
  if (finished_) return;
  finished_ = true;
  flush_journal();  // every record before the run's last state
  transition(state, message);
  event("run", "", "", std::string(to_string(state)) + ": " + message);
  auto done = std::move(done_);
  RunOutcome out{to_string(state), message};
  clock_.call_after(0, [done, out, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.lock() && done) done(out);
  });
}

}  // namespace hitless::exec
