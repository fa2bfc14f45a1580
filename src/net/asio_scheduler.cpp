#include "net/asio_scheduler.hpp"

#include <boost/asio.hpp>

namespace hitless::net {
namespace {
double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

struct AsioScheduler::Timer {
  explicit Timer(boost::asio::io_context& io) : t(io) {}
  boost::asio::steady_timer t;
};

AsioScheduler::AsioScheduler(boost::asio::io_context& io, double time_scale)
    : io_(io), scale_(time_scale > 0 ? time_scale : 1), start_(steady_seconds()) {}

AsioScheduler::~AsioScheduler() = default;

double AsioScheduler::now() const { return (steady_seconds() - start_) / scale_; }

TimerId AsioScheduler::call_after(double delay_s, std::function<void()> fn) {
  const TimerId id = next_++;
  auto timer = std::make_unique<Timer>(io_);
  const double wall = std::max(0.0, delay_s) * scale_;
  timer->t.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(wall)));
  timer->t.async_wait([this, id, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled
    auto it = timers_.find(id);
    if (it == timers_.end()) return;
    auto keep = std::move(it->second);  // the callback may schedule or cancel others
    timers_.erase(it);
    fn();
  });
  timers_.emplace(id, std::move(timer));
  return id;
}

void AsioScheduler::cancel(TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  it->second->t.cancel();
  timers_.erase(it);
}

}  // namespace hitless::net
