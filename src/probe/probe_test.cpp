// The probe against an in-test server that speaks the appliance data-plane protocol: successes,
// each failure cause, sessions completing, dropping and outliving the probe, and the stop flag.
// Bounds are loose on purpose: the machine is shared, so nothing depends on exact timing.

#include "probe/probe.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "probe/probe_test_server.hpp"

namespace hitless::probe {
namespace {

using namespace std::chrono_literals;
using testing::TestServer;
using Clock = std::chrono::steady_clock;

ProbeOptions options_for(const TestServer& server, double duration_s, double rate) {
  ProbeOptions o;
  o.port = server.port();
  o.duration_s = duration_s;
  o.rate = rate;
  return o;
}

uint64_t cause(const ProbeReport& r, const std::string& name) {
  auto it = r.failures_by_cause.find(name);
  return it == r.failures_by_cause.end() ? 0 : it->second;
}

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

TEST(Probe, HealthyServerAnswersEveryRequestWithSmallGaps) {
  TestServer server;
  auto r = run_probe(options_for(server, 1.0, 100));
  EXPECT_GE(r.requests, 50u);  // 100 are due; the last few may still be in flight at the end
  EXPECT_LE(r.requests, 100u);
  EXPECT_EQ(r.ok, r.requests);
  EXPECT_EQ(r.failed, 0u);
  EXPECT_TRUE(r.failures_by_cause.empty());
  EXPECT_LT(r.max_gap_ms, 500);
  EXPECT_EQ(r.answered_by["a"], r.ok);
  EXPECT_FALSE(r.interrupted);
  EXPECT_DOUBLE_EQ(r.duration_s, 1.0);
  ASSERT_EQ(r.series.size(), 1u);
  EXPECT_EQ(r.series[0].ok, r.ok);
  EXPECT_EQ(r.target, "127.0.0.1:" + std::to_string(server.port()));
}

TEST(Probe, ClosedListenerCountsRefusedAndTheGapCoversTheWindow) {
  TestServer server;
  Clock::time_point closed, reopened;
  std::thread outage([&] {
    std::this_thread::sleep_for(400ms);
    server.stop_listening();
    closed = Clock::now();
    std::this_thread::sleep_for(600ms);
    reopened = Clock::now();
    server.start_listening();
  });
  auto r = run_probe(options_for(server, 1.8, 100));
  outage.join();
  double window_ms = ms_between(closed, reopened);
  EXPECT_GT(cause(r, "refused"), 0u);
  EXPECT_GT(r.ok, 0u);
  // No success can land while nothing listens (bar one accepted just before the close).
  EXPECT_GE(r.max_gap_ms, window_ms - 100);
  EXPECT_LT(r.max_gap_ms, window_ms + 1000);
}

TEST(Probe, ServerThatNeverAnswersCausesTimeouts) {
  TestServer server;
  server.set_mode(TestServer::Mode::kHang);
  auto o = options_for(server, 1.0, 20);
  o.request_timeout_s = 0.2;
  auto r = run_probe(o);
  EXPECT_EQ(r.ok, 0u);
  EXPECT_GE(cause(r, "timeout"), 5u);  // about 16 time out before the end
  EXPECT_EQ(cause(r, "timeout"), r.failed);
  EXPECT_DOUBLE_EQ(r.max_gap_ms, 1000);  // nothing succeeded: the whole run
}

TEST(Probe, RequestsBeyondTheInFlightCapFailAsOverload) {
  TestServer server;
  server.set_mode(TestServer::Mode::kHang);
  auto o = options_for(server, 0.5, 1000);
  o.request_timeout_s = 5;
  auto r = run_probe(o);
  EXPECT_GT(cause(r, "overload"), 0u);
  EXPECT_EQ(r.failed, cause(r, "overload"));  // the capped ones are still in flight at the end
}

TEST(Probe, ResetConnectionsCountAsReset) {
  TestServer server;
  server.set_mode(TestServer::Mode::kReset);
  auto r = run_probe(options_for(server, 0.6, 50));
  EXPECT_EQ(r.ok, 0u);
  EXPECT_GT(cause(r, "reset"), 0u);
  EXPECT_EQ(cause(r, "reset"), r.failed);
}

TEST(Probe, Status503CountsAsHttpStatus) {
  TestServer server;
  server.set_mode(TestServer::Mode::kStatus503);
  auto r = run_probe(options_for(server, 0.6, 50));
  EXPECT_EQ(r.ok, 0u);
  EXPECT_GT(cause(r, "http_status"), 0u);
  EXPECT_EQ(cause(r, "http_status"), r.failed);
  EXPECT_TRUE(r.answered_by.empty());
}

TEST(Probe, SessionsEndedWithEndCompletedAreCompletedAndReopened) {
  TestServer server;
  server.set_sessions(TestServer::SessionEnd::kComplete, 10s);
  auto o = options_for(server, 1.0, 0);
  o.sessions = 3;
  o.session_lifetime_s = 0.15;  // the server honours the client's ask over its own 10 s
  auto r = run_probe(o);
  EXPECT_GE(r.sessions_completed, 3u);
  EXPECT_EQ(r.sessions_dropped, 0u);
  EXPECT_EQ(r.session_failures, 0u);
  EXPECT_EQ(r.sessions_opened, r.sessions_completed + r.sessions_still_open);
  EXPECT_LE(r.sessions_still_open, 3u);
  EXPECT_EQ(r.requests, 0u);
}

TEST(Probe, SessionsResetByTheServerAreDropped) {
  TestServer server;
  server.set_sessions(TestServer::SessionEnd::kReset, 150ms);
  auto o = options_for(server, 0.8, 10);
  o.sessions = 3;
  auto r = run_probe(o);
  EXPECT_GE(r.sessions_dropped, 3u);
  EXPECT_EQ(r.sessions_completed, 0u);
  EXPECT_EQ(r.sessions_opened, r.sessions_dropped + r.sessions_still_open);
  EXPECT_GT(r.ok, 0u);  // requests and sessions run side by side
}

TEST(Probe, SessionsClosedWithoutTheEndLineAreDropped) {
  TestServer server;
  server.set_sessions(TestServer::SessionEnd::kCloseSilently, 100ms);
  auto o = options_for(server, 0.6, 0);
  o.sessions = 2;
  auto r = run_probe(o);
  EXPECT_GE(r.sessions_dropped, 2u);
  EXPECT_EQ(r.sessions_completed, 0u);
}

TEST(Probe, SessionsOpenAtTheEndAreStillOpen) {
  TestServer server;
  server.set_sessions(TestServer::SessionEnd::kComplete, 10s);
  auto o = options_for(server, 0.5, 0);
  o.sessions = 4;
  auto r = run_probe(o);
  EXPECT_EQ(r.sessions_opened, 4u);
  EXPECT_EQ(r.sessions_still_open, 4u);
  EXPECT_EQ(r.sessions_completed + r.sessions_dropped + r.session_failures, 0u);
  ASSERT_FALSE(r.series.empty());
  EXPECT_EQ(r.series.back().sessions_open, 4u);
}

TEST(Probe, SpreadSessionsOpenOneAfterAnotherNotAllAtTheStart) {
  TestServer server;
  server.set_sessions(TestServer::SessionEnd::kComplete, 10s);
  auto o = options_for(server, 2.5, 0);
  o.sessions = 2;
  o.session_spread_s = 3;  // the second opens 1.5 s in: a timer never fires early
  auto r = run_probe(o);
  ASSERT_FALSE(r.series.empty());
  EXPECT_LE(r.series.front().sessions_open, 1u);
  EXPECT_EQ(r.sessions_opened, 2u);
  EXPECT_EQ(r.sessions_still_open, 2u);
}

TEST(Probe, SessionsThatNeverOpenAreFailures) {
  TestServer server;
  server.set_mode(TestServer::Mode::kStatus503);
  auto o = options_for(server, 0.4, 0);
  o.sessions = 2;
  auto r = run_probe(o);
  EXPECT_GE(r.session_failures, 2u);
  EXPECT_EQ(r.sessions_opened, 0u);

  server.set_mode(TestServer::Mode::kHang);
  o.request_timeout_s = 0.1;
  r = run_probe(o);
  EXPECT_GE(r.session_failures, 2u);
  EXPECT_EQ(r.sessions_opened, 0u);
}

TEST(Probe, StopFlagEndsTheProbeEarly) {
  TestServer server;
  server.set_sessions(TestServer::SessionEnd::kComplete, 10s);
  auto o = options_for(server, 30, 20);
  o.sessions = 2;
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(300ms);
    stop = true;
  });
  auto started = Clock::now();
  auto r = run_probe(o, &stop);
  stopper.join();
  EXPECT_LT(ms_between(started, Clock::now()), 5000);
  EXPECT_TRUE(r.interrupted);
  EXPECT_GE(r.duration_s, 0.25);
  EXPECT_LT(r.duration_s, 5);
  EXPECT_GT(r.ok, 0u);
  EXPECT_EQ(r.sessions_still_open, 2u);
}

TEST(Probe, RunRefusesAnInvalidTarget) {
  ProbeOptions o;
  o.host = "10.1.2.3";
  o.port = 80;
  EXPECT_THROW((void)run_probe(o), std::invalid_argument);
}

}  // namespace
}  // namespace hitless::probe
