#include "executor/poll_schedule.hpp"

#include <algorithm>
#include <functional>

namespace hitless::exec {

double PollSchedule::next(double elapsed_s, std::size_t in_flight) {
  const auto& o = opt_;
  const double budget = static_cast<double>(in_flight) * o.poll_spacing_s;
  if (o.reaction_s <= 0) return std::max(o.poll_interval_s, budget);
  const double bound = std::max(o.reaction_s, o.reaction_share * estimate_s_);
  double delay;
  if (elapsed_s + o.poll_interval_s < estimate_s_) {
    delay = std::min(bound, estimate_s_ - elapsed_s);
  } else {
    delay = std::min(bound, o.poll_interval_s * static_cast<double>(1u << std::min<std::size_t>(
                                                                        late_polls_++, 20)));
  }
  const std::size_t h = std::hash<std::string>{}(step_id_ + "#" + std::to_string(polls_++));
  if (delay >= bound) delay *= 0.8 + 0.2 * static_cast<double>(h % 1000) / 1000.0;
  return std::max({o.poll_interval_s, delay, budget});
}

}  // namespace hitless::exec
