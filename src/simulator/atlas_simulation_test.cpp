// Seed 001 Atlas plans run by the simulator (the real executor against the lab model on a virtual
// clock) with clients arriving at every region: figures, per-region service and the drain fault.
#include <gtest/gtest.h>

#include "planner/atlas_world_fixture.hpp"
#include "planner/planner.hpp"
#include "simulator/simulator.hpp"

namespace hitless::sim {
namespace {

NodeProfile atlas_profile() {
  NodeProfile prof;
  prof.install_s = 1500;
  prof.reboot_s = 180;
  prof.session_lifetime_s = 900;
  prof.data_mb = 500;
  return prof;
}

// The shared Atlas cluster (planner/atlas_world_fixture.hpp) with sessions of up to 900 s.
struct AtlasWorld : plan::fixture::AtlasWorld {
  AtlasWorld(bool failover, const std::vector<std::pair<std::string, int>>& regions)
      : plan::fixture::AtlasWorld(failover, regions, atlas_profile()) {
    policy().drain_timeout_s = 1200;  // sessions last up to 900 s
  }
  plan::Plan plan() {
    auto p = plan::make_plan(request());
    EXPECT_TRUE(p.ok()) << p.message();
    return *p;
  }
  SimulationResult run(SimOptions o = {}) {
    if (o.clients_per_region_per_s == 0) o.clients_per_region_per_s = 1.0 / 20;
    auto r = simulate(plan(), inv, cat, o);
    EXPECT_TRUE(r.ok()) << r.message();
    return *r;
  }
};

std::string atlas_final_version(const SimulationResult& r, const std::string& node) {
  for (const auto& t : r.nodes)
    if (t.node == node) return t.segments.back().version;
  return "";
}

void expect_every_region_served(const SimulationResult& r) {
  for (const auto& [region, f] : r.regions) {
    EXPECT_GE(f.min_accepting, 1) << region;
    EXPECT_EQ(f.no_accepting_s, 0) << region;
    EXPECT_EQ(f.clients_refused, 0) << region;
    EXPECT_GT(f.clients_served, 0) << region;
    EXPECT_EQ(f.sessions_dropped, 0) << region;
  }
}

TEST(AtlasSimulation, FailoverMastersUpgradeEveryNodeWithEveryRegionServedThroughout) {
  AtlasWorld w(true, {{"eu", 2}, {"us", 2}});
  auto r = w.run();
  ASSERT_EQ(r.outcome, "completed") << r.message;
  for (const char* n : {"master-a", "master-b", "eu-1", "eu-2", "us-1", "us-2"})
    EXPECT_EQ(atlas_final_version(r, n), "23.2.1") << n;
  expect_every_region_served(r);
  EXPECT_EQ(r.regions.size(), 2u);
  // Two waves, each waiting for sessions of up to 900 s and installing 1500 + 180 s; then A.
  EXPECT_GT(r.makespan_s, 2 * (1500 + 180));
  EXPECT_LT(r.makespan_s, 3 * (1500 + 180) + 2 * 900 + 600);
}

TEST(AtlasSimulation, SingleMasterWithThreeRegionsOfThreeOneAndTwo) {
  AtlasWorld w(false, {{"eu", 3}, {"ap", 1}, {"us", 2}});
  auto r = w.run();
  ASSERT_EQ(r.outcome, "completed") << r.message;
  for (const char* n : {"master-a", "eu-1", "eu-2", "eu-3", "ap-1", "us-1", "us-2"})
    EXPECT_EQ(atlas_final_version(r, n), "23.2.1") << n;
  for (const char* region : {"atlas/eu", "atlas/us"}) {
    EXPECT_GE(r.regions.at(region).min_accepting, 1) << region;
    EXPECT_EQ(r.regions.at(region).clients_refused, 0) << region;
  }
  // The lone ap node: no new clients from the first Sync Now until its install ends, but no
  // session of it is cut (it drains first).
  EXPECT_EQ(r.regions.at("atlas/ap").min_accepting, 0);
  EXPECT_GT(r.regions.at("atlas/ap").no_accepting_s, 1500);
  EXPECT_EQ(r.regions.at("atlas/ap").sessions_dropped, 0);
}

TEST(AtlasSimulation, NodeThatNeverDrainsIsForcedAtTheDrainTimeoutWhenThePolicySaysSo) {
  AtlasWorld w(false, {{"eu", 2}, {"us", 2}});
  w.policy().on_drain_timeout = DrainTimeoutAction::kForce;
  SimOptions o;
  o.faults = {{"eu-1", "never-drains"}};
  auto r = w.run(o);
  ASSERT_EQ(r.outcome, "completed") << r.message;
  EXPECT_EQ(atlas_final_version(r, "eu-1"), "23.2.1");
  const auto& eu = r.regions.at("atlas/eu");
  EXPECT_GE(eu.min_accepting, 1);
  EXPECT_EQ(eu.clients_refused, 0);
  EXPECT_GT(eu.sessions_dropped, 0);  // the forced install cut eu-1's lingering sessions
  EXPECT_EQ(r.regions.at("atlas/us").sessions_dropped, 0);
}

TEST(AtlasSimulation, NodeThatNeverDrainsStopsTheRunSafeAndServingByDefault) {
  AtlasWorld w(false, {{"eu", 2}, {"us", 2}});
  ASSERT_EQ(w.policy().on_drain_timeout, DrainTimeoutAction::kStop);
  SimOptions o;
  o.faults = {{"eu-1", "never-drains"}};
  auto r = w.run(o);
  EXPECT_NE(r.outcome, "completed");
  EXPECT_NE(r.message.find("eu-1"), std::string::npos) << r.message;
  EXPECT_EQ(atlas_final_version(r, "eu-1"), "23.1.2");  // never installed with clients on it
  for (const auto& [region, f] : r.regions) {
    EXPECT_GE(f.min_accepting, 1) << region;
    EXPECT_EQ(f.clients_refused, 0) << region;
    EXPECT_EQ(f.sessions_dropped, 0) << region;
  }
  for (const auto& t : r.nodes) EXPECT_EQ(t.segments.back().state, "serving") << t.node;
}

}  // namespace
}  // namespace hitless::sim
