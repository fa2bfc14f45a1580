// ProbeStats: pure accounting behind the probe report.

#include "probe/probe_stats.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace hitless::probe::detail {

ProbeStats::ProbeStats(std::string target) {
  report_.target = std::move(target);
  report_.start_unix =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  report_.series.push_back(SecondBucket{});
}

SecondBucket& ProbeStats::bucket(double t_s) {
  auto index = static_cast<std::size_t>(std::max(0.0, std::floor(t_s)));
  while (report_.series.size() <= index) {
    report_.series.push_back(SecondBucket{static_cast<int>(report_.series.size()), 0, 0, 0});
  }
  return report_.series[index];
}

void ProbeStats::request_ok(double started_s, double finished_s, const std::string& node) {
  ++report_.requests;
  ++report_.ok;
  ++bucket(started_s).ok;
  ++report_.answered_by[node];
  report_.max_gap_ms = std::max(report_.max_gap_ms, (finished_s - last_success_s_) * 1000);
  last_success_s_ = std::max(last_success_s_, finished_s);
  end_outage(finished_s);
}

void ProbeStats::end_outage(double t_s) {
  if (outage_start_s_ < 0) return;
  const double ms = std::max(0.0, t_s - outage_start_s_) * 1000;
  report_.max_outage_ms = std::max(report_.max_outage_ms, ms);
  report_.outage_ms += ms;
  outage_start_s_ = -1;
}

void ProbeStats::request_failed(double started_s, std::string_view cause) {
  ++report_.requests;
  ++report_.failed;
  ++bucket(started_s).failed;
  ++report_.failures_by_cause[std::string(cause)];
  // Requests overlap: a failure that started before the last success (answered after it) is
  // part of no stretch the client could not be served in.
  if (outage_start_s_ < 0 && started_s >= last_success_s_) outage_start_s_ = started_s;
}

void ProbeStats::set_open(double t_s, uint64_t open) {
  // Seconds that ended before this change keep the previous count.
  // Events arrive in time order; max() only guards against a clock that is not monotonic.
  std::size_t index = static_cast<std::size_t>(&bucket(t_s) - report_.series.data());
  index = std::max(index, open_filled_);
  for (std::size_t i = open_filled_ + 1; i < index; ++i) report_.series[i].sessions_open = open_;
  report_.series[index].sessions_open = open;
  open_filled_ = index;
  open_ = open;
}

void ProbeStats::session_opened(double t_s) {
  ++report_.sessions_opened;
  set_open(t_s, open_ + 1);
}

void ProbeStats::session_ended(double t_s, bool completed) {
  ++(completed ? report_.sessions_completed : report_.sessions_dropped);
  set_open(t_s, open_ > 0 ? open_ - 1 : 0);
}

void ProbeStats::session_failed() { ++report_.session_failures; }

void ProbeStats::session_transferred() { ++report_.sessions_transferred; }

ProbeReport ProbeStats::finish(double ended_s, bool interrupted) {
  ended_s = std::max(ended_s, 0.0);
  // A run of 2.0 s has buckets 0 and 1; one of 2.3 s also has a partial bucket 2.
  double last = std::max(0.0, std::ceil(ended_s) - 1);
  bucket(last);
  for (std::size_t i = open_filled_; i < report_.series.size(); ++i) {
    report_.series[i].sessions_open = open_;
  }
  report_.max_gap_ms = std::max(report_.max_gap_ms, (ended_s - last_success_s_) * 1000);
  end_outage(ended_s);
  report_.duration_s = ended_s;
  report_.sessions_still_open = open_;
  report_.interrupted = interrupted;
  return report_;
}

}  // namespace hitless::probe::detail
