// Seed 003 plans run by the simulator (the real executor against the lab model on a virtual
// clock): the S12 HA pair's figures (downtime = the primary's reboot while the secondary is shut
// down; exposure until Activate Slave) and S13 with search minions completing without the
// critical error.
#include <gtest/gtest.h>

#include "planner/sps_world_fixture.hpp"
#include "simulator/simulator.hpp"

namespace hitless::sim {
namespace {

// S12 (no search nodes) or S13 (a search master and `minions` minions), simulated to `target`.
SimulationResult simulate_sps(int minions, const std::string& target = "7.0.4",
                              const SimOptions& options = {}) {
  plan::fixture::SpsWorld w(minions > 0, minions);
  auto p = w.plan(target);
  EXPECT_TRUE(p.ok()) << p.message();
  auto r = simulate(*p, w.inv, w.cat, options);
  EXPECT_TRUE(r.ok()) << r.message();
  return *r;
}

std::string sps_final_version(const SimulationResult& r, const std::string& node) {
  for (const auto& t : r.nodes)
    if (t.node == node) return t.segments.back().version;
  return "";
}

TEST(SpsSimulation, HaPairDowntimeIsThePrimarysRebootWhileTheSecondaryIsOff) {
  auto r = simulate_sps(0);
  ASSERT_EQ(r.outcome, "completed") << r.message;
  for (const char* n : {"sps-a", "sps-b"}) EXPECT_EQ(sps_final_version(r, n), "7.0.4") << n;
  // One reboot of 240 s without any node serving; no failover protection (one node serving) from
  // the shutdown of the secondary through the primary's reboot and the secondary's own boot.
  EXPECT_GE(r.downtime_s, 240);
  EXPECT_LT(r.downtime_s, 240 + 60);
  EXPECT_GE(r.exposure_s, 2 * 240);
  EXPECT_GT(r.makespan_s, 720 + 240 + 240 + 50);
  std::printf("S12 simulate: downtime %.0f s, exposure %.0f s, makespan %.0f s\n", r.downtime_s,
              r.exposure_s, r.makespan_s);
}

// S12's fallback: the secondary's management plane wedges once the primary's firmware is written
// on it; Other node > Shutdown would be refused, so only the out-of-band power-off lets the run
// complete, and it costs no more downtime than the seed's route.
TEST(SpsSimulation, SecondaryWedgedAfterThePrimarysFirmwareIsPoweredOffOutOfBand) {
  SimOptions o;
  o.faults = {{"sps-b", "wedge-after-peer-firmware"}};
  auto r = simulate_sps(0, "7.0.4", o);
  ASSERT_EQ(r.outcome, "completed") << r.message;
  for (const char* n : {"sps-a", "sps-b"}) EXPECT_EQ(sps_final_version(r, n), "7.0.4") << n;
  EXPECT_GE(r.downtime_s, 240);
  EXPECT_LT(r.downtime_s, 240 + 60);
  // The fault stays armed: on a second firmware hop the secondary wedges again, and again the
  // power cycle through its BMC carries the run on.
  auto two = simulate_sps(0, "7.1.0", o);
  ASSERT_EQ(two.outcome, "completed") << two.message;
  for (const char* n : {"sps-a", "sps-b"}) EXPECT_EQ(sps_final_version(two, n), "7.1.0") << n;
}

TEST(SpsSimulation, SearchMinionsThenMasterThenThePairCompletes) {
  auto r = simulate_sps(3);
  ASSERT_EQ(r.outcome, "completed") << r.message;
  for (const char* n : {"sps-a", "sps-b", "search", "minion-1", "minion-2", "minion-3"})
    EXPECT_EQ(sps_final_version(r, n), "7.0.4") << n;
  // Three minions one after the other (install + reboot each) before the master's reboot.
  EXPECT_GT(r.makespan_s, 3 * (720 + 240) + 240);
  // The pair's service address (its shared IP) is down while the primary reboots with the
  // secondary shut down, though the search nodes keep serving their own clients: both figures.
  EXPECT_GE(r.downtime_by_cluster.at("sps"), 240);
  EXPECT_LT(r.downtime_by_cluster.at("sps"), 240 + 60);
  EXPECT_EQ(r.no_node_serving_by_cluster.at("sps"), 0) << "a search node served throughout";
  std::printf(
      "S13 simulate: downtime %.0f s (no node serving %.0f s), exposure %.0f s, makespan "
      "%.0f s\n",
      r.downtime_s, r.no_node_serving_by_cluster.at("sps"), r.exposure_s, r.makespan_s);
}

TEST(SpsSimulation, TwoFirmwareHopsRunTheWholeProcedureTwiceAndEndActivated) {
  auto one = simulate_sps(0, "7.0.4");
  auto r = simulate_sps(0, "7.1.0");
  ASSERT_EQ(r.outcome, "completed") << r.message;
  for (const char* n : {"sps-a", "sps-b"}) EXPECT_EQ(sps_final_version(r, n), "7.1.0") << n;
  // Each hop costs the primary's reboot once more, and about as long as a one-hop run.
  EXPECT_NEAR(r.downtime_s, 2 * one.downtime_s, 30);
  EXPECT_GT(r.makespan_s, 1.8 * one.makespan_s);
  int activations = 0;
  for (const auto& s : r.steps) activations += s.verb == "activate-slave" ? 1 : 0;
  EXPECT_EQ(activations, 2);
}

}  // namespace
}  // namespace hitless::sim
