#pragma once
// Test fixture: a seed-002 JunOS chassis (S10) built by hand: mx-1 with re0 master and re1
// backup on 21.4R3.15 through the command driver's junos profile, both observed up, with (or
// without) the three ISSU prerequisites configured; junos 22.2R3.15 (from 21.4) in the catalog.
// Planner and simulator tests share it so neither depends on the lab or YAML. Header-only; not
// part of the product.

#include <string>
#include <utility>

#include "planner/plan_request_fixture.hpp"
#include "planner/planner.hpp"

namespace hitless::plan::fixture {

struct ChassisWorld {
  Inventory inv;
  ObservedState obs;
  catalog::Catalog cat = catalog::Catalog::from_manifests({
      {"junos", "22.2R3.15", "firmware", {}, {"21.4"}, 1200, 2500},
  });

  // Seed 002's timings: a 20-minute install, an 8-minute engine reboot.
  explicit ChassisWorld(bool prerequisites = true) {
    inv.name = "t";
    inv.file = "inventory.yaml";
    InventoryCluster c;
    c.name = "edge-router";
    c.kind = "chassis";
    c.traffic_kind = "none";
    NodeProfile prof;
    prof.install_s = 1200;
    prof.reboot_s = 480;
    int line = 1;
    for (const auto& [name, role] : {std::pair{"re0", "primary"}, std::pair{"re1", "backup"}}) {
      const bool re0 = name == std::string("re0");
      c.nodes.push_back(InventoryNode{name,
                                      re0 ? "master" : "backup",
                                      "",
                                      "mx-1",
                                      re0 ? "0" : "1",
                                      "command",
                                      "127.0.0.1:" + std::to_string(line),
                                      "key",
                                      {},
                                      prof,
                                      line,
                                      "junos.yaml"});
      ++line;
      ObservedNode o;
      o.name = name;
      o.reachable = o.serving = o.accepting = o.powered = true;
      o.version = "21.4R3.15";
      o.packages = {{"junos", "21.4R3.15"}};
      o.ha_role = role;
      if (prerequisites)
        o.settings = {{"graceful-switchover", "true"},
                      {"nonstop-routing", "true"},
                      {"commit-synchronize", "true"}};
      obs.nodes[name] = o;
    }
    inv.clusters = {c};
  }
  Policy& policy() { return inv.clusters.front().policy; }
  Result<Plan, PlanningErrc> plan(const std::string& target = "22.2R3.15") {
    return make_plan(request_for(inv, obs, cat, target));
  }
};

}  // namespace hitless::plan::fixture
