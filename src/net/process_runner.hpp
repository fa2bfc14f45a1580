#pragma once
// ProcessRunner: runs a program (argv, never a shell unless argv says so) on an io_context without
// blocking it: stdin written from memory, stdout and stderr read asynchronously and capped, a
// deadline after which the process is killed. Completes through a callback on the io_context's
// thread. Boost.Process stays in this one translation unit.
// Single-threaded: create and use it on the io_context's thread.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace hitless::net {

struct ProcessRequest {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::string stdin_data;         // written, then stdin is closed
  double timeout_s = 30;
  std::size_t output_cap =
      1 << 20;  // bytes kept of stdout (and of stderr); the rest is read and dropped
};

struct ProcessResult {
  bool started = false;  // false: could not start (spawn_error says why)
  std::string spawn_error;
  bool unreachable = false;      // with !started: the remote end could not be reached (ssh)
  bool connection_lost = false;  // started, then the connection dropped (out/err hold what came)
  bool timed_out = false;        // killed at the deadline
  int exit_code = -1;            // the exit status; -1 when killed by a signal
  std::string out, err;
  bool truncated = false;  // more output than output_cap
};

class ProcessRunner {
 public:
  explicit ProcessRunner(boost::asio::io_context& io) : io_(io) {}
  void run(ProcessRequest rq, std::function<void(ProcessResult)> done);

 private:
  boost::asio::io_context& io_;
};

}  // namespace hitless::net
