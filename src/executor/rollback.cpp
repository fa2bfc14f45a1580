// Rollback: undo completed steps in reverse order where they can be undone. Part of Executor.
#include <set>

#include "executor/executor.hpp"
#include "executor/step_run.hpp"

namespace hitless::exec {

using journal::StepState;

namespace {

std::vector<plan::Condition> undo_gate(const plan::Undo& u) {
  using plan::Verb;
  switch (u.verb) {
    case Verb::kEstablishHa:
      return {{"ha-role", u.params.value("primary", ""), "primary"}, {"ha-role", u.params.value("backup", ""), "backup"}};
    case Verb::kBreakHa:
      return {{"ha-none", u.targets.at(0), ""}, {"ha-none", u.targets.at(1), ""}};
    case Verb::kSwitchTraffic:
      return {{"owns-shared-ip", u.params.value("to", ""), ""}, {"service-from", u.params.value("to", ""), ""}};
    default:
      return {};  // select-boot-slot: computed when the step looks at the node
  }
}

}  // namespace

void Executor::start_rollback(std::function<void(const RunOutcome&)> done) {
  done_ = std::move(done);
  rolling_back_ = true;
  const auto records = journal_.steps();
  std::set<std::string> boot_slot_undone;  // one A/B slot: only a node's last install can be undone
  for (auto it = plan_.steps.rbegin(); it != plan_.steps.rend(); ++it) {
    const plan::Step& s = *it;
    auto rec = records.find(s.id);
    if (rec == records.end() || rec->second.state != StepState::kSucceeded || !s.undo) continue;
    if (s.undo->verb == plan::Verb::kSelectBootSlot) {
      const std::string node = s.undo->targets.front();
      if (boot_slot_undone.count(node)) {
        event("rollback", s.id, node, "not undone: " + node + "'s previous slot already holds the image from before " + s.id);
        continue;
      }
      boot_slot_undone.insert(node);
    }
    plan::Step u;
    u.id = s.id;
    u.verb = s.undo->verb;
    u.cluster = s.cluster;
    u.targets = s.undo->targets;
    u.params = s.undo->params;
    u.gate = undo_gate(*s.undo);
    u.estimate_s = std::max(60.0, s.estimate_s);
    u.repeat_safe = true;
    u.title = "undo: " + s.undo->title;
    undo_queue_.push_back(std::move(u));
  }
  (void)journal_.set_run_state("rolling-back", "");
  event("run", "", "", "rollback started: " + std::to_string(undo_queue_.size()) + " step(s) to undo");
  clock_.call_after(0, [this, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.lock()) next_undo();
  });
}

void Executor::next_undo() {
  if (finished_) return;
  if (!failure_.empty()) return make_safe([this] { finish("failed", "rollback stopped: " + failure_); });
  if (undo_queue_.empty()) return finish("rolled-back", "every completed step that can be undone was undone");
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
