// S10 simulated (seed 002): the issu plan run by the real executor against the chassis model
// on a virtual clock gives its figures: no downtime (the forwarding plane never stops), the
// makespan of the in-service upgrade plus the old master's reboot, and exposure while one engine
// is away; a backup engine that fails to boot fails the run with the chassis still forwarding.
#include <gtest/gtest.h>

#include "planner/planner.hpp"
#include "simulator/simulator.hpp"

namespace hitless::sim {
namespace {

struct ChassisWorld {
  Inventory inv;
  ObservedState obs;
  catalog::Catalog cat = catalog::Catalog::from_manifests({
      {"junos", "22.2R3.15", "firmware", {}, {"21.4"}, 1200, 2500},
  });
  ChassisWorld() {
    inv.name = "t";
    inv.file = "inventory.yaml";
    InventoryCluster c;
    c.name = "edge-router";
    c.kind = "chassis";
    c.traffic_kind = "none";
    NodeProfile prof;
    prof.install_s = 1200;
    prof.reboot_s = 480;
    c.nodes = {InventoryNode{"re0",
                             "master",
                             "",
                             "mx-1",
                             "0",
                             "command",
                             "127.0.0.1:1",
                             "k",
                             {},
                             prof,
                             1,
                             "junos.yaml"},
               InventoryNode{"re1",
                             "backup",
                             "",
                             "mx-1",
                             "1",
                             "command",
                             "127.0.0.1:2",
                             "k",
                             {},
                             prof,
                             2,
                             "junos.yaml"}};
    inv.clusters = {c};
    for (const auto& n : c.nodes) {
      ObservedNode o;
      o.name = n.name;
      o.reachable = o.serving = o.accepting = o.powered = true;
      o.version = "21.4R3.15";
      o.packages = {{"junos", "21.4R3.15"}};
      o.ha_role = n.name == "re0" ? "primary" : "backup";
      o.settings = {{"graceful-switchover", "true"},
                    {"nonstop-routing", "true"},
                    {"commit-synchronize", "true"}};
      obs.nodes[n.name] = o;
    }
  }
  Result<SimulationResult, SimErrc> run(const SimOptions& options = {}) {
    plan::PlanRequest rq;
    rq.inventory = &inv;
    rq.observed = &obs;
    rq.catalog = &cat;
    rq.target = "22.2R3.15";
    auto p = plan::make_plan(rq);
    EXPECT_TRUE(p.ok()) << p.message();
    return simulate(*p, inv, cat, options);
  }
};

TEST(IssuSimulation, NoDowntimeAndExposureOnlyWhileAnEngineIsAway) {
  ChassisWorld w;
  auto r = w.run();
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->outcome, "completed") << r->message;
  EXPECT_EQ(r->strategies, "issu");
  EXPECT_EQ(r->downtime_s, 0);
  // The backup engine's install and reboot, then the old master's reboot: 1200 + 480 + 480.
  EXPECT_GE(r->exposure_s, 2160 - 1);
  EXPECT_LT(r->exposure_s, 2160 + 120);
  EXPECT_GE(r->makespan_s, r->exposure_s);
  EXPECT_LT(r->makespan_s, 2160 + 600);
}

TEST(IssuSimulation, ABackupEngineThatFailsToBootFailsTheRunWithTheChassisForwarding) {
  ChassisWorld w;
  SimOptions o;
  o.faults = {{"re1", "boot-fail"}};
  auto r = w.run(o);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->outcome, "failed");
  EXPECT_NE(r->message.find("ISSU Aborted"), std::string::npos) << r->message;
  EXPECT_EQ(r->downtime_s, 0);
}

}  // namespace
}  // namespace hitless::sim
