#include "net/haproxy_runtime_client.hpp"

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <chrono>

namespace hitless::net {
namespace {
namespace asio = boost::asio;
using local = asio::local::stream_protocol;
using namespace asio::experimental::awaitable_operators;

struct RuntimeOutcome {
  bool ok = false;
  std::string answer;
  NetErrc code = NetErrc::kConnect;
  std::string message;
};

asio::awaitable<RuntimeOutcome> exchange(local::socket& s, std::string path, std::string cmd) {
  RuntimeOutcome out;
  auto [cec] = co_await s.async_connect(local::endpoint(path), asio::as_tuple(asio::use_awaitable));
  if (cec) {
    out.message = "cannot connect to HAProxy's runtime socket " + path + ": " + cec.message();
    co_return out;
  }
  if (cmd.empty() || cmd.back() != '\n') cmd += '\n';
  auto [wec, wn] =
      co_await asio::async_write(s, asio::buffer(cmd), asio::as_tuple(asio::use_awaitable));
  if (wec) {
    out.code = NetErrc::kClosed;
    out.message = "HAProxy's runtime socket " + path + " closed while sending: " + wec.message();
    co_return out;
  }
  // HAProxy answers, then closes (non-interactive mode): read to EOF.
  std::string answer;
  char buf[16384];
  for (;;) {
    auto [rec, rn] =
        co_await s.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    answer.append(buf, rn);
    if (rec == asio::error::eof) break;
    if (rec) {
      out.code = NetErrc::kClosed;
      out.message = "HAProxy's runtime socket " + path + " broke while answering: " + rec.message();
      co_return out;
    }
  }
  out.ok = true;
  out.answer = std::move(answer);
  co_return out;
}

asio::awaitable<RuntimeOutcome> run(std::string path, std::string cmd, double timeout_s) {
  local::socket s(co_await asio::this_coro::executor);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(timeout_s)));
  // Boost 1.81 has no cancel_after: race the exchange with a timer.
  auto r =
      co_await (exchange(s, path, cmd) || timer.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (r.index() == 0) co_return std::get<0>(std::move(r));
  RuntimeOutcome out;
  out.code = NetErrc::kTimeout;
  out.message = "HAProxy's runtime socket " + path + " gave no answer in time";
  co_return out;
}

}  // namespace

void HaproxyRuntimeClient::command(std::string cmd,
                                   std::function<void(Result<std::string, NetErrc>)> done) {
  asio::co_spawn(io_, run(socket_path_, std::move(cmd), timeout_s_),
                 [done = std::move(done)](std::exception_ptr e, RuntimeOutcome o) {
                   if (e)
                     return done(make_error(NetErrc::kProtocol,
                                            "internal error in the HAProxy runtime client"));
                   if (o.ok) return done(std::move(o.answer));
                   done(make_error(o.code, o.message));
                 });
}

}  // namespace hitless::net
