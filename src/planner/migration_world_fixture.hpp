#pragma once
// Test fixture: a seed-004 hardware migration (S9) built by hand: the old box on 23.1.2 holding
// a certificate and 8000 MB of data, a factory-state spare on 22.3.0, a catalog holding product
// 23.1.2, an owner-only passphrase file in a scratch directory removed with the fixture. Planner
// and simulator tests share it so neither depends on the lab or YAML. Header-only; not part of
// the product.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "planner/plan_request_fixture.hpp"
#include "planner/planner.hpp"

namespace hitless::plan::fixture {

struct MigrationWorld {
  Inventory inv;
  ObservedState obs;
  catalog::Catalog cat = catalog::Catalog::from_manifests({
      {"product", "23.1.2", "product", {}, {}, 1500, 400},
  });
  std::filesystem::path dir;

  // `traffic`: dns, nat, shared-ip or none; `ttl_s`: the DNS record's TTL (wall seconds).
  explicit MigrationWorld(const std::string& traffic = "dns", double ttl_s = 2,
                          const std::string& scratch_name = "world") {
    dir = std::filesystem::temp_directory_path() /
          ("hitless-migration-" + scratch_name + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto secret = dir / "move.passphrase";
    std::ofstream(secret) << "correct horse battery staple\n";
    std::filesystem::permissions(
        secret, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
        std::filesystem::perm_options::replace);
    inv.name = "t";
    inv.file = "inventory.yaml";
    InventoryCluster c;
    c.name = "move";
    c.kind = "migration";
    c.traffic_kind = traffic;
    c.service = "support.example.test:443";
    if (traffic == "dns")
      c.dns = DnsTraffic{"127.0.0.1:53", "example.test", "support.example.test", ttl_s, "/k", 1};
    c.passphrase_file = secret.string();
    NodeProfile prof;
    prof.install_s = 1500;
    prof.reboot_s = 240;
    prof.data_mb = 8000;
    auto add = [&](const std::string& n, const std::string& role, const std::string& version,
                   MigrationFacts facts, int line) {
      c.nodes.push_back(InventoryNode{n,
                                      role,
                                      "",
                                      "",
                                      "",
                                      "lab",
                                      "127.0.0." + std::to_string(line) + ":8443",
                                      "t",
                                      {},
                                      prof,
                                      line,
                                      ""});
      ObservedNode o;
      o.name = n;
      o.reachable = true;
      o.version = version;
      o.packages = {{"product", version}};
      o.serving = o.accepting = o.powered = true;
      o.connected_clients = 0;  // the lab reports its Connected Clients
      o.migration = facts;
      obs.nodes[n] = o;
    };
    add("old-box", "standalone", "23.1.2",
        MigrationFacts{"support.example.test", "ab12", "127.0.0.1", false, 8000, 100000}, 1);
    add("new-box", "spare", "22.3.0", MigrationFacts{"", "", "", true, 0, 64000}, 2);
    inv.clusters = {c};
  }
  ~MigrationWorld() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  MigrationWorld(const MigrationWorld&) = delete;
  MigrationWorld& operator=(const MigrationWorld&) = delete;

  InventoryCluster& cluster() { return inv.clusters.front(); }
  ObservedNode& old_box() { return obs.nodes.at("old-box"); }
  ObservedNode& spare() { return obs.nodes.at("new-box"); }
  // Planned towards `target` ("" : the default, the old box's own version).
  Result<Plan, PlanningErrc> plan(const std::string& target = "") {
    return make_plan(request_for(inv, obs, cat, target));
  }
};

}  // namespace hitless::plan::fixture
