// Rollback: return every node the run touched to its pre-run software where a firmware slot still
// holds it, and undo completed steps in reverse order where they can be undone. What cannot be
// returned is named node by node (and the run ends "rollback-incomplete"), never claimed undone;
// a relation is never re-established between nodes whose packages differ. Part of Executor.
#include <set>

#include "executor/executor.hpp"
#include "executor/step_run.hpp"
#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {

using journal::StepState;

namespace {

// Steps that change which software a node runs (or will boot).
bool changes_software(plan::Verb v) {
  return v == plan::Verb::kInstall || v == plan::Verb::kReboot || v == plan::Verb::kSelectBootSlot;
}

}  // namespace

void Executor::queue_restore_software(const plan::Step& last_touch) {
  const std::string node = last_touch.targets.at(0);
  const ObservedNode* before = plan_.observed.find(node);
  if (!before || !before->reachable) {
    rollback_shortfalls_.push_back(node +
                                   ": its software before the run is not on record; not restored");
    return;
  }
  plan::Step u;
  u.id = "restore:" + node;
  u.verb = plan::Verb::kRestoreSoftware;
  u.cluster = last_touch.cluster;
  u.targets = {node};
  u.params = {{"version", before->version}, {"packages", before->packages}};
  u.gate = VerbRegistry::builtin().find(u.verb)->implied_gate(u);
  u.estimate_s = std::max(600.0, last_touch.estimate_s);
  u.repeat_safe = true;
  u.title = "Return " + node + " to its software from before the run (" + before->version + ")";
  soft_undos_.insert(u.id);
  undo_queue_.push_back(std::move(u));
}

void Executor::start_rollback(std::function<void(const RunOutcome&)> done) {
  done_ = std::move(done);
  rolling_back_ = true;
  const auto records = journal_.steps();
  std::set<std::string> restoring;
  for (auto it = plan_.steps.rbegin(); it != plan_.steps.rend(); ++it) {
    const plan::Step& s = *it;
    auto rec = records.find(s.id);
    if (rec == records.end()) continue;  // never started
    // Completed, failed or interrupted: any install or reboot that reached the node.
    if (changes_software(s.verb) && !s.targets.empty()) {
      if (restoring.insert(s.targets.front()).second) queue_restore_software(s);
      continue;
    }
    if (rec->second.state != StepState::kSucceeded || !s.undo) continue;
    plan::Step u;
    u.id = s.id;
    u.verb = s.undo->verb;
    u.cluster = s.cluster;
    u.targets = s.undo->targets;
    u.params = s.undo->params;
    u.gate = VerbRegistry::builtin().find(u.verb)->implied_gate(u);
    u.estimate_s = std::max(60.0, s.estimate_s);
    u.repeat_safe = true;
    u.title = "undo: " + s.undo->title;
    // Re-establishing a relation is refused when the members' packages differ: reported, and the
    // rollback goes on with what it can still return.
    if (u.verb == plan::Verb::kEstablishHa) soft_undos_.insert(u.id);
    undo_queue_.push_back(std::move(u));
  }
  transition(RunState::kRollingBack, "");
  event("run", "", "",
        "rollback started: " + std::to_string(undo_queue_.size()) + " step(s) to undo");
  clock_.call_after(0, [this, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.lock()) next_undo();
  });
}

void Executor::next_undo() {
  if (finished_) return;
  if (!failure_.empty())
    return make_safe([this] { finish(RunState::kFailed, "rollback stopped: " + failure_); });
  if (undo_queue_.empty()) {
    if (rollback_shortfalls_.empty())
      return finish(
          RunState::kRolledBack,
          "every node runs its software from before the run, and every completed step that can be "
          "undone was undone");
    std::string what;
    for (const auto& s : rollback_shortfalls_) what += "\n  - " + s;
    return finish(RunState::kRollbackIncomplete, "rollback could not return everything:" + what);
  }
  plan::Step u = std::move(undo_queue_.front());
  undo_queue_.erase(undo_queue_.begin());
  const std::string original = u.id;
  auto run = std::make_unique<Run>(*this, u, false, "undo:" + original);
  Run* r = run.get();
  running_[original] = std::move(run);
  // When the undo succeeds, the original step is marked undone (step_done is called with its id).
  r->begin();
}

}  // namespace hitless::exec
