#pragma once
// The probe: measures what clients of a cluster see. For a bounded time it sends requests to a
// loopback service address (or a name resolved through a DNS server) at a fixed rate and holds N
// long-lived sessions, then reports successes, failures by cause, the longest gap without a
// success, the outages (stretches seen failing) and what happened to sessions. run_probe blocks
// the calling thread and runs its own single-threaded io_context; the other functions are pure.
// Only stop_flag may be touched from another thread (e.g. a signal handler).

#include <atomic>
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace hitless::probe {

enum class ProbeErrc {
  kBadTarget,  // not host:port, not a loopback address, port 0 or out of range
  kBadOption,  // a duration, rate, count or timeout out of its bounds
};

// Upper bounds, so a typo cannot start a probe that runs for a month or opens a million sockets.
inline constexpr double kMaxDurationS = 86400;
inline constexpr double kMaxRate = 100000;
inline constexpr int kMaxSessions = 10000;
inline constexpr double kMaxTimeoutS = 3600;
// Requests in flight at once; a request due while this many are outstanding fails as "overload".
inline constexpr int kMaxInFlight = 256;
// Pause before a held session is reopened after it ended or failed.
inline constexpr double kSessionReopenPauseS = 0.05;

struct ProbeOptions {
  // IP literal in 127.0.0.0/8 or ::1 ("localhost" accepted), 198.18.0.0/15 (the lab's NAT
  // gateways) or 100.64.0.0/10 (the lab's shared-IP namespaces); with dns_server, a DNS name.
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  // "ip:port" of a (loopback) DNS server: `host` is a name resolved there, as a client would,
  // for each new connection once the previous answer's TTL has run out (a DNS-swung cluster).
  std::string dns_server;
  double duration_s = 10;
  double rate = 50;                // requests per second; 0 = sessions only
  int sessions = 0;                // sessions held open at all times
  double request_timeout_s = 1.0;  // also bounds a session's wait for its "open" line
  double session_lifetime_s = 0;   // > 0: ask the server for this lifetime (?lifetime_s=)
  // > 0: held session i first opens i/sessions of this many seconds into the run, as clients
  // arriving over time would, instead of all at once (sessions of a fixed lifetime opened together
  // all end together, so a drain's length would depend on where the run falls in their cycle).
  double session_spread_s = 0;
};

struct SecondBucket {
  int t = 0;                   // seconds since the probe started
  uint64_t ok = 0;             // requests started in this second that succeeded
  uint64_t failed = 0;         // ... that failed
  uint64_t sessions_open = 0;  // sessions open at the end of this second
};

struct ProbeReport {
  std::string target;     // "127.0.0.1:8080", "[::1]:8080"
  double duration_s = 0;  // actual, shorter than asked when interrupted
  double start_unix = 0;  // wall-clock start (unix seconds), to line the probe up with a journal
  uint64_t requests = 0;  // finished requests (ok + failed); ones in flight at the end are dropped
  uint64_t ok = 0;
  uint64_t failed = 0;
  // refused, reset, timeout, http_status, overload, other
  std::map<std::string, uint64_t> failures_by_cause;
  // Longest stretch without a successful request: from start to the first success, between
  // successes, and from the last success to the end (the whole run when nothing succeeded).
  double max_gap_ms = 0;
  // Stretches in which the service was seen failing: each runs from the start of the first failed
  // request after a success to the next success (or the end). Unlike max_gap_ms they do not grow
  // when the client itself is stalled (a busy machine, a sanitizer build): a stretch needs a
  // failed request in it. The longest, and their sum.
  double max_outage_ms = 0;
  double outage_ms = 0;
  uint64_t sessions_opened = 0;      // got their "open" line
  uint64_t sessions_dropped = 0;     // reset, or closed without "end completed"
  uint64_t sessions_completed = 0;   // "end completed", then a clean close
  uint64_t session_failures = 0;     // attempts that never opened (refused, non-200, timeout, ...)
  uint64_t sessions_still_open = 0;  // open when the probe ended (closed by the probe)
  // Moves of an open session to another node that it survived (seed 000 VIP failover); a session
  // moved twice counts twice. Not an outcome: the session still ends completed or dropped.
  uint64_t sessions_transferred = 0;
  std::vector<SecondBucket> series;
  std::map<std::string, uint64_t> answered_by;  // node named in a 200 body {"node":"a"}, else "?"
  bool interrupted = false;                     // stop_flag ended the probe early
  uint64_t dns_lookups = 0;                     // with dns_server: queries sent (one per TTL)
  std::map<std::string, uint64_t> resolved_to;  // with dns_server: addresses the name gave
};

// "host:port" or "[v6]:port" into options (other fields copied from `base`); refuses anything that
// is not loopback, with a message that says what is accepted.
Result<ProbeOptions, ProbeErrc> parse_target(std::string_view addr, ProbeOptions base = {});
// Checks every field against its bounds (including the host being loopback).
Status<ProbeErrc> validate_options(const ProbeOptions& options);
// "127.0.0.1:8080" or "[::1]:8080".
std::string format_target(const ProbeOptions& options);

// Runs for options.duration_s, or until *stop_flag becomes true (checked every 20 ms), then closes
// every socket and returns. Options must pass validate_options (else std::invalid_argument).
ProbeReport run_probe(const ProbeOptions& options, const std::atomic<bool>* stop_flag = nullptr);

nlohmann::json to_json(const ProbeReport& report);
std::string to_text(const ProbeReport& report);

}  // namespace hitless::probe
