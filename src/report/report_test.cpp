#include "report/report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "journal/test_temp_dir.hpp"
#include "report/svg_timeline.hpp"

namespace hitless::report {
namespace {

using nlohmann::json;
constexpr double kW0 = 1'800'000'000;  // the first intent, unix seconds
constexpr double kScale = 0.001;

plan::Step step(const std::string& id, plan::Verb v, std::vector<std::string> targets, int phase,
                json params = json::object()) {
  plan::Step s;
  s.id = id;
  s.verb = v;
  s.cluster = "pair";
  s.targets = std::move(targets);
  s.phase = phase;
  s.params = std::move(params);
  s.title = id;
  return s;
}

plan::Plan pair_plan() {
  plan::Plan p;
  p.inventory_file = "inventory.yaml";
  p.target_version = "7.2.0";
  p.clusters = {"pair"};
  p.strategies = {"asynchronous"};
  p.time_scale = kScale;
  p.phases = {{0, "one"}, {1, "two"}};
  p.steps = {
      step("pair/01-break-ha", plan::Verb::kBreakHa, {"a", "b"}, 0),
      step("pair/02-install-b", plan::Verb::kInstall, {"b"}, 0, {{"package", "product-7.2.0"}}),
      step("pair/03-approve", plan::Verb::kApproval, {}, 0),
      step("pair/04-switch-traffic-b", plan::Verb::kSwitchTraffic, {"a", "b"}, 0),
      step("pair/05-install-a", plan::Verb::kInstall, {"a"}, 1, {{"package", "product-7.2.0"}}),
      step("pair/06-establish-ha", plan::Verb::kEstablishHa, {"b", "a"}, 1)};
  return p;
}

// Model seconds of each step: [start, end].
const std::vector<std::pair<double, double>> kTimes = {{0, 10},      {10, 1810},   {1810, 1812},
                                                       {1812, 1815}, {1815, 3615}, {3615, 3630}};

journal::StepRecord record(const std::string& id, double start, double end,
                           journal::StepState st = journal::StepState::kSucceeded) {
  journal::StepRecord r;
  r.step_id = id;
  r.state = st;
  r.attempts = 1;
  r.intent_wall = kW0 + start * kScale;
  r.outcome_wall = kW0 + end * kScale;
  r.intent_model = 7 + start;  // the scheduler's own clock need not start at 0
  r.outcome_model = 7 + end;
  return r;
}

json probe_json(double start_unix) {
  json series = json::array();
  for (int t = 0; t < 5; ++t)
    series.push_back(
        {{"t", t}, {"ok", t == 1 ? 180 : 200}, {"failed", t == 1 ? 20 : 0}, {"sessions_open", 4}});
  return {{"target", "127.0.0.100:4000"},
          {"duration_s", 5.0},
          {"start_unix", start_unix},
          {"requests", 1000},
          {"ok", 980},
          {"failed", 20},
          {"failures", {{"refused", 15}, {"timeout", 5}}},
          {"max_gap_ms", 62.5},
          {"sessions_opened", 9},
          {"sessions_dropped", 2},
          {"sessions_completed", 7},
          {"session_failures", 0},
          {"answered_by", {{"a", 400}, {"b", 580}}},
          {"interrupted", false},
          {"series", series}};
}

json sim_json(const std::string& strategy, double downtime) {
  json seg_a = json::array({{{"start_s", 0},
                             {"end_s", 1812},
                             {"state", "serving"},
                             {"version", "7.1.0"},
                             {"holds_service", true}},
                            {{"start_s", 1812},
                             {"end_s", 3600},
                             {"state", "installing"},
                             {"version", "7.1.0"},
                             {"holds_service", false}}});
  json seg_b = json::array({{{"start_s", 0},
                             {"end_s", 3600},
                             {"state", "serving"},
                             {"version", "7.2.0"},
                             {"holds_service", false}}});
  return {{"strategy", strategy},
          {"outcome", "completed"},
          {"downtime_s", downtime},
          {"makespan_s", 3600.0},
          {"exposure_s", 3500.0},
          {"timeline", json::array({{{"node", "a"}, {"segments", seg_a}},
                                    {{"node", "b"}, {"segments", seg_b}}})}};
}

json inspect_json(const std::string& sum_a, const std::string& sum_b, const std::string& version) {
  auto node = [&](const std::string& n, const std::string& sum, bool ip) {
    return json{{"name", n},
                {"version", version},
                {"data", {{"checksum", sum}}},
                {"ha", {{"role", ip ? "primary" : "backup"}}},
                {"owns_shared_ip", ip}};
  };
  return {{"nodes", json::array({node("a", sum_a, true), node("b", sum_b, false)})}};
}

ReportInputs inputs() {
  ReportInputs in;
  in.plan = pair_plan();
  in.run.state = "completed";
  in.run.message = "every step succeeded";
  for (size_t i = 0; i < in.plan.steps.size(); ++i)
    in.steps[in.plan.steps[i].id] = record(in.plan.steps[i].id, kTimes[i].first, kTimes[i].second);
  in.probe = probe_json(kW0 - 1);
  in.simulation = json{
      {"comparison", json::array({sim_json("synchronous", 2640), sim_json("asynchronous", 0.2)})}};
  in.before = inspect_json("aaaa1111", "bbbb2222", "7.1.0");
  in.after = inspect_json("aaaa1111", "cccc3333", "7.2.0");
  return in;
}

TEST(Report, TextCarriesTimelineClientImpactAndPrediction) {
  auto r = build_report(inputs());
  ASSERT_TRUE(r.ok()) << r.message();
  const std::string t = to_text(*r);
  EXPECT_NE(t.find("Upgrade report: pair to 7.2.0 (asynchronous)"), std::string::npos) << t;
  EXPECT_NE(t.find("6 of 6 steps succeeded"), std::string::npos) << t;
  EXPECT_NE(t.find("30m 15s - 1h 15s"), std::string::npos) << t;  // install a, model time
  EXPECT_NE(t.find("[1.815 - 3.615]"), std::string::npos) << t;   // ... and wall seconds
  EXPECT_NE(t.find("refused 15, timeout 5"), std::string::npos) << t;
  EXPECT_NE(t.find("1m 40s model (20 failed / 200 per s = 100ms wall)"), std::string::npos)
      << t;  // 20 / 200 / 0.001
  EXPECT_NE(t.find("62ms wall = 1m 3s model"), std::string::npos) << t;
  EXPECT_NE(t.find("9 opened, 7 completed, 2 dropped"), std::string::npos) << t;
  EXPECT_NE(t.find("predicted (asynchronous)"), std::string::npos)
      << t;  // the comparison entry the run used
  EXPECT_NE(t.find("200ms"), std::string::npos) << t;
  EXPECT_NE(t.find("1h 30s"), std::string::npos) << t;  // measured makespan 3630 s
  EXPECT_NEAR(r->makespan_s, 3630, 1e-3);
  EXPECT_NEAR(r->exposure_s, 3630,
              1e-3);  // broken from the first step until re-established at the end
  ASSERT_TRUE(r->clients && r->clients->downtime_s);
  EXPECT_NEAR(*r->clients->downtime_s, 100, 1e-6);
}

TEST(Report, DowntimeIsTheProbesOutageWhenItReportsOne) {
  auto in = inputs();
  (*in.probe)["outage_ms"] = 80.0;  // a stalled probe sends fewer requests: failed / rate says less
  auto r = build_report(in);
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_TRUE(r->clients && r->clients->downtime_s);
  EXPECT_NEAR(*r->clients->downtime_s, 80, 1e-6);  // 80 ms wall / 0.001
  const std::string t = to_text(*r);
  EXPECT_NE(t.find("1m 20s model (seen failing for 80ms wall, 20 failed requests)"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("measured: the probe's outage"), std::string::npos) << t;
}

TEST(Report, StepThatTookAnotherRouteIsNamedWithWhy) {
  auto in = inputs();
  journal::Event e;
  e.kind = "route";
  e.step_id = "pair/05-install-a";
  e.node = "a";
  e.message = "b does not answer its management API: a is powered off out of band";
  in.events.push_back(e);
  auto r = build_report(in);
  ASSERT_TRUE(r.ok()) << r.message();
  const std::string line = "pair/05-install-a: " + e.message;
  EXPECT_EQ(r->route_decisions, std::vector<std::string>{line});
  const std::string t = to_text(*r);
  EXPECT_NE(t.find("Steps that took another route:\n  " + line), std::string::npos) << t;
  EXPECT_EQ(to_json(*r)["route_decisions"][0], line);
  // None taken: no section.
  EXPECT_EQ(to_text(*build_report(inputs())).find("another route"), std::string::npos);
}

TEST(Report, ClusterWideStepShowsOnEveryNodeOfTheCluster) {
  auto r = build_report(inputs());
  ASSERT_TRUE(r.ok());
  const auto it = std::find_if(r->steps.begin(), r->steps.end(),
                               [](const StepSpan& s) { return s.verb == "approval"; });
  ASSERT_NE(it, r->steps.end());
  EXPECT_EQ(it->targets, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r->nodes, (std::vector<std::string>{"a", "b"}));
}

TEST(Report, ChecksumsUnchangedAndChangedAreTold) {
  auto r = build_report(inputs());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->changes.size(), 2u);
  EXPECT_EQ(r->changes[0].data, "unchanged");
  EXPECT_EQ(r->changes[1].data, "CHANGED");
  EXPECT_TRUE(r->data_changed());
  const std::string t = to_text(*r);
  EXPECT_NE(t.find("aaaa1111 -> aaaa1111  unchanged"), std::string::npos) << t;
  EXPECT_NE(t.find("bbbb2222 -> cccc3333  CHANGED"), std::string::npos) << t;
  EXPECT_NE(t.find("7.1.0 -> 7.2.0"), std::string::npos) << t;
  const json j = to_json(*r);
  EXPECT_EQ(j["nodes"][1]["data"], "CHANGED");
  EXPECT_EQ(j["data_changed"], true);
  EXPECT_NEAR(j["measured"]["makespan_s"].get<double>(), 3630, 1e-3);

  auto in = inputs();
  in.after = inspect_json("aaaa1111", "bbbb2222", "7.2.0");
  auto same = build_report(in);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->data_changed());
  EXPECT_NE(to_text(*same).find("Data: unchanged on every node"), std::string::npos);
}

TEST(Report, ProbeIsLinedUpWithTheJournalByWallClock) {
  auto r = build_report(inputs());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->clients->series.size(), 5u);
  EXPECT_NEAR(r->clients->series[0].start_s, -1000,
              1e-3);  // the probe started 1 s wall before the first step
  EXPECT_NEAR(r->clients->series[1].end_s, 1000, 1e-3);
}

// Tags open and close in order; returns how many elements there are.
int balanced_elements(const std::string& svg) {
  std::vector<std::string> stack;
  int count = 0;
  for (size_t p = svg.find('<'); p != std::string::npos; p = svg.find('<', p + 1)) {
    const size_t end = svg.find('>', p);
    if (end == std::string::npos) return -1;
    const std::string tag = svg.substr(p + 1, end - p - 1);  // escaped text holds no '<' or '>'
    const bool closing = !tag.empty() && tag.front() == '/';
    const bool empty = !tag.empty() && tag.back() == '/';
    const std::string name =
        tag.substr(closing ? 1 : 0, tag.find_first_of(" /\n", closing ? 1 : 0) - (closing ? 1 : 0));
    if (name.empty()) return -1;
    if (closing) {
      if (stack.empty() || stack.back() != name) return -1;
      stack.pop_back();
    } else {
      ++count;
      if (!empty) stack.push_back(name);
    }
    p = end;
  }
  return stack.empty() ? count : -1;
}

size_t occurrences(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(Report, SvgIsWellFormedWithOneLanePerNode) {
  auto r = build_report(inputs());
  ASSERT_TRUE(r.ok());
  const std::string svg = to_svg(*r);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(balanced_elements("<svg><g></svg>"), -1);  // the checker itself can fail
  EXPECT_GT(balanced_elements(svg), 20);
  EXPECT_EQ(occurrences(svg, "class=\"lane measured\""), 2u);
  EXPECT_EQ(occurrences(svg, "class=\"lane predicted\""), 2u);
  EXPECT_EQ(occurrences(svg, "class=\"lane clients\""), 1u);
  EXPECT_NE(svg.find("data-node=\"a\""), std::string::npos);
  EXPECT_NE(svg.find("install product-7.2.0"), std::string::npos);  // a wide bar carries its label
  EXPECT_NE(svg.find("phase 2"), std::string::npos);
  EXPECT_NE(svg.find("20 failed"), std::string::npos);
  EXPECT_EQ(svg.find("http://", svg.find('>')), std::string::npos);  // nothing fetched from outside
}

TEST(Report, SvgWithoutOptionalInputsAndEscapesNames) {
  auto in = inputs();
  in.probe.reset();
  in.simulation.reset();
  in.before.reset();
  in.after.reset();
  in.plan.steps[1].targets = {"b<&>"};
  in.steps.erase("pair/06-establish-ha");
  in.steps["pair/05-install-a"].outcome_wall = 0;  // still running
  in.steps["pair/05-install-a"].state = journal::StepState::kRunning;
  auto r = build_report(in);
  ASSERT_TRUE(r.ok()) << r.message();
  const std::string svg = to_svg(*r);
  EXPECT_GT(balanced_elements(svg), 10);
  EXPECT_EQ(occurrences(svg, "class=\"lane measured\""), 3u);
  EXPECT_NE(svg.find("b&lt;&amp;&gt;"), std::string::npos);
  EXPECT_EQ(occurrences(svg, "class=\"lane predicted\""), 0u);
}

TEST(Report, BadInputsNameTheFile) {
  auto in = inputs();
  in.probe = json{{"hello", 1}};
  in.probe_file = "p.json";
  auto r = build_report(in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ReportErrc::kBadInput);
  EXPECT_NE(r.message().find("p.json"), std::string::npos);

  in = inputs();
  in.after = json{{"nodes", json::array({{{"name", "a"}}})}};
  in.after_file = "after.json";
  r = build_report(in);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("after.json"), std::string::npos) << r.message();
}

TEST(LoadReport, ReadsARealJournalAndReportsMissingFiles) {
  journal::test_util::TempDir dir;
  const plan::Plan p = pair_plan();
  {
    auto j = journal::SqliteJournal::create(dir.file("run.journal"), plan::to_json(p).dump(),
                                            plan::plan_hash(p));
    ASSERT_TRUE(j.ok()) << j.message();
    ASSERT_TRUE((*j)->record_intent("pair/01-break-ha", 1, "{}").ok());
    ASSERT_TRUE(
        (*j)->record_outcome("pair/01-break-ha", journal::StepState::kSucceeded, 2, "done", "{}")
            .ok());
    ASSERT_TRUE((*j)->record_intent("pair/02-install-b", 3, "{}").ok());
    ASSERT_TRUE((*j)->record_outcome("pair/02-install-b", journal::StepState::kFailed, 4,
                                     "b did not come back", "{}")
                    .ok());
    ASSERT_TRUE((*j)->set_run_state("failed", "pair/02-install-b failed").ok());
  }
  journal::test_util::write_bytes(dir.file("probe.json"), probe_json(kW0).dump());
  ReportFiles f{dir.file("run.journal"), dir.file("probe.json"), "", "", ""};
  auto r = load_report(f);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->run_state, "failed");
  ASSERT_EQ(r->steps.size(), 2u);
  EXPECT_EQ(r->steps_in_state("failed"), 1);
  const std::string t = to_text(*r);
  EXPECT_NE(t.find("b did not come back"), std::string::npos) << t;
  EXPECT_NE(to_svg(*r).find("FAILED install"), std::string::npos);

  f.simulation = dir.file("missing.json");
  r = load_report(f);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ReportErrc::kNotFound);
  EXPECT_NE(r.message().find("missing.json"), std::string::npos);

  journal::test_util::write_bytes(dir.file("bad.json"), "{not json");
  f.simulation = dir.file("bad.json");
  r = load_report(f);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ReportErrc::kBadInput);
  EXPECT_NE(r.message().find("bad.json"), std::string::npos);

  f = ReportFiles{dir.file("nope.journal"), "", "", "", ""};
  r = load_report(f);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("nope.journal"), std::string::npos);
}

}  // namespace
}  // namespace hitless::report
