// S9 (seed 004, hardware migration) simulated: the executor on the virtual clock against the
// lab's node model carries the certificate (under a real passphrase file), installs the spare,
// restores the data and cuts DNS over; the figures say what the run will cost. A spare that
// refuses the restore ends the simulation failed with the old box serving.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "planner/migration_world_fixture.hpp"
#include "simulator/simulator.hpp"

namespace hitless::sim {
namespace {

SimulationResult simulate_world(plan::fixture::MigrationWorld& w, const SimOptions& options = {}) {
  auto p = w.plan();
  EXPECT_TRUE(p.ok()) << p.message();
  auto r = simulate(*p, w.inv, w.cat, options);
  EXPECT_TRUE(r.ok());
  return *r;
}

std::string last_state(const SimulationResult& r, const std::string& node) {
  for (const auto& n : r.nodes)
    if (n.node == node && !n.segments.empty()) return n.segments.back().state;
  return "";
}
std::string last_version(const SimulationResult& r, const std::string& node) {
  for (const auto& n : r.nodes)
    if (n.node == node && !n.segments.empty()) return n.segments.back().version;
  return "";
}

const StepSpan* span_of(const SimulationResult& r, const std::string& id) {
  for (const auto& s : r.steps)
    if (s.id.ends_with("-" + id)) return &s;
  return nullptr;
}

TEST(MigrationSimulation, OldBoxServesThroughTheTtlSoTheCutOverCostsNothing) {
  plan::fixture::MigrationWorld w("dns", 30);
  auto r = simulate_world(w);
  ASSERT_EQ(r.outcome, "completed") << r.message;
  EXPECT_EQ(r.strategies, "migrate");
  // Clients holding the old answer reach old-box, which serves until the TTL has passed.
  EXPECT_EQ(r.downtime_s, 0) << "no client loses service at the cut-over";
  const StepSpan* cut = span_of(r, "switch-traffic-new-box");
  const StepSpan* reset = span_of(r, "factory-reset-old-box");
  ASSERT_NE(span_of(r, "propagate-new-box"), nullptr) << "the wait is its own step";
  ASSERT_TRUE(cut && reset);
  EXPECT_GE(reset->start - cut->end, 30) << "the reset waits out the record's TTL";
  // Install (1500 s + data migration 8 s) and reboot (240 s) on the spare dominate the makespan.
  EXPECT_GE(r.makespan_s, 1500 + 240);
  EXPECT_LE(r.makespan_s, 1500 + 240 + 600);
  EXPECT_EQ(last_version(r, "new-box"), "23.1.2");
  EXPECT_EQ(last_state(r, "old-box"), "off");
  EXPECT_EQ(last_state(r, "new-box"), "serving");
}

// The cut-over as it was before the propagation wait: the reset straight after the cut-over fails
// the clients still holding the old answer for the TTL, and the simulator counts that overlap.
TEST(MigrationSimulation, ResetWithinTheTtlCountsTheCachedClientsAsDowntime) {
  plan::fixture::MigrationWorld w("dns", 30);
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  // Take the propagation wait and the drain out, chaining the approval to the cut-over again.
  const auto waits = [](const plan::Step& s) {
    return s.verb == plan::Verb::kSoak || s.verb == plan::Verb::kWaitDrained;
  };
  const auto wait = std::find_if(p->steps.begin(), p->steps.end(), waits);
  ASSERT_NE(wait, p->steps.end()) << plan::to_text(*p);
  const std::string cut = wait->after.at(0);
  std::set<std::string> gone;
  for (const auto& s : p->steps)
    if (waits(s)) gone.insert(s.id);
  ASSERT_EQ(gone.size(), 2u) << plan::to_text(*p);
  std::erase_if(p->steps, waits);
  for (auto& s : p->steps)
    for (auto& a : s.after)
      if (gone.count(a)) a = cut;
  auto r = simulate(*p, w.inv, w.cat, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->outcome, "completed") << r->message;
  EXPECT_GT(r->downtime_s, 20) << "most of the TTL: the reset and shut-down take a few seconds";
  EXPECT_LE(r->downtime_s, 30);
}

TEST(MigrationSimulation, RefusedRestoreFailsWithTheOldBoxStillServing) {
  plan::fixture::MigrationWorld w("dns", 30);
  SimOptions o;
  o.faults = {{"new-box", "refuses-restore"}};
  auto r = simulate_world(w, o);
  EXPECT_NE(r.outcome, "completed");
  EXPECT_NE(r.message.find("refused the backup"), std::string::npos) << r.message;
  EXPECT_EQ(last_state(r, "old-box"), "serving");
  EXPECT_EQ(r.downtime_s, 0);
}

}  // namespace
}  // namespace hitless::sim
