#pragma once
// BlockingWorker: runs blocking calls (an ldns update waits for the DNS server's answer, up to its
// timeout times its attempts) on a thread of its own so that the io_context's thread, the
// executor's, keeps serving every other step meanwhile. Each call's completion is posted back to
// the io_context: `done(true)` once the call returned, or `done(false)` at its deadline if it has
// not (its late result is then dropped); the deadline counts from when the call starts. Calls run
// one at a time in order.
// Create, call and destroy on the io_context's thread; the destructor waits for the call running.

#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace hitless::net {

class BlockingWorker {
 public:
  explicit BlockingWorker(boost::asio::io_context& io);
  ~BlockingWorker();
  BlockingWorker(const BlockingWorker&) = delete;
  BlockingWorker& operator=(const BlockingWorker&) = delete;

  // `work` runs on the worker thread: it must own (capture by value) everything it touches and
  // leave its result where `done` reads it (a shared_ptr both hold).
  void run(std::function<void()> work, double timeout_s, std::function<void(bool returned)> done);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hitless::net
