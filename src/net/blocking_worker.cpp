#include "net/blocking_worker.hpp"

#include <boost/asio.hpp>
#include <chrono>

namespace hitless::net {
namespace asio = boost::asio;

struct BlockingWorker::Impl {
  asio::io_context& io;
  asio::thread_pool pool{1};
  explicit Impl(asio::io_context& i) : io(i) {}
};

BlockingWorker::BlockingWorker(asio::io_context& io) : impl_(std::make_unique<Impl>(io)) {}

BlockingWorker::~BlockingWorker() { impl_->pool.join(); }

void BlockingWorker::run(std::function<void()> work, double timeout_s,
                         std::function<void(bool returned)> done) {
  // Both completions run on the io thread; the first one to run calls `done`.
  struct Call {
    std::function<void(bool)> done;
    bool finished = false;
    asio::steady_timer deadline;
    // Keeps io.run() from returning while the call is queued or running: its deadline is only
    // armed once it starts, so until then the io_context may hold no other work.
    asio::executor_work_guard<asio::io_context::executor_type> outstanding;
    explicit Call(asio::io_context& io) : deadline(io), outstanding(io.get_executor()) {}
    void finish(bool returned) {
      if (finished) return;
      finished = true;
      deadline.cancel();
      outstanding.reset();
      done(returned);
    }
  };
  auto call = std::make_shared<Call>(impl_->io);
  call->done = std::move(done);
  // The deadline counts from when the call starts, not from when it was queued: a call waiting
  // behind a long one (a run's backups queue on one worker) has not used any of its time yet.
  const auto timeout = std::chrono::duration_cast<asio::steady_timer::duration>(
      std::chrono::duration<double>(timeout_s));
  asio::post(impl_->pool, [work = std::move(work), call, timeout, &io = impl_->io] {
    const auto started = std::chrono::steady_clock::now();
    asio::post(io, [call, deadline = started + timeout] {
      if (call->finished) return;
      call->deadline.expires_at(deadline);
      call->deadline.async_wait([call](const boost::system::error_code& ec) {
        if (!ec) call->finish(false);
      });
    });
    work();
    asio::post(io, [call] { call->finish(true); });
  });
}

}  // namespace hitless::net
