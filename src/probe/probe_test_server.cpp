// TestServer: the probe protocol's server side, just enough to test the probe against.

#include "probe/probe_test_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstdlib>
#include <functional>
#include <future>
#include <string>

namespace hitless::probe::testing {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

void reset(tcp::socket& socket) {
  boost::system::error_code ec;
  socket.set_option(asio::socket_base::linger(true, 0), ec);
  socket.close(ec);
}

}  // namespace

TestServer::TestServer() {
  listen();
  port_ = acceptor_.local_endpoint().port();
  thread_ = std::thread([this] { io_.run(); });
}

TestServer::~TestServer() {
  io_.stop();
  thread_.join();
}

void TestServer::run_on_server(const std::function<void()>& fn) {
  std::promise<void> done;
  asio::post(io_, [&] {
    fn();
    done.set_value();
  });
  done.get_future().wait();
}

void TestServer::listen() {
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port_);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  asio::co_spawn(io_, accept_loop(), asio::detached);
}

void TestServer::stop_listening() {
  run_on_server([this] { acceptor_.close(); });
}

void TestServer::start_listening() {
  run_on_server([this] { listen(); });
}

asio::awaitable<void> TestServer::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) continue;
    asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> TestServer::serve(tcp::socket socket) {
  Mode mode = mode_;
  if (mode == Mode::kHang) {
    held_.push_back(std::move(socket));
    co_return;
  }
  std::string request;
  auto [ec, n] =
      co_await asio::async_read_until(socket, asio::dynamic_buffer(request), "\r\n\r\n", kTuple);
  if (ec) co_return;
  if (mode == Mode::kReset) {
    reset(socket);
    co_return;
  }
  if (mode == Mode::kStatus503) {
    std::string answer =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    co_await asio::async_write(socket, asio::buffer(answer), kTuple);
    co_return;
  }
  std::string target = request.substr(4, request.find(' ', 4) - 4);  // "GET <target> HTTP/1.1"
  if (target.rfind("/session", 0) == 0) {
    int lifetime_ms = session_lifetime_ms_;
    if (auto q = target.find("lifetime_s="); q != std::string::npos) {
      lifetime_ms = static_cast<int>(std::strtod(target.c_str() + q + 11, nullptr) * 1000);
    }
    co_await serve_session(std::move(socket), lifetime_ms);
    co_return;
  }
  std::string body = R"({"node":"a","version":"1.0"})";
  std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  co_await asio::async_write(socket, asio::buffer(answer), kTuple);
}

asio::awaitable<void> TestServer::serve_session(tcp::socket socket, int lifetime_ms) {
  uint64_t id = ++sessions_opened_;
  std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n";
  // Head and open line in two writes, as a server that opens the session after answering would.
  if (auto [ec, n] = co_await asio::async_write(socket, asio::buffer(head), kTuple); ec) co_return;
  std::string open = "open " + std::to_string(id) + " a\n";
  if (auto [ec, n] = co_await asio::async_write(socket, asio::buffer(open), kTuple); ec) co_return;
  SessionEnd end = session_end_;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(end == SessionEnd::kNever ? std::chrono::hours(1)
                                                : std::chrono::milliseconds(lifetime_ms));
  co_await timer.async_wait(kTuple);
  switch (end) {
    case SessionEnd::kComplete: {
      std::string line = "end completed\n";
      co_await asio::async_write(socket, asio::buffer(line), kTuple);
      boost::system::error_code ec;
      socket.shutdown(tcp::socket::shutdown_send, ec);
      socket.close(ec);
      break;
    }
    case SessionEnd::kReset:
      reset(socket);
      break;
    case SessionEnd::kCloseSilently:
    case SessionEnd::kNever:
      break;  // the socket closes as the coroutine ends
  }
}

}  // namespace hitless::probe::testing
