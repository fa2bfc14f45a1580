#pragma once
// ProbeStats: accumulates request and session outcomes into a ProbeReport (counters, causes, the
// per-second series, the longest gap without a success and the outages). Times are seconds since
// the probe started, passed in by the caller, so this is pure and testable. Single-threaded.

#include <cstdint>
#include <string>
#include <string_view>

#include "probe/probe.hpp"

namespace hitless::probe::detail {

class ProbeStats {
 public:
  explicit ProbeStats(std::string target);

  // A request started at `started_s` (its series bucket) and answered 200 at `finished_s`.
  void request_ok(double started_s, double finished_s, const std::string& node);
  void request_failed(double started_s, std::string_view cause);

  void session_opened(double t_s);
  void session_ended(double t_s, bool completed);  // completed, else dropped
  void session_failed();
  void session_transferred();  // still open, now on another node
  uint64_t sessions_open() const { return open_; }

  // Sessions still open become sessions_still_open; the series is filled up to `ended_s`.
  ProbeReport finish(double ended_s, bool interrupted);

 private:
  SecondBucket& bucket(double t_s);
  void set_open(double t_s, uint64_t open);
  void end_outage(double t_s);

  ProbeReport report_;
  double last_success_s_ = 0;
  // Start of the stretch of failures not yet followed by a success; negative when none is open.
  double outage_start_s_ = -1;
  uint64_t open_ = 0;
  // Buckets up to and including this one hold their final sessions_open.
  std::size_t open_filled_ = 0;
};

}  // namespace hitless::probe::detail
