// What clients see, measured with the real probe against the real lab: moving the shared IP
// costs a short, measurable gap and nothing more; sessions die with their node.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "lab_harness.hpp"
#include "probe/probe.hpp"

namespace hitless::testing {
namespace {

using nlohmann::json;

probe::ProbeOptions probe_options(const std::string& target, double duration_s, double rate,
                                  int sessions) {
  probe::ProbeOptions base;
  base.duration_s = duration_s;
  base.rate = rate;
  base.sessions = sessions;
  base.request_timeout_s = 1.0;
  auto o = probe::parse_target(target, base);
  if (!o) throw std::runtime_error(o.message());
  return *o;
}

TEST(LabSharedIp, MovingItShowsAMeasurableGapAndNothingMore) {
  Lab lab(pair_yaml(), 0.001);
  const auto opts = probe_options(lab.service(), 3.0, 200, 0);
  auto report_future = std::async(std::launch::async, [&] { return probe::run_probe(opts); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  // The seed's "shared IP switch": disable on A, then enable on B. Hold the gap for 150 ms so
  // it is well above the probe's resolution (5 ms at 200 requests/s).
  ASSERT_EQ(lab.api("a", "PUT", "/api/v1/shared-ip", {{"enabled", false}}).first, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  ASSERT_EQ(lab.api("b", "PUT", "/api/v1/shared-ip", {{"enabled", true}}).first, 200);
  auto report = report_future.get();

  EXPECT_GE(report.max_gap_ms, 140) << probe::to_text(report);
  EXPECT_LE(report.max_gap_ms, 1000) << probe::to_text(report);
  EXPECT_GT(report.answered_by["a"], 50u);
  EXPECT_GT(report.answered_by["b"], 50u);
  // Only requests inside the gap fail: at 200/s a 150 ms gap (plus the API calls) is ~30-60.
  EXPECT_GE(report.failed, 1u);
  EXPECT_LE(report.failed, 150u) << probe::to_text(report);
  EXPECT_EQ(report.failures_by_cause["timeout"], 0u);
  // ...and they all fall in the seconds around the move, none before or after.
  for (const auto& b : report.series) {
    if (b.t == 0 || b.t >= 2) {
      EXPECT_EQ(b.failed, 0u) << "second " << b.t;
    }
  }
  auto a = lab.node("a");
  auto b = lab.node("b");
  EXPECT_EQ(a.at("owns_shared_ip"), false);
  EXPECT_EQ(b.at("owns_shared_ip"), true);
}

TEST(LabSharedIp, SessionsThroughItAreDroppedWhenItMovesAndCountedByTheNode) {
  Lab lab(pair_yaml(), 0.01);  // lifetime 10 model minutes = 6 s: nothing ends by itself
  const auto opts = probe_options(lab.service(), 1.5, 0, 3);
  auto report_future = std::async(std::launch::async, [&] { return probe::run_probe(opts); });
  ASSERT_TRUE(lab.wait_node(
      "a", [](const json& n) { return n.at("sessions").at("open") == 3; }, 5));
  ASSERT_EQ(lab.api("a", "PUT", "/api/v1/shared-ip", {{"enabled", false}}).first, 200);
  ASSERT_EQ(lab.api("b", "PUT", "/api/v1/shared-ip", {{"enabled", true}}).first, 200);
  // The probe reopens its sessions, now on b.
  EXPECT_TRUE(lab.wait_node(
      "b", [](const json& n) { return n.at("sessions").at("open") == 3; }, 5));
  auto report = report_future.get();
  EXPECT_GE(report.sessions_dropped, 3u) << probe::to_text(report);
  auto a = lab.node("a");
  EXPECT_EQ(a.at("sessions").at("dropped"), 3);
  EXPECT_EQ(a.at("sessions").at("open"), 0);
}

TEST(LabSharedIp, TwoOwnersAreRefused) {
  Lab lab(pair_yaml(), 0.001);
  auto [st, body] = lab.api("b", "PUT", "/api/v1/shared-ip", {{"enabled", true}});
  EXPECT_EQ(st, 409);
  EXPECT_NE(body.at("error").get<std::string>().find("enabled on a"), std::string::npos) << body;
  EXPECT_EQ(lab.node("b").at("owns_shared_ip"), false);
}

TEST(LabSessions, DroppedWhenTheirNodePowersOff) {
  Lab lab(pair_yaml(), 0.001);
  auto a = lab.handle().node("a");
  const auto opts = probe_options(a->host + ":" + std::to_string(a->port), 1.5, 20, 5);
  auto report_future = std::async(std::launch::async, [&] { return probe::run_probe(opts); });
  ASSERT_TRUE(lab.wait_node(
      "a", [](const json& n) { return n.at("sessions").at("open") == 5; }, 5));
  ASSERT_TRUE(lab.handle().power("a", false).ok());
  auto report = report_future.get();
  EXPECT_GE(report.sessions_dropped, 5u) << probe::to_text(report);
  auto n = lab.node("a");
  EXPECT_EQ(n.at("power"), "off");
  EXPECT_GE(n.at("sessions").at("dropped").get<int>(), 5);
  EXPECT_EQ(n.at("sessions").at("open"), 0);
}

TEST(LabSessions, EndByThemselvesAfterTheirLifetime) {
  Lab lab(pair_yaml(), 0.001);  // lifetime 10 model minutes = 0.6 s
  auto a = lab.handle().node("a");
  const auto opts = probe_options(a->host + ":" + std::to_string(a->port), 2.0, 0, 3);
  auto report = probe::run_probe(opts);
  EXPECT_GE(report.sessions_completed, 6u) << probe::to_text(report);
  EXPECT_EQ(report.sessions_dropped, 0u);
}

TEST(LabSessions, NotAcceptingRefusesNewSessionsButKeepsOpenOnes) {
  Lab lab(pair_yaml(), 0.01);  // lifetime 6 s
  auto a = lab.handle().node("a");
  const auto opts = probe_options(a->host + ":" + std::to_string(a->port), 1.0, 50, 2);
  auto report_future = std::async(std::launch::async, [&] { return probe::run_probe(opts); });
  ASSERT_TRUE(lab.wait_node(
      "a", [](const json& n) { return n.at("sessions").at("open") == 2; }, 5));
  ASSERT_EQ(lab.api("a", "PUT", "/api/v1/traffic", {{"accepting", false}}).first, 200);
  auto report = report_future.get();
  EXPECT_EQ(report.sessions_dropped, 0u);
  EXPECT_EQ(report.sessions_still_open, 2u);
  EXPECT_GT(report.failures_by_cause["http_status"], 0u);  // new requests get 503
}

}  // namespace
}  // namespace hitless::testing
