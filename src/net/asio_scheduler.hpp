#pragma once
// AsioScheduler: the Scheduler seam on the real clock, for the lab daemon. Model time runs
// `1 / time_scale` times faster than wall time: with time_scale 0.001 a 30-minute install
// (1800 model seconds) takes 1.8 wall seconds. Runs on one io_context thread.

#include <map>
#include <memory>

#include "common/scheduler.hpp"

namespace boost::asio {
class io_context;
}

namespace hitless::net {

class AsioScheduler final : public Scheduler {
 public:
  AsioScheduler(boost::asio::io_context& io, double time_scale);
  ~AsioScheduler() override;
  double now() const override;
  TimerId call_after(double delay_s, std::function<void()> fn) override;
  void cancel(TimerId id) override;
  double time_scale() const { return scale_; }
  std::size_t pending() const { return timers_.size(); }

 private:
  struct Timer;
  boost::asio::io_context& io_;
  double scale_;
  double start_;  // steady clock seconds at construction
  TimerId next_ = 1;
  std::map<TimerId, std::unique_ptr<Timer>> timers_;
};

}  // namespace hitless::net
