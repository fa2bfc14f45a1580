// Executor::Run, the steps that hold the run rather than act: a soak (time after a hop, journaled
// so a resumed run waits only what is left) and an operator's approval.
#include "common/durations.hpp"
#include "executor/step_run.hpp"

namespace hitless::exec {

// The soak's end is journaled with its intent: wall-clock time in a real run (the process may
// stop and resume hours later), model time in the simulator. A resumed run waits what is left.
void Executor::Run::soak() {
  const bool wall = static_cast<bool>(ex_.opt_.wall_now);
  nlohmann::json intent = nlohmann::json::object();
  if (auto it = ex_.interrupted_.find(journal_id_);
      it != ex_.interrupted_.end() && !it->second.empty())
    intent = nlohmann::json::parse(it->second, nullptr, false);
  if (intent.is_object() && intent.contains("@soak_until") && intent["@soak_until"].is_number()) {
    soak_until_ = intent["@soak_until"].get<double>();
  } else {
    const double seconds = step_.params.value("seconds", 0.0);
    soak_until_ =
        wall ? ex_.opt_.wall_now() + seconds * ex_.plan_.time_scale : ex_.clock_.now() + seconds;
    intent = {{"@soak_until", soak_until_}, {"@clock", wall ? "wall" : "model"}};
    ex_.journal_write([this, now = started_, d = intent.dump()] {
      return ex_.journal_.record_intent(journal_id_, now, d);
    });
  }
  intent_recorded_ = true;
  ex_.event("soak", journal_id_, step_.targets.empty() ? "" : step_.targets.front(),
            "soaking " + format_duration(soak_left_s()) + " after " +
                step_.params.value("after", std::string("the last hop")));
  poll_soak();
}

// Model seconds until the soak ends (<= 0: over).
double Executor::Run::soak_left_s() const {
  if (!ex_.opt_.wall_now) return soak_until_ - ex_.clock_.now();
  return (soak_until_ - ex_.opt_.wall_now()) / std::max(ex_.plan_.time_scale, 1e-12);
}

void Executor::Run::poll_soak() {
  const double left = soak_left_s();
  if (left <= 0)
    return succeed("soaked " + format_duration(step_.params.value("seconds", 0.0)) + " after " +
                   step_.params.value("after", std::string("the last hop")));
  ex_.clock_.call_after(left, [this, alive = std::weak_ptr<bool>(ex_.alive_)] {
    if (alive.lock()) poll_soak();
  });
}

void Executor::Run::poll_approval() {
  if (ex_.journal_.approved(journal_id_)) {
    ex_.transition(RunState::kRunning, "");
    return succeed("approved");
  }
  ex_.clock_.call_after(ex_.opt_.approval_poll_s, [this, alive = std::weak_ptr<bool>(ex_.alive_)] {
    if (alive.lock()) poll_approval();
  });
}

}  // namespace hitless::exec
