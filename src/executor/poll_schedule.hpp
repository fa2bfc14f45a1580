#pragma once
// When a step waiting on its gate looks again: the poll-interval policy of ExecutorOptions
// (poll_interval_s, reaction_s, reaction_share, poll_spacing_s), one schedule per waiting step.
// Looks themselves are shared per node (Executor::observe_node), so this sets how stale a step
// lets its view get, not how often a node is asked. Pure; single-threaded.

#include <cstddef>
#include <string>

#include "executor/executor.hpp"

namespace hitless::exec {

class PollSchedule {
 public:
  PollSchedule(const ExecutorOptions& options, double estimate_s, std::string step_id)
      : opt_(options), estimate_s_(estimate_s), step_id_(std::move(step_id)) {}

  // Model seconds until the next look, `elapsed_s` after the step acted, with `in_flight` steps
  // running. Aims at the step's estimate (most steps end about then), never further ahead than
  // the reaction bound; once the estimate passed, looks soon and backs off (doubling) up to the
  // bound. Jitter drawn from the step id only makes a look earlier, so many waiting steps do not
  // look in lockstep. Never sooner than poll_interval_s nor than the poll budget allows.
  double next(double elapsed_s, std::size_t in_flight);

 private:
  const ExecutorOptions& opt_;
  double estimate_s_;
  std::string step_id_;
  std::size_t polls_ = 0;
  std::size_t late_polls_ = 0;  // looks after the estimate passed (they back off)
};

}  // namespace hitless::exec
