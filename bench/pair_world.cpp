#include "pair_world.hpp"

namespace hitless::bench {

std::string pair_shared_ip(int pair) {
  return "127.1." + std::to_string(pair / 250) + "." + std::to_string(pair % 250 + 1) + ":4000";
}

PairWorld make_pair_world(int pairs, const NodeProfile& profile) {
  PairWorld w;
  w.catalog = catalog::Catalog::from_manifests({
      {"base", "3.1.0", "base", {}, {}, 600, 50},
      {"product", "7.2.0", "product", {{"base", "3.1"}}, {"7.1"}, 1800, 900},
      {"product", "7.1.0", "product", {}, {}, 1800, 900},
  });
  w.inventory.name = "bench";
  w.inventory.file = "inventory.yaml";
  w.inventory.clusters.reserve(static_cast<std::size_t>(pairs));
  for (int p = 0; p < pairs; ++p) {
    const std::string num = std::to_string(p), a = "a" + num, b = "b" + num;
    InventoryCluster c;
    c.name = "pair" + num;
    c.kind = "failover-pair";
    c.traffic_kind = "shared-ip";
    c.service = pair_shared_ip(p);
    c.nodes = {
        InventoryNode{a, "primary", "", "", "", "lab", "127.0.0.1:1", "t", {}, profile, 1, ""},
        InventoryNode{b, "backup", "", "", "", "lab", "127.0.0.1:2", "t", {}, profile, 2, ""}};
    for (const auto& n : c.nodes) {
      ObservedNode o;
      o.name = n.name;
      o.reachable = o.serving = o.accepting = o.powered = true;
      o.version = "7.1.0";
      o.packages = {{"product", "7.1.0"}, {"base", "3.0"}};
      o.phase = "running";
      o.ha_role = n.role;
      o.ha_peer = n.name == a ? b : a;
      o.shared_ip = c.service;
      o.shared_ip_enabled = n.name == a;
      w.observed.nodes[n.name] = std::move(o);
    }
    w.inventory.clusters.push_back(std::move(c));
  }
  return w;
}

}  // namespace hitless::bench
