#pragma once
// TestServer: an in-test stand-in for an appliance's data plane on 127.0.0.1:<ephemeral port>,
// speaking the probe protocol (GET / and GET /session) with switchable misbehaviour: 503s, never
// answering, resetting, a closed listener. Runs its own io_context on its own thread; every public
// method may be called from the test thread.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

namespace hitless::probe::testing {

class TestServer {
 public:
  enum class Mode { kOk, kStatus503, kHang, kReset };
  // How a session ends once its lifetime is over.
  enum class SessionEnd { kComplete, kReset, kCloseSilently, kNever };

  TestServer();
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  uint16_t port() const { return port_; }
  void set_mode(Mode mode) { mode_ = mode; }
  // `lifetime` applies unless the client asks for ?lifetime_s=.
  void set_sessions(SessionEnd end, std::chrono::milliseconds lifetime) {
    session_end_ = end;
    session_lifetime_ms_ = static_cast<int>(lifetime.count());
  }
  // Closes the listening socket (new connections are refused) / binds the same port again.
  // Both return once done.
  void stop_listening();
  void start_listening();

  uint64_t sessions_opened() const { return sessions_opened_; }

 private:
  void listen();
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> serve_session(boost::asio::ip::tcp::socket socket, int lifetime_ms);
  void run_on_server(const std::function<void()>& fn);

  boost::asio::io_context io_{1};
  // Keeps run() going while the listener is closed and nothing else is pending.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::vector<boost::asio::ip::tcp::socket> held_;  // connections that never get an answer
  uint16_t port_ = 0;
  std::atomic<Mode> mode_{Mode::kOk};
  std::atomic<SessionEnd> session_end_{SessionEnd::kComplete};
  std::atomic<int> session_lifetime_ms_{200};
  std::atomic<uint64_t> sessions_opened_{0};
  std::thread thread_;
};

}  // namespace hitless::probe::testing
