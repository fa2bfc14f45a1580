// BlockingWorker keeps the io thread free while a blocking call waits, and bounds the wait.
#include "net/blocking_worker.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <future>
#include <optional>

namespace hitless::net {
namespace {

TEST(BlockingWorker, TheIoThreadServesOtherWorkWhileTheCallBlocks) {
  boost::asio::io_context io;
  BlockingWorker worker(io);
  std::promise<void> release;
  auto released = release.get_future().share();
  auto result = std::make_shared<int>(0);
  bool returned = false, other_ran_first = false;
  worker.run(
      [released, result] {
        released.wait();  // blocks until the io thread has run other work
        *result = 42;
      },
      30,
      [&](bool r) {
        returned = r;
        EXPECT_EQ(*result, 42);
        io.stop();
      });
  boost::asio::post(io, [&] {
    other_ran_first = !returned;
    release.set_value();
  });
  io.run();
  EXPECT_TRUE(other_ran_first);
  EXPECT_TRUE(returned);
}

TEST(BlockingWorker, ACallThatDoesNotReturnInTimeCompletesAsTimedOut) {
  boost::asio::io_context io;
  std::promise<void> release;
  auto released = release.get_future().share();
  {
    BlockingWorker worker(io);
    std::optional<bool> returned;
    worker.run([released] { released.wait(); }, 0.05,
               [&](bool r) {
                 returned = r;
                 io.stop();
               });
    io.run();
    ASSERT_TRUE(returned.has_value());
    EXPECT_FALSE(*returned);
    release.set_value();  // the late call ends; the destructor waits for it
  }
}

TEST(BlockingWorker, ADeadlineCountsFromTheCallsStartNotFromWhenItWasQueued) {
  boost::asio::io_context io;
  std::promise<void> release;
  auto released = release.get_future().share();
  std::optional<bool> first, second;
  {
    BlockingWorker worker(io);
    worker.run([released] { released.wait(); }, 60, [&](bool r) { first = r; });
    // Queued behind the first call for longer than its own timeout, then quick once it starts.
    worker.run([] {}, 0.5,
               [&](bool r) {
                 second = r;
                 io.stop();
               });
    bool set = false;
    boost::asio::steady_timer queued(io, std::chrono::seconds(1));
    queued.async_wait([&](const boost::system::error_code&) {
      release.set_value();
      set = true;
    });
    io.run();
    if (!set) release.set_value();  // the worker's destructor waits for the first call
  }
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(*second) << "the queued call timed out before it started";
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(*first);
}

}  // namespace
}  // namespace hitless::net
