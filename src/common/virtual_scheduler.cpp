#include "common/virtual_scheduler.hpp"

namespace hitless {

TimerId VirtualScheduler::call_after(double delay_s, std::function<void()> fn) {
  const TimerId id = next_id_++;
  const double due = now_ + (delay_s > 0 ? delay_s : 0);
  queue_.emplace(std::make_pair(due, id), std::move(fn));
  due_of_.emplace(id, due);
  return id;
}

void VirtualScheduler::cancel(TimerId id) {
  auto it = due_of_.find(id);
  if (it == due_of_.end()) return;
  queue_.erase({it->second, id});
  due_of_.erase(it);
}

void VirtualScheduler::run_until(double t) {
  while (!queue_.empty() && queue_.begin()->first.first <= t) {
    auto node = queue_.extract(queue_.begin());
    due_of_.erase(node.key().second);
    now_ = node.key().first;
    node.mapped()();
  }
  if (t > now_) now_ = t;
}

double VirtualScheduler::run_all(double max_time) {
  while (!queue_.empty() && queue_.begin()->first.first <= max_time) {
    run_until(queue_.begin()->first.first);
  }
  return now_;
}

}  // namespace hitless
