#pragma once
// Scheduler: the clock seam. The lab's node model and (later) the executor read time and schedule
// work only through this interface, so the same code runs on the real clock (AsioScheduler, in
// src/net) and on a virtual clock (VirtualScheduler) inside the simulator.
// Time is "model time" in seconds: the appliance's own time, before any --time-scale.
// Implementations are single-threaded: call them only from the thread that runs them.

#include <cstdint>
#include <functional>

namespace hitless {

using TimerId = std::uint64_t;

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Model seconds since the scheduler started.
  virtual double now() const = 0;
  // Runs fn once, at model time now() + delay_s (delay < 0 counts as 0). Never runs it inline.
  virtual TimerId call_after(double delay_s, std::function<void()> fn) = 0;
  // Cancelling an unknown or already-run timer is a no-op.
  virtual void cancel(TimerId id) = 0;
};

}  // namespace hitless
