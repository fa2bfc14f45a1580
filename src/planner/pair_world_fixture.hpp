// The planner tests' small world: a failover pair (or a single node) on 7.1.0 with a three-package
// catalog (product 7.2.0 needs base 3.1 and comes from 7.1), and the plan's shape as one line per
// step.
#pragma once

#include <string>
#include <vector>

#include "catalog/package.hpp"
#include "planner/plan_request_fixture.hpp"
#include "planner/planner.hpp"

namespace hitless::plan::fixture {

struct World {
  Inventory inv;
  ObservedState obs;
  catalog::Catalog cat = catalog::Catalog::from_manifests({
      {"base", "3.1.0", "base", {}, {}, 600, 50},
      {"product", "7.2.0", "product", {{"base", "3.1"}}, {"7.1"}, 1800, 900},
      {"product", "7.1.0", "product", {}, {}, 1800, 900},
  });

  explicit World(const std::string& kind = "failover-pair") {
    inv.name = "t";
    inv.file = "inventory.yaml";
    InventoryCluster c;
    c.name = "pair";
    c.kind = kind;
    c.traffic_kind = kind == "single" ? "none" : "shared-ip";
    c.service = "127.0.0.100:4000";
    if (kind == "single") {
      c.nodes = {
          InventoryNode{"n", "standalone", "", "", "", "lab", "127.0.0.1:1", "t", {}, {}, 1, ""}};
    } else {
      c.nodes = {
          InventoryNode{"a", "primary", "", "", "", "lab", "127.0.0.1:1", "t", {}, {}, 1, ""},
          InventoryNode{"b", "backup", "", "", "", "lab", "127.0.0.1:2", "t", {}, {}, 2, ""}};
    }
    inv.clusters = {c};
    for (const auto& n : c.nodes) {
      ObservedNode o;
      o.name = n.name;
      o.reachable = true;
      o.version = "7.1.0";
      o.packages = {{"product", "7.1.0"}, {"base", "3.0"}};
      o.serving = true;
      o.powered = true;
      if (kind != "single") {
        o.ha_role = n.role;
        o.ha_peer = n.name == "a" ? "b" : "a";
        o.shared_ip = "127.0.0.100:4000";
        o.shared_ip_enabled = n.name == "a";
      }
      obs.nodes[n.name] = o;
    }
  }
  Result<Plan, PlanningErrc> plan(const std::string& strategy,
                                  const std::string& target = "7.2.0") {
    return make_plan(request_for(inv, obs, cat, target, strategy));
  }
};

inline std::vector<std::string> shape(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& s : p.steps) {
    std::string t = std::to_string(s.phase) + ":" + to_string(s.verb);
    for (const auto& n : s.targets) t += " " + n;
    if (s.params.contains("package")) t += " " + s.params["package"].get<std::string>();
    out.push_back(t);
  }
  return out;
}

}  // namespace hitless::plan::fixture
