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
    explicit Call(asio::io_context& io) : deadline(io) {}
    void finish(bool returned) {
      if (finished) return;
      finished = true;
      deadline.cancel();
      done(returned);
    }
  };
  auto call = std::make_shared<Call>(impl_->io);
  call->done = std::move(done);
  call->deadline.expires_after(std::chrono::duration_cast<asio::steady_timer::duration>(
      std::chrono::duration<double>(timeout_s)));
  call->deadline.async_wait([call](const boost::system::error_code& ec) {
    if (!ec) call->finish(false);
  });
  asio::post(impl_->pool, [work = std::move(work), call, &io = impl_->io] {
    work();
    asio::post(io, [call] { call->finish(true); });
  });
}

}  // namespace hitless::net
