#pragma once
// race(): runs an operation against a deadline and against the end of the probe (Boost 1.81 has
// no cancel_after), using the awaitable operators. The loser is cancelled and awaited before race
// returns, so references the operation holds stay valid. `op` must report errors as values, not
// exceptions. Runs on the caller's executor; single-threaded like the rest of the probe.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <optional>
#include <utility>

namespace hitless::probe::detail {

using Clock = std::chrono::steady_clock;

enum class RaceEnd { kDone, kTimedOut, kShutdown };

template <class T>
struct Raced {
  RaceEnd end = RaceEnd::kDone;
  std::optional<T> value;  // set when end == kDone
};

// `shutdown` is a timer whose waits all complete (expire or are cancelled) when the probe ends.
template <class T>
boost::asio::awaitable<Raced<T>> race(boost::asio::awaitable<T> op, Clock::time_point deadline,
                                      boost::asio::steady_timer& shutdown) {
  namespace asio = boost::asio;
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, deadline);
  // A timer cancelled as the loser throws, which the operator ignores; a cancelled shutdown wait
  // still means "the probe ended", hence as_tuple there.
  auto r = co_await (std::move(op) || timer.async_wait(asio::use_awaitable) ||
                     shutdown.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (r.index() == 0) co_return Raced<T>{RaceEnd::kDone, std::get<0>(std::move(r))};
  co_return Raced<T>{r.index() == 1 ? RaceEnd::kTimedOut : RaceEnd::kShutdown, std::nullopt};
}

// Without a deadline: only the end of the probe interrupts `op`.
template <class T>
boost::asio::awaitable<Raced<T>> race(boost::asio::awaitable<T> op,
                                      boost::asio::steady_timer& shutdown) {
  namespace asio = boost::asio;
  using namespace asio::experimental::awaitable_operators;
  auto r = co_await (std::move(op) || shutdown.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (r.index() == 0) co_return Raced<T>{RaceEnd::kDone, std::get<0>(std::move(r))};
  co_return Raced<T>{RaceEnd::kShutdown, std::nullopt};
}

}  // namespace hitless::probe::detail
