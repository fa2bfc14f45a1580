// The probe's pure parts: target and option validation, the HTTP subset, the accounting behind
// the report, and the report's JSON shape.

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "probe/http_response.hpp"
#include "probe/probe.hpp"
#include "probe/probe_stats.hpp"

namespace hitless::probe {
namespace {

TEST(ProbeTarget, AcceptsLoopbackAddresses) {
  auto v4 = parse_target("127.0.0.1:8080");
  ASSERT_TRUE(v4) << v4.message();
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  EXPECT_TRUE(parse_target("127.3.2.1:1"));
  auto v6 = parse_target("[::1]:9000");
  ASSERT_TRUE(v6) << v6.message();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(format_target(*v6), "[::1]:9000");
  auto named = parse_target("localhost:80");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->host, "127.0.0.1");
}

TEST(ProbeTarget, KeepsTheOtherOptions) {
  ProbeOptions base;
  base.rate = 7;
  base.sessions = 3;
  auto o = parse_target("127.0.0.1:1", base);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->rate, 7);
  EXPECT_EQ(o->sessions, 3);
}

TEST(ProbeTarget, RefusesNonLoopbackWithAClearError) {
  for (const char* addr : {"10.0.0.1:80", "192.168.1.1:443", "[::2]:80", "[::ffff:10.0.0.1]:80",
                           "0.0.0.0:80", "example.com:80"}) {
    auto r = parse_target(addr);
    ASSERT_FALSE(r) << addr;
    EXPECT_EQ(r.code(), ProbeErrc::kBadTarget) << addr;
    EXPECT_NE(r.message().find("loopback"), std::string::npos) << r.message();
    EXPECT_NE(r.message().find(addr), std::string::npos) << r.message();
  }
}

TEST(ProbeTarget, RefusesMalformedAddresses) {
  for (const char* addr : {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                           "127.0.0.1:8o", ":80", "::1:80", "[::1]80", "[::1:80"}) {
    auto r = parse_target(addr);
    ASSERT_FALSE(r) << addr;
    EXPECT_EQ(r.code(), ProbeErrc::kBadTarget) << addr;
  }
}

ProbeOptions valid() {
  ProbeOptions o;
  o.port = 8080;
  return o;
}

TEST(ProbeOptionsBounds, DefaultsWithAPortAreValid) { EXPECT_TRUE(validate_options(valid())); }

TEST(ProbeOptionsBounds, RefusesOutOfBoundValues) {
  auto refused = [](auto mutate, const char* name) {
    ProbeOptions o = valid();
    mutate(o);
    auto r = validate_options(o);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.code(), ProbeErrc::kBadOption) << name;
    EXPECT_NE(r.message().find(name), std::string::npos) << r.message();
  };
  refused([](ProbeOptions& o) { o.duration_s = 86401; }, "duration_s");
  refused([](ProbeOptions& o) { o.duration_s = 0; }, "duration_s");
  refused([](ProbeOptions& o) { o.duration_s = NAN; }, "duration_s");
  refused([](ProbeOptions& o) { o.rate = 100001; }, "rate");
  refused([](ProbeOptions& o) { o.rate = -1; }, "rate");
  refused([](ProbeOptions& o) { o.sessions = 10001; }, "sessions");
  refused([](ProbeOptions& o) { o.sessions = -1; }, "sessions");
  refused([](ProbeOptions& o) { o.request_timeout_s = 0; }, "request_timeout_s");
  refused([](ProbeOptions& o) { o.session_lifetime_s = -1; }, "session_lifetime_s");
  refused([](ProbeOptions& o) { o.session_spread_s = -1; }, "session_spread_s");
  refused([](ProbeOptions& o) { o.rate = 0; }, "nothing to do");
}

TEST(ProbeOptionsBounds, AcceptsTheLimitsThemselves) {
  ProbeOptions o = valid();
  o.duration_s = 86400;
  o.rate = 100000;
  o.sessions = 10000;
  EXPECT_TRUE(validate_options(o));
}

TEST(ProbeOptionsBounds, RefusesANonLoopbackHostSetDirectly) {
  ProbeOptions o = valid();
  o.host = "8.8.8.8";
  auto r = validate_options(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.code(), ProbeErrc::kBadTarget);
}

namespace d = detail;

TEST(ProbeHttp, BuildsTheProtocolRequests) {
  EXPECT_EQ(d::build_get("/"), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(d::session_path(0), "/session");
  EXPECT_EQ(d::session_path(2.5), "/session?lifetime_s=2.5");
}

TEST(ProbeHttp, ParsesStatusLineAndContentLength) {
  d::ResponseHead head;
  std::string data = "HTTP/1.1 200 OK\r\ncontent-length: 12\r\nX: y\r\n\r\n{\"node\":\"b\"}";
  ASSERT_EQ(d::parse_response_head(data, head), d::Parse::kComplete);
  EXPECT_EQ(head.status, 200);
  ASSERT_TRUE(head.content_length);
  EXPECT_EQ(*head.content_length, 12u);
  EXPECT_EQ(data.substr(head.size), "{\"node\":\"b\"}");

  int status = 0;
  EXPECT_EQ(d::parse_status_line("HTTP/1.1 503 Service Unavailable\r\n", status),
            d::Parse::kComplete);
  EXPECT_EQ(status, 503);
  EXPECT_EQ(d::parse_status_line("HTTP/1.1 20", status), d::Parse::kIncomplete);
  EXPECT_EQ(d::parse_status_line("SSH-2.0-OpenSSH\r\n", status), d::Parse::kMalformed);
  EXPECT_EQ(d::parse_response_head("HTTP/1.1 200 OK\r\nX: y\r\n", head), d::Parse::kIncomplete);
  EXPECT_EQ(d::parse_response_head("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", head),
            d::Parse::kMalformed);
  EXPECT_EQ(d::parse_response_head(std::string(d::kMaxHeadBytes + 1, 'a'), head),
            d::Parse::kMalformed);
}

TEST(ProbeHttp, NodeNameComesFromAJsonBodyOrIsUnknown) {
  EXPECT_EQ(d::node_from_body(R"({"node":"a","version":"2.1"})"), "a");
  EXPECT_EQ(d::node_from_body(R"({"version":"2.1"})"), "?");
  EXPECT_EQ(d::node_from_body(R"({"node":3})"), "?");
  EXPECT_EQ(d::node_from_body("ok"), "?");
  EXPECT_EQ(d::node_from_body(""), "?");
}

TEST(ProbeHttp, ClassifiesSessionLines) {
  EXPECT_EQ(d::classify_session_line("open 17 a"), d::SessionLine::kOpen);
  EXPECT_EQ(d::classify_session_line("end completed\r"), d::SessionLine::kEndCompleted);
  EXPECT_EQ(d::classify_session_line("end dropped"), d::SessionLine::kOther);
  EXPECT_EQ(d::classify_session_line("transferred 4 ap-2\r"), d::SessionLine::kTransferred);
}

TEST(ProbeStats, MaxGapRunsFromStartBetweenSuccessesAndToTheEnd) {
  d::ProbeStats s("t");
  s.request_ok(0.0, 0.3, "a");  // start -> 0.3: 300 ms
  s.request_ok(0.4, 0.5, "a");  // 200 ms
  s.request_failed(0.6, "refused");
  s.request_ok(1.5, 1.6, "b");    // 1100 ms
  auto r = s.finish(2.0, false);  // 400 ms to the end
  EXPECT_DOUBLE_EQ(r.max_gap_ms, 1100);
  EXPECT_EQ(r.requests, 4u);
  EXPECT_EQ(r.failures_by_cause.at("refused"), 1u);
  EXPECT_EQ(r.answered_by.at("a"), 2u);
  ASSERT_EQ(r.series.size(), 2u);
  EXPECT_EQ(r.series[0].ok, 2u);
  EXPECT_EQ(r.series[0].failed, 1u);
  EXPECT_EQ(r.series[1].ok, 1u);

  d::ProbeStats none("t");
  EXPECT_DOUBLE_EQ(none.finish(3.0, false).max_gap_ms, 3000);
}

TEST(ProbeStats, OutagesNeedAFailureAndRunFromItToTheNextSuccess) {
  d::ProbeStats s("t");
  s.request_ok(0.0, 0.1, "a");
  s.request_ok(1.0, 1.1, "a");     // a stalled client: a 1000 ms gap, no outage
  s.request_failed(1.2, "reset");  // fails from 1.2 ...
  s.request_failed(1.3, "refused");
  s.request_ok(1.35, 1.5, "b");    // ... to 1.5: 300 ms
  s.request_failed(1.4, "reset");  // started before that success finished: no new stretch
  s.request_ok(1.6, 1.7, "b");
  s.request_failed(1.8, "refused");  // open at the end: 1.8 -> 2.0
  auto r = s.finish(2.0, false);
  EXPECT_NEAR(r.max_gap_ms, 1000, 1e-6);
  EXPECT_NEAR(r.max_outage_ms, 300, 1e-6);
  EXPECT_NEAR(r.outage_ms, 500, 1e-6);

  d::ProbeStats clean("t");
  clean.request_ok(0.0, 0.1, "a");
  clean.request_ok(2.0, 2.1, "a");
  EXPECT_EQ(clean.finish(3.0, false).outage_ms, 0);
}

TEST(ProbeStats, SeriesCarriesOpenSessionsToTheEndOfEachSecond) {
  d::ProbeStats s("t");
  s.session_opened(0.1);
  s.session_opened(0.2);
  s.session_ended(2.5, false);  // seconds 0 and 1 end with 2 open, second 2 with 1
  s.session_failed();
  auto r = s.finish(4.5, true);
  ASSERT_EQ(r.series.size(), 5u);
  EXPECT_EQ(r.series[0].sessions_open, 2u);
  EXPECT_EQ(r.series[1].sessions_open, 2u);
  EXPECT_EQ(r.series[2].sessions_open, 1u);
  EXPECT_EQ(r.series[4].sessions_open, 1u);
  EXPECT_EQ(r.series[4].t, 4);
  EXPECT_EQ(r.sessions_dropped, 1u);
  EXPECT_EQ(r.sessions_still_open, 1u);
  EXPECT_EQ(r.session_failures, 1u);
  EXPECT_TRUE(r.interrupted);
}

TEST(ProbeReportOutput, JsonHasEveryKey) {
  d::ProbeStats s("127.0.0.1:1");
  s.request_ok(0.1, 0.2, "a");
  s.request_failed(0.3, "timeout");
  auto j = to_json(s.finish(1.0, false));
  for (const char* key :
       {"target", "duration_s", "requests", "ok", "failed", "failures", "max_gap_ms",
        "max_outage_ms", "outage_ms", "sessions_opened", "sessions_dropped", "sessions_completed",
        "session_failures", "sessions_still_open", "sessions_transferred", "answered_by",
        "interrupted", "series"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["failures"]["timeout"], 1);
  EXPECT_EQ(j["answered_by"]["a"], 1);
  EXPECT_EQ(j["series"][0]["ok"], 1);
  EXPECT_EQ(j["series"][0]["t"], 0);
  auto text = to_text(s.finish(1.0, false));
  EXPECT_NE(text.find("127.0.0.1:1"), std::string::npos);
  EXPECT_NE(text.find("timeout=1"), std::string::npos);
}

}  // namespace
}  // namespace hitless::probe
