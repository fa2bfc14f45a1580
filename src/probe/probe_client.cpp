// Client side of the appliance data-plane protocol: requests and held sessions.

#include "probe/probe_client.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <string_view>

#include "probe/http_response.hpp"
#include "probe/race.hpp"

namespace hitless::probe::detail {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kChunk = 4096;
constexpr std::size_t kMaxLineBytes = 4096;

std::string cause_of(const boost::system::error_code& ec) {
  if (ec == asio::error::connection_refused) return "refused";
  if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
      ec == asio::error::connection_aborted) {
    return "reset";
  }
  return "other";  // includes EOF before a full status line
}

RequestResult failure(std::string cause) {
  return RequestResult{false, std::move(cause), {}, false};
}

RequestResult judge(int status, std::string_view body) {
  if (status != 200) return failure("http_status");
  return RequestResult{true, {}, node_from_body(body), false};
}

asio::awaitable<boost::system::error_code> connect_and_send(tcp::socket& socket,
                                                            tcp::endpoint endpoint,
                                                            const std::string& request) {
  auto [connect_ec] = co_await socket.async_connect(endpoint, kTuple);
  if (connect_ec) co_return connect_ec;
  auto [write_ec, written] = co_await asio::async_write(socket, asio::buffer(request), kTuple);
  (void)written;
  co_return write_ec;
}

// One GET /: connect, send, read the head and (for a 200) the body until close or Content-Length.
asio::awaitable<RequestResult> exchange(tcp::socket& socket, tcp::endpoint endpoint) {
  static const std::string kRequest = build_get("/");
  if (auto ec = co_await connect_and_send(socket, endpoint, kRequest))
    co_return failure(cause_of(ec));
  std::string data;
  std::array<char, kChunk> chunk;
  ResponseHead head;
  bool have_head = false;
  for (;;) {
    auto [ec, got] = co_await socket.async_read_some(asio::buffer(chunk), kTuple);
    data.append(chunk.data(), got);
    if (!have_head) {
      Parse parsed = parse_response_head(data, head);
      if (parsed == Parse::kMalformed) co_return failure("other");
      if (parsed == Parse::kIncomplete) {
        int status = 0;
        bool status_known = parse_status_line(data, status) == Parse::kComplete;
        if (status_known && status != 200) co_return failure("http_status");
        if (!ec) continue;
        // Closed or reset mid-head: a complete 200 status line still counts.
        co_return status_known ? judge(status, {}) : failure(cause_of(ec));
      }
      have_head = true;
      if (head.status != 200) co_return failure("http_status");
    }
    std::string_view body = std::string_view(data).substr(head.size);
    bool complete = head.content_length && body.size() >= *head.content_length;
    if (complete || ec || body.size() >= kMaxBodyBytes) co_return judge(head.status, body);
  }
}

enum class Opened { kYes, kFailed };

// Connect, send GET /session and read until the "open" line. Bytes after it stay in `data`.
asio::awaitable<Opened> open_session(tcp::socket& socket, tcp::endpoint endpoint,
                                     const std::string& request, std::string& data) {
  if (co_await connect_and_send(socket, endpoint, request)) co_return Opened::kFailed;
  std::array<char, kChunk> chunk;
  ResponseHead head;
  bool have_head = false;
  for (;;) {
    auto [ec, got] = co_await socket.async_read_some(asio::buffer(chunk), kTuple);
    data.append(chunk.data(), got);
    if (!have_head) {
      Parse parsed = parse_response_head(data, head);
      if (parsed == Parse::kMalformed) co_return Opened::kFailed;
      if (parsed == Parse::kComplete) {
        if (head.status != 200) co_return Opened::kFailed;
        have_head = true;
        data.erase(0, head.size);
      }
    }
    if (have_head) {
      auto eol = data.find('\n');
      if (eol != std::string::npos) {
        bool open =
            classify_session_line(std::string_view(data).substr(0, eol)) == SessionLine::kOpen;
        data.erase(0, eol + 1);
        co_return open ? Opened::kYes : Opened::kFailed;
      }
      if (data.size() > kMaxLineBytes) co_return Opened::kFailed;
    }
    if (ec) co_return Opened::kFailed;
  }
}

// Consumes the complete lines at the front of `data`; true if one of them was "end completed".
// Each "transferred" line calls on_transfer (the session continues on another node).
bool consume_lines(std::string& data, const std::function<void()>& on_transfer) {
  bool completed = false;
  for (auto eol = data.find('\n'); eol != std::string::npos; eol = data.find('\n')) {
    const SessionLine line = classify_session_line(std::string_view(data).substr(0, eol));
    completed = completed || line == SessionLine::kEndCompleted;
    if (line == SessionLine::kTransferred && on_transfer) on_transfer();
    data.erase(0, eol + 1);
  }
  if (data.size() > kMaxLineBytes) data.clear();  // an endless line is not ours to keep
  return completed;
}

// After "open": read lines until the server closes. `data` holds bytes already read.
asio::awaitable<SessionEnd> follow_session(tcp::socket& socket, std::string& data,
                                           std::function<void()> on_transfer) {
  std::array<char, kChunk> chunk;
  bool completed = consume_lines(data, on_transfer);
  for (;;) {
    auto [ec, got] = co_await socket.async_read_some(asio::buffer(chunk), kTuple);
    data.append(chunk.data(), got);
    completed = consume_lines(data, on_transfer) || completed;
    // A clean close and a reset end the same way: what matters is whether the end line came.
    if (ec) co_return completed ? SessionEnd::kCompleted : SessionEnd::kDropped;
  }
}

}  // namespace

asio::awaitable<RequestResult> do_request(tcp::endpoint endpoint, Clock::duration timeout,
                                          asio::steady_timer& shutdown) {
  tcp::socket socket(co_await asio::this_coro::executor);
  auto raced = co_await race(exchange(socket, endpoint), Clock::now() + timeout, shutdown);
  switch (raced.end) {
    case RaceEnd::kDone:
      co_return std::move(*raced.value);
    case RaceEnd::kTimedOut:
      co_return failure("timeout");
    case RaceEnd::kShutdown:
      break;
  }
  co_return RequestResult{false, {}, {}, true};
}

asio::awaitable<SessionEnd> hold_session(tcp::endpoint endpoint, std::string request,
                                         Clock::duration open_timeout, asio::steady_timer& shutdown,
                                         std::function<void()> on_open,
                                         std::function<void()> on_transfer) {
  tcp::socket socket(co_await asio::this_coro::executor);
  std::string data;
  auto opened = co_await race(open_session(socket, endpoint, request, data),
                              Clock::now() + open_timeout, shutdown);
  if (opened.end == RaceEnd::kShutdown) co_return SessionEnd::kShutdown;
  if (opened.end == RaceEnd::kTimedOut || *opened.value != Opened::kYes) {
    co_return SessionEnd::kFailed;
  }
  on_open();
  auto ended = co_await race(follow_session(socket, data, std::move(on_transfer)), shutdown);
  if (ended.end == RaceEnd::kShutdown) co_return SessionEnd::kShutdown;
  co_return *ended.value;
}

}  // namespace hitless::probe::detail
