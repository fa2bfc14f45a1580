#pragma once
// Test fixture: a seed-003 SPS cluster built by hand: an HA pair on firmware 6.4.2 (sps-a
// primary, sps-b backup, HA status ok, sharing an IP), an optional search master and search
// minions, every node observed serving; a catalog with firmware 7.0.4 (from 6.4) and 7.1.0 (from
// 7.0 only), so 7.1.0 is two hops away. Planner and simulator tests share it so neither depends
// on the lab or YAML. Header-only; not part of the product.

#include <string>

#include "planner/plan_request_fixture.hpp"
#include "planner/planner.hpp"

namespace hitless::plan::fixture {

// Seed 003's timings, scaled down: install 12 min, reboot 4 min, 5 GB synced at 100 MB/s.
inline NodeProfile sps_profile() {
  NodeProfile prof;
  prof.install_s = 720;
  prof.reboot_s = 240;
  prof.boot_timeout_s = 1200;
  prof.data_mb = 5000;
  prof.sync_mb_per_s = 100;
  return prof;
}

struct SpsWorld {
  Inventory inv;
  ObservedState obs;
  catalog::Catalog cat = catalog::Catalog::from_manifests({
      {"firmware", "7.0.4", "firmware", {}, {"6.4"}, 720, 800},
      {"firmware", "7.1.0", "firmware", {}, {"7.0"}, 720, 800},
  });

  // `master`: a search master; `minions`: that many search minions (minion-1, ...).
  explicit SpsWorld(bool master = false, int minions = 0, const NodeProfile& prof = sps_profile()) {
    inv.name = "t";
    inv.file = "inventory.yaml";
    InventoryCluster c;
    c.name = "sps";
    c.kind = "ha-pair";
    c.traffic_kind = "shared-ip";
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
    if (master) add("search", "search-master", "none", "");
    for (int i = 1; i <= minions; ++i)
      add("minion-" + std::to_string(i), "search-minion", "none", "");
    inv.clusters = {c};
  }
  InventoryCluster& cluster() { return inv.clusters.front(); }
  Result<Plan, PlanningErrc> plan(const std::string& target = "7.0.4") {
    return make_plan(request_for(inv, obs, cat, target));
  }
};

}  // namespace hitless::plan::fixture
