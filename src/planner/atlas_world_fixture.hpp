#pragma once
// Test and benchmark fixture: a seed-001 Atlas cluster on 23.1.2 (master, optional backup master,
// traffic nodes per region, every node observed serving and accepting) and a catalog holding
// product 23.2.1, built by hand so planner, simulator and bench do not depend on the lab or YAML.
// Header-only; not part of the product.

#include <string>
#include <utility>
#include <vector>

#include "planner/plan_request_fixture.hpp"
#include "planner/planner.hpp"

namespace hitless::plan::fixture {

struct AtlasWorld {
  Inventory inv;
  ObservedState obs;
  catalog::Catalog cat;

  // `regions`: (name, traffic node count); traffic nodes are named REGION-1, REGION-2, ...
  AtlasWorld(bool failover, const std::vector<std::pair<std::string, int>>& regions,
             const NodeProfile& profile = {}, double install_s = 1500, double size_mb = 400)
      : cat(catalog::Catalog::from_manifests(
            {{"product", "23.2.1", "product", {}, {}, install_s, size_mb}})) {
    inv.name = "t";
    inv.file = "inventory.yaml";
    InventoryCluster c;
    c.name = "atlas";
    c.kind = "atlas";
    c.traffic_kind = "none";
    int line = 1;
    auto add = [&](const std::string& n, const std::string& role, const std::string& region,
                   const std::string& ha) {
      c.nodes.push_back(InventoryNode{
          n, role, region, "", "", "lab", "127.0.0.1:1", "t", {}, profile, line++, ""});
      ObservedNode o;
      o.name = n;
      o.reachable = true;
      o.version = "23.1.2";
      o.packages = {{"product", "23.1.2"}};
      o.serving = o.accepting = o.powered = true;
      o.ha_role = ha;
      obs.nodes[n] = o;
    };
    add("master-a", "master", "", failover ? "primary" : "none");
    if (failover) add("master-b", "backup-master", "", "backup");
    for (const auto& [region, count] : regions)
      for (int i = 1; i <= count; ++i)
        add(region + "-" + std::to_string(i), "traffic", region, "none");
    inv.clusters = {c};
  }

  InventoryCluster& cluster() { return inv.clusters.front(); }
  Policy& policy() { return cluster().policy; }

  PlanRequest request(const std::string& target = "23.2.1") const {
    return request_for(inv, obs, cat, target);
  }
};

}  // namespace hitless::plan::fixture
