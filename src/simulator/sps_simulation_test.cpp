// Seed 003 plans run by the simulator (the real executor against the lab model on a virtual
// clock): the S12 HA pair's figures (downtime = the primary's reboot while the secondary is shut
// down; exposure until Activate Slave) and S13 with search minions completing without the
// critical error.
#include <gtest/gtest.h>

#include "planner/planner.hpp"
#include "simulator/simulator.hpp"

namespace hitless::sim {
namespace {

struct SpsWorld {
  Inventory inv;
  ObservedState obs;
  catalog::Catalog cat = catalog::Catalog::from_manifests({
      {"firmware", "7.0.4", "firmware", {}, {}, 720, 800},
  });
  explicit SpsWorld(int minions) {
    inv.name = "t";
    inv.file = "inventory.yaml";
    InventoryCluster c;
    c.name = "sps";
    c.kind = "ha-pair";
    c.traffic_kind = "shared-ip";
    NodeProfile prof;
    prof.install_s = 720;
    prof.reboot_s = 240;
    prof.boot_timeout_s = 1200;
    prof.data_mb = 5000;
    prof.sync_mb_per_s = 100;
    int line = 1;
    auto add = [&](const std::string& n, const std::string& role, const std::string& ha,
                   const std::string& peer) {
      c.nodes.push_back(
          InventoryNode{n, role, "", "", "", "lab", "127.0.0.1:1", "t", {}, prof, line++, ""});
      ObservedNode o;
      o.name = n;
      o.reachable = true;
      o.version = "6.4.2";
      o.packages = {{"firmware", "6.4.2"}};
      o.serving = o.accepting = o.powered = true;
      o.ha_role = ha;
      o.ha_peer = peer;
      o.ha_status = ha == "none" ? "standalone" : "ok";
      obs.nodes[n] = o;
    };
    add("sps-a", "primary", "primary", "sps-b");
    add("sps-b", "backup", "backup", "sps-a");
    if (minions > 0) add("search", "search-master", "none", "");
    for (int i = 1; i <= minions; ++i)
      add("minion-" + std::to_string(i), "search-minion", "none", "");
    inv.clusters = {c};
  }
  SimulationResult run() {
    plan::PlanRequest rq;
    rq.inventory = &inv;
    rq.observed = &obs;
    rq.catalog = &cat;
    rq.target = "7.0.4";
    auto p = plan::make_plan(rq);
    EXPECT_TRUE(p.ok()) << p.message();
    auto r = simulate(*p, inv, cat, {});
    EXPECT_TRUE(r.ok()) << r.message();
    return *r;
  }
};

std::string final_version(const SimulationResult& r, const std::string& node) {
  for (const auto& t : r.nodes)
    if (t.node == node) return t.segments.back().version;
  return "";
}

TEST(SpsSimulation, HaPairDowntimeIsThePrimarysRebootWhileTheSecondaryIsOff) {
  SpsWorld w(0);
  auto r = w.run();
  ASSERT_EQ(r.outcome, "completed") << r.message;
  for (const char* n : {"sps-a", "sps-b"}) EXPECT_EQ(final_version(r, n), "7.0.4") << n;
  // One reboot of 240 s without any node serving; no failover protection (one node serving) from
  // the shutdown of the secondary through the primary's reboot and the secondary's own boot.
  EXPECT_GE(r.downtime_s, 240);
  EXPECT_LT(r.downtime_s, 240 + 60);
  EXPECT_GE(r.exposure_s, 2 * 240);
  EXPECT_GT(r.makespan_s, 720 + 240 + 240 + 50);
  std::printf("S12 simulate: downtime %.0f s, exposure %.0f s, makespan %.0f s\n", r.downtime_s,
              r.exposure_s, r.makespan_s);
}

TEST(SpsSimulation, SearchMinionsThenMasterThenThePairCompletes) {
  SpsWorld w(3);
  auto r = w.run();
  ASSERT_EQ(r.outcome, "completed") << r.message;
  for (const char* n : {"sps-a", "sps-b", "search", "minion-1", "minion-2", "minion-3"})
    EXPECT_EQ(final_version(r, n), "7.0.4") << n;
  // Three minions one after the other (install + reboot each) before the master's reboot.
  EXPECT_GT(r.makespan_s, 3 * (720 + 240) + 240);
  std::printf("S13 simulate: downtime %.0f s, exposure %.0f s, makespan %.0f s\n", r.downtime_s,
              r.exposure_s, r.makespan_s);
}

}  // namespace
}  // namespace hitless::sim
