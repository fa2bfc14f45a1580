#pragma once
// The probe's two client exchanges, each over a fresh TCP connection: one request (GET /, success =
// status 200) and one held session (GET /session, "open ..." line, then until the server ends it).
// Coroutines on the caller's executor; every wait is raced with a deadline and with `shutdown`, a
// timer whose waits complete when the probe ends. Single-threaded.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <string>

namespace hitless::probe::detail {

struct RequestResult {
  bool ok = false;
  std::string cause;      // refused, reset, timeout, http_status, other (when !ok)
  std::string node;       // node named by the body, "?" if none (when ok)
  bool shutdown = false;  // the probe ended first: neither ok nor failed
};

boost::asio::awaitable<RequestResult> do_request(boost::asio::ip::tcp::endpoint endpoint,
                                                 std::chrono::steady_clock::duration timeout,
                                                 boost::asio::steady_timer& shutdown);

enum class SessionEnd {
  kFailed,     // never opened: refused, non-200, timeout or closed before "open"
  kCompleted,  // "end completed" arrived
  kDropped,    // reset or closed without "end completed"
  kShutdown,   // the probe ended first (still open if on_open was called)
};

// `open_timeout` bounds the wait for the "open" line; after it, only shutdown interrupts.
// `on_open` is called once, when the "open" line arrives.
boost::asio::awaitable<SessionEnd> hold_session(boost::asio::ip::tcp::endpoint endpoint,
                                                std::string request,
                                                std::chrono::steady_clock::duration open_timeout,
                                                boost::asio::steady_timer& shutdown,
                                                std::function<void()> on_open,
                                                std::function<void()> on_transfer = {});

}  // namespace hitless::probe::detail
