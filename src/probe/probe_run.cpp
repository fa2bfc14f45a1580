// run_probe: one probe run on its own single-threaded io_context. A watcher ends the run at its
// deadline or when stop_flag is set, by expiring the `shutdown_` timer that every wait races with;
// then io_context::run returns once every coroutine has unwound.

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cmath>
#include <exception>
#include <optional>
#include <stdexcept>

#include "probe/http_response.hpp"
#include "probe/name_resolver.hpp"
#include "probe/probe.hpp"
#include "probe/probe_client.hpp"
#include "probe/probe_stats.hpp"
#include "probe/race.hpp"

namespace hitless::probe {
namespace {

namespace asio = boost::asio;
using detail::Clock;
using namespace std::chrono_literals;

constexpr auto kStopPoll = 20ms;
// Below this, the pacer sleeps without racing shutdown: the watcher's own granularity.
constexpr auto kShortWait = 20ms;

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

void rethrow(std::exception_ptr e) {
  if (e) std::rethrow_exception(e);
}

class ProbeRun {
 public:
  ProbeRun(const ProbeOptions& options, const std::atomic<bool>* stop_flag)
      : options_(options),
        stop_flag_(stop_flag),
        session_request_(detail::build_get(detail::session_path(options.session_lifetime_s))),
        stats_(format_target(options)) {
    if (options.dns_server.empty()) {
      endpoint_ = asio::ip::tcp::endpoint(
          asio::ip::make_address(options.host == "localhost" ? "127.0.0.1" : options.host),
          options.port);
    } else if (auto server = probe_dns_server(options.dns_server)) {
      resolver_.emplace(*server, options.host);
    } else {
      throw std::invalid_argument(server.message());
    }
  }

  ProbeReport run() {
    start_ = Clock::now();
    end_ = start_ + seconds(options_.duration_s);
    asio::co_spawn(io_, watch(), rethrow);
    if (options_.rate > 0) asio::co_spawn(io_, pace(), rethrow);
    for (int i = 0; i < options_.sessions; ++i)
      asio::co_spawn(io_, hold(options_.session_spread_s * i / options_.sessions), rethrow);
    io_.run();
    ProbeReport report = stats_.finish(since_start(ended_at_), interrupted_);
    if (resolver_) {
      report.dns_lookups = resolver_->lookups();
      report.resolved_to = resolver_->answers();
    }
    return report;
  }

 private:
  double since_start(Clock::time_point t) const {
    return std::chrono::duration<double>(t - start_).count();
  }

  // Ends the run at its deadline, or early when the stop flag is set.
  asio::awaitable<void> watch() {
    asio::steady_timer tick(io_);
    for (;;) {
      if (stop_flag_ && stop_flag_->load()) {
        interrupted_ = true;
        break;
      }
      auto now = Clock::now();
      if (now >= end_) break;
      tick.expires_at(std::min(end_, now + kStopPoll));
      co_await tick.async_wait(asio::use_awaitable);
    }
    stopping_ = true;
    // A run that was not interrupted lasts exactly as asked, whatever the timer's lateness.
    ended_at_ = interrupted_ ? Clock::now() : end_;
    // Cancels every pending wait on it, and makes later waits complete at once.
    shutdown_.expires_at(Clock::now());
  }

  // Starts request i at start + i / rate, whether or not earlier ones have finished.
  asio::awaitable<void> pace() {
    asio::steady_timer timer(io_);
    for (uint64_t i = 0;; ++i) {
      auto due = start_ + seconds(static_cast<double>(i) / options_.rate);
      if (due >= end_) break;
      if (due > Clock::now() + kShortWait) {
        timer.expires_at(due);
        auto waited =
            co_await detail::race(timer.async_wait(asio::as_tuple(asio::use_awaitable)), shutdown_);
        if (waited.end == detail::RaceEnd::kShutdown) break;
      } else if (due > Clock::now()) {
        timer.expires_at(due);
        co_await timer.async_wait(asio::use_awaitable);
      } else {
        co_await asio::post(io_, asio::use_awaitable);  // catching up: let others run between
      }
      if (stopping_) break;
      if (in_flight_ >= kMaxInFlight) {
        stats_.request_failed(since_start(due), "overload");
        continue;
      }
      ++in_flight_;
      asio::co_spawn(io_, request(due), rethrow);
    }
  }

  // Where a new connection goes: the fixed address, or what the name resolves to now (a failed
  // lookup fails the request or session as "dns").
  std::optional<asio::ip::tcp::endpoint> endpoint_now() {
    if (!resolver_) return endpoint_;
    auto address = resolver_->address(Clock::now());
    if (!address) return std::nullopt;
    boost::system::error_code ec;
    auto ip = asio::ip::make_address(*address, ec);
    if (ec) return std::nullopt;
    return asio::ip::tcp::endpoint(ip, options_.port);
  }

  asio::awaitable<void> request(Clock::time_point due) {
    auto endpoint = endpoint_now();
    if (!endpoint) {
      --in_flight_;
      if (!stopping_) stats_.request_failed(since_start(due), "dns");
      co_return;
    }
    auto result =
        co_await detail::do_request(*endpoint, seconds(options_.request_timeout_s), shutdown_);
    --in_flight_;
    if (result.shutdown || stopping_) co_return;  // in flight at the end: not counted
    if (result.ok) {
      stats_.request_ok(since_start(due), since_start(Clock::now()), result.node);
    } else {
      stats_.request_failed(since_start(due), result.cause);
    }
  }

  // Keeps one session held from `first_open_s` into the run: reopens it after a short pause
  // whenever it ends.
  asio::awaitable<void> hold(double first_open_s) {
    asio::steady_timer pause(io_);
    if (first_open_s > 0) {
      pause.expires_after(seconds(first_open_s));
      co_await detail::race(pause.async_wait(asio::as_tuple(asio::use_awaitable)), shutdown_);
    }
    while (!stopping_) {
      auto endpoint = endpoint_now();
      if (!endpoint) {
        stats_.session_failed();
        pause.expires_after(seconds(kSessionReopenPauseS));
        co_await detail::race(pause.async_wait(asio::as_tuple(asio::use_awaitable)), shutdown_);
        continue;
      }
      auto end = co_await detail::hold_session(
          *endpoint, session_request_, seconds(options_.request_timeout_s), shutdown_,
          [this] {
            if (!stopping_) stats_.session_opened(since_start(Clock::now()));
          },
          [this] {
            if (!stopping_) stats_.session_transferred();
          });
      // A session open when the run ended stays counted as open: sessions_still_open.
      if (stopping_ || end == detail::SessionEnd::kShutdown) break;
      if (end == detail::SessionEnd::kFailed) {
        stats_.session_failed();
      } else {
        stats_.session_ended(since_start(Clock::now()), end == detail::SessionEnd::kCompleted);
      }
      pause.expires_after(seconds(kSessionReopenPauseS));
      co_await detail::race(pause.async_wait(asio::as_tuple(asio::use_awaitable)), shutdown_);
    }
  }

  ProbeOptions options_;
  const std::atomic<bool>* stop_flag_;
  asio::ip::tcp::endpoint endpoint_;
  std::optional<NameResolver> resolver_;  // set when the target is a name (dns_server)
  std::string session_request_;
  detail::ProbeStats stats_;
  asio::io_context io_{1};
  asio::steady_timer shutdown_{io_, Clock::time_point::max()};
  Clock::time_point start_;
  Clock::time_point end_;
  Clock::time_point ended_at_;
  bool stopping_ = false;
  bool interrupted_ = false;
  int in_flight_ = 0;
};

}  // namespace

ProbeReport run_probe(const ProbeOptions& options, const std::atomic<bool>* stop_flag) {
  if (auto valid = validate_options(options); !valid) throw std::invalid_argument(valid.message());
  ProbeRun run(options, stop_flag);
  return run.run();
}

}  // namespace hitless::probe
