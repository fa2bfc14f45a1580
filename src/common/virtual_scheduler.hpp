#pragma once
// VirtualScheduler: a Scheduler on a virtual clock. Time moves only when run_until/run_all is
// called, jumping from one due timer to the next, so hours of appliance time take microseconds.
// Timers due at the same instant run in the order they were scheduled. Single-threaded.

#include <map>
#include <utility>

#include "common/scheduler.hpp"

namespace hitless {

class VirtualScheduler final : public Scheduler {
 public:
  double now() const override { return now_; }
  TimerId call_after(double delay_s, std::function<void()> fn) override;
  void cancel(TimerId id) override;

  // Runs every timer due at or before t, then sets the clock to t.
  void run_until(double t);
  // Runs until no timer is left or max_time is reached; returns the final time.
  double run_all(double max_time = 1e12);
  bool idle() const { return queue_.empty(); }

 private:
  double now_ = 0;
  TimerId next_id_ = 1;
  // (due time, id) -> callback; id breaks ties in scheduling order.
  std::map<std::pair<double, TimerId>, std::function<void()>> queue_;
  std::map<TimerId, double> due_of_;
};

}  // namespace hitless
