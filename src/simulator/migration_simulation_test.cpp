// S9 (seed 004, hardware migration) simulated: the executor on the virtual clock against the
// lab's node model carries the certificate (under a real passphrase file), installs the spare,
// restores the data and cuts DNS over; the figures say what the run will cost. A spare that
// refuses the restore ends the simulation failed with the old box serving.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "planner/planner.hpp"
#include "simulator/simulator.hpp"

namespace hitless::sim {
namespace {

namespace fs = std::filesystem;

struct MigrationWorld {
  Inventory inv;
  ObservedState obs;
  catalog::Catalog cat = catalog::Catalog::from_manifests({
      {"product", "23.1.2", "product", {}, {}, 1500, 400},
  });
  fs::path dir = fs::temp_directory_path() /
                 ("hitless-migration-sim-" +
                  std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());

  MigrationWorld() {
    fs::create_directories(dir);
    const fs::path secret = dir / "move.passphrase";
    std::ofstream(secret) << "correct horse battery staple\n";
    fs::permissions(secret, fs::perms::owner_read | fs::perms::owner_write,
                    fs::perm_options::replace);
    inv.name = "t";
    inv.file = "inventory.yaml";
    InventoryCluster c;
    c.name = "move";
    c.kind = "migration";
    c.traffic_kind = "dns";
    c.service = "support.example.test:4000";
    c.dns = DnsTraffic{"127.0.0.1:53", "example.test", "support.example.test", 30, "/k", 3};
    c.passphrase_file = secret.string();
    NodeProfile prof;
    prof.install_s = 1500;
    prof.reboot_s = 240;
    prof.data_mb = 8000;
    c.nodes = {
        InventoryNode{
            "old-box", "standalone", "", "", "", "lab", "127.0.0.1:1", "t", {}, prof, 1, ""},
        InventoryNode{"new-box", "spare", "", "", "", "lab", "127.0.0.2:1", "t", {}, prof, 2, ""}};
    inv.clusters = {c};
    auto observe = [&](const std::string& n, const std::string& v, MigrationFacts f) {
      ObservedNode o;
      o.name = n;
      o.reachable = true;
      o.version = v;
      o.packages = {{"product", v}};
      o.serving = o.accepting = o.powered = true;
      o.migration = f;
      obs.nodes[n] = o;
    };
    observe("old-box", "23.1.2",
            MigrationFacts{"support.example.test", "ab", "127.0.0.1", false, 8000, 100000});
    observe("new-box", "22.3.0", MigrationFacts{"", "", "", true, 0, 64000});
  }
  ~MigrationWorld() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  SimulationResult run(const SimOptions& options = {}) {
    plan::PlanRequest rq;
    rq.inventory = &inv;
    rq.observed = &obs;
    rq.catalog = &cat;
    auto p = plan::make_plan(rq);
    EXPECT_TRUE(p.ok()) << p.message();
    auto r = simulate(*p, inv, cat, options);
    EXPECT_TRUE(r.ok());
    return *r;
  }
};

std::string last_state(const SimulationResult& r, const std::string& node) {
  for (const auto& n : r.nodes)
    if (n.node == node && !n.segments.empty()) return n.segments.back().state;
  return "";
}
std::string last_version(const SimulationResult& r, const std::string& node) {
  for (const auto& n : r.nodes)
    if (n.node == node && !n.segments.empty()) return n.segments.back().version;
  return "";
}

TEST(MigrationSimulation, PredictsTheTtlAsTheOnlyGapAndTheInstallAsTheBulkOfTheRun) {
  MigrationWorld w;
  auto r = w.run();
  ASSERT_EQ(r.outcome, "completed") << r.message;
  EXPECT_EQ(r.strategies, "migrate");
  EXPECT_NEAR(r.downtime_s, 30, 1) << "the DNS record's TTL at the cut-over, nothing else";
  // Install (1500 s + data migration 8 s) and reboot (240 s) on the spare dominate the makespan.
  EXPECT_GE(r.makespan_s, 1500 + 240);
  EXPECT_LE(r.makespan_s, 1500 + 240 + 600);
  EXPECT_EQ(last_version(r, "new-box"), "23.1.2");
  EXPECT_EQ(last_state(r, "old-box"), "off");
  EXPECT_EQ(last_state(r, "new-box"), "serving");
}

TEST(MigrationSimulation, RefusedRestoreFailsWithTheOldBoxStillServing) {
  MigrationWorld w;
  SimOptions o;
  o.faults = {{"new-box", "refuses-restore"}};
  auto r = w.run(o);
  EXPECT_NE(r.outcome, "completed");
  EXPECT_NE(r.message.find("refused the backup"), std::string::npos) << r.message;
  EXPECT_EQ(last_state(r, "old-box"), "serving");
  EXPECT_EQ(r.downtime_s, 0);
}

}  // namespace
}  // namespace hitless::sim
