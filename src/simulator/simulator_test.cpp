#include "simulator/simulator.hpp"

#include <gtest/gtest.h>

#include "planner/planner.hpp"

namespace hitless::sim {
namespace {

struct World {
  Inventory inv;
  ObservedState obs;
  catalog::Catalog cat = catalog::Catalog::from_manifests({
      {"base", "3.1.0", "base", {}, {}, 600, 50},
      {"product", "7.2.0", "product", {{"base", "3.1"}}, {"7.1"}, 1800, 900},
  });
  World() {
    inv.name = "t";
    inv.file = "inventory.yaml";
    InventoryCluster c;
    c.name = "pair";
    c.kind = "failover-pair";
    c.traffic_kind = "shared-ip";
    c.service = "127.0.0.100:4000";
    NodeProfile prof;
    prof.install_s = 1500;
    prof.reboot_s = 120;
    prof.data_mb = 1000;
    prof.sync_mb_per_s = 100;
    c.nodes = {InventoryNode{"a", "primary", "", "", "", "lab", "127.0.0.1:1", "t", {}, prof, 1},
               InventoryNode{"b", "backup", "", "", "", "lab", "127.0.0.1:2", "t", {}, prof, 2}};
    inv.clusters = {c};
    for (const auto& n : c.nodes) {
      ObservedNode o;
      o.name = n.name;
      o.reachable = true;
      o.version = "7.1.0";
      o.packages = {{"product", "7.1.0"}, {"base", "3.0"}};
      o.serving = o.powered = true;
      o.ha_role = n.role;
      o.ha_peer = n.name == "a" ? "b" : "a";
      o.shared_ip = "127.0.0.100:4000";
      o.shared_ip_enabled = n.name == "a";
      obs.nodes[n.name] = o;
    }
  }
  SimulationResult run(const std::string& strategy) {
    plan::PlanRequest rq;
    rq.inventory = &inv;
    rq.observed = &obs;
    rq.catalog = &cat;
    rq.target = "7.2.0";
    rq.strategy = strategy;
    auto p = plan::make_plan(rq);
    EXPECT_TRUE(p.ok()) << p.message();
    auto r = simulate(*p, inv, cat);
    EXPECT_TRUE(r.ok());
    return *r;
  }
};

std::string final_version(const SimulationResult& r, const std::string& node) {
  for (const auto& t : r.nodes)
    if (t.node == node) return t.segments.back().version;
  return "";
}

TEST(Simulator, AsynchronousCompletesWithNearZeroDowntime) {
  World w;
  auto r = w.run("asynchronous");
  EXPECT_EQ(r.outcome, "completed") << r.message;
  EXPECT_EQ(final_version(r, "a"), "7.2.0");
  EXPECT_EQ(final_version(r, "b"), "7.2.0");
  EXPECT_LT(r.downtime_s, 5);  // only the shared-IP switch
  // Exposure: from breaking the relation to re-establishing it, i.e. both upgrades.
  EXPECT_GT(r.exposure_s, 2 * (600 + 1800 + 2 * 120));
  EXPECT_GT(r.makespan_s, r.exposure_s);
}

TEST(Simulator, SynchronousDowntimeIsThePrimarysInstallsAndReboots) {
  World w;
  auto r = w.run("synchronous");
  EXPECT_EQ(r.outcome, "completed") << r.message;
  const double expected = 600 + 120 + 1800 + 120;
  EXPECT_GT(r.downtime_s, expected * 0.97);
  EXPECT_LT(r.downtime_s, expected * 1.05);
  EXPECT_EQ(final_version(r, "a"), "7.2.0");
}

// S1 (seed 000): the passive node b installs, then its push installs the active node a while b
// serves behind the VIP: no downtime, and the makespan is two installs and reboots in a row.
TEST(Simulator, ActivePassivePushHasNoDowntimeAndEndsWithTheVipOnThePassiveNode) {
  World w;
  auto& c = w.inv.clusters[0];
  c.kind = "active-passive";
  c.nodes[0].role = "active";
  c.nodes[1].role = "passive";
  w.cat = catalog::Catalog::from_manifests({{"product", "7.2.0", "product", {}, {}, 1800, 900}});
  for (auto& [name, o] : w.obs.nodes) {
    o.packages = {{"product", "7.1.0"}};
    o.membership = "enabled";
    o.ha_role = name == "a" ? "primary" : "backup";
  }
  auto r = w.run("cluster-push");
  EXPECT_EQ(r.outcome, "completed") << r.message;
  EXPECT_EQ(final_version(r, "a"), "7.2.0");
  EXPECT_EQ(final_version(r, "b"), "7.2.0");
  EXPECT_EQ(r.downtime_s, 0);
  const double two_upgrades = 2 * (1800 + 120);
  EXPECT_GT(r.makespan_s, two_upgrades);
  EXPECT_LT(r.makespan_s, two_upgrades * 1.05);
  for (const auto& t : r.nodes) EXPECT_EQ(t.segments.back().holds_service, t.node == "b") << t.node;
}

// S3 (seed 000): c is a disabled member on an older release. The simulated cluster upgrades it
// when the plan re-enables it, after the push: three upgrades in a row, never all down.
TEST(Simulator, DisabledMemberIsUpgradedByTheSimulatedClusterWhenItRejoins) {
  World w;
  auto& c = w.inv.clusters[0];
  c.kind = "active-active";
  c.traffic_kind = "load-balancer";
  c.nodes[0].role = c.nodes[1].role = "member";
  InventoryNode third = c.nodes[1];
  third.name = "c";
  c.nodes.push_back(third);
  w.cat = catalog::Catalog::from_manifests({{"product", "7.2.0", "product", {}, {}, 1800, 900}});
  w.obs.nodes["c"] = w.obs.nodes["b"];
  w.obs.nodes["c"].name = "c";
  for (auto& [name, o] : w.obs.nodes) {
    o.packages = {{"product", name == "c" ? "7.0.0" : "7.1.0"}};
    o.version = name == "c" ? "7.0.0" : "7.1.0";
    o.membership = name == "c" ? "disabled" : "enabled";
    o.ha_role = "none";
    o.ha_peer.clear();
    o.shared_ip.clear();
    o.shared_ip_enabled = false;
  }
  auto r = w.run("cluster-push");
  EXPECT_EQ(r.outcome, "completed") << r.message;
  for (const char* n : {"a", "b", "c"}) EXPECT_EQ(final_version(r, n), "7.2.0") << n;
  EXPECT_EQ(r.downtime_s, 0);
  const double three_upgrades = 3 * (1800 + 120);
  EXPECT_GT(r.makespan_s, three_upgrades);
  EXPECT_LT(r.makespan_s, three_upgrades * 1.05);
}

TEST(Simulator, IsDeterministic) {
  World w;
  auto r1 = w.run("asynchronous");
  auto r2 = w.run("asynchronous");
  EXPECT_EQ(to_json(r1).dump(), to_json(r2).dump());
}

}  // namespace
}  // namespace hitless::sim
