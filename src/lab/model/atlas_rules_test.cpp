// Seed 001 Atlas rules: configuration held by the primary master, the install's "mark all not
// accepting", Sync Now, Distribute to Cluster, backup operations and per-region routing.
#include <gtest/gtest.h>

#include "lab/model/model_fixture.hpp"

namespace hitless::lab {
namespace {

using testing::PairFixture;

LabSpec atlas_spec(bool failover) {
  LabSpec spec = testing::pair_spec(ClusterKind::kAtlas);
  spec.clusters[0].traffic = TrafficSteering::kNone;
  spec.clusters[0].shared_ip.reset();
  spec.nodes[0].name = "a";
  spec.nodes[0].cluster = "atlas";
  spec.nodes[0].role = "master";
  spec.nodes[0].owns_shared_ip = false;
  spec.nodes[1].cluster = "atlas";
  spec.nodes[1].role = "backup-master";
  spec.clusters[0].name = "atlas";
  spec.clusters[0].nodes = {"a", "b"};
  if (!failover) {
    spec.nodes.pop_back();
    spec.clusters[0].nodes = {"a"};
  }
  for (std::string name : {"eu-1", "eu-2", "us-1"}) {
    NodeSpec t = spec.nodes[0];
    t.name = name;
    t.role = "traffic";
    t.region = name.substr(0, 2);
    spec.nodes.push_back(t);
    spec.clusters[0].nodes.push_back(name);
  }
  return spec;
}

struct AtlasFixture : PairFixture {
  explicit AtlasFixture(bool failover = true) : PairFixture(atlas_spec(failover)) {}
  Node& n(const std::string& name) { return *world->find(name); }
  void install_product(Node& node) {
    stage_upgrade(node);
    ASSERT_OK(node.install("base-3.1.0", true));
    clock.run_until(clock.now() + 1000);
    ASSERT_OK(node.install("product-7.2.0", true));
    clock.run_until(clock.now() + 3000);
    ASSERT_EQ(node.version(), "7.2.0");
  }
};

TEST(AtlasRules, PrimaryMasterChangeReachesTheTrafficNodeAtOnce) {
  AtlasFixture f;
  EXPECT_EQ(f.world->atlas_primary("atlas"), &f.a);
  ASSERT_TRUE(f.world->set_traffic_accepting(f.a, "eu-1", false));
  EXPECT_FALSE(f.n("eu-1").accepting());
  EXPECT_FALSE(f.a.atlas_accepting_config().at("eu-1"));
  auto refused = f.world->set_traffic_accepting(f.b, "eu-1", true);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.message().find("not the primary master"), std::string::npos);
  EXPECT_FALSE(f.n("eu-1").accepting());
}

TEST(AtlasRules, MasterInstallMarksAllNotAcceptingOnlyInItsConfigurationUntilSyncNow) {
  AtlasFixture f(false);
  f.install_product(f.a);
  for (const auto& [t, accepting] : f.a.atlas_accepting_config()) EXPECT_FALSE(accepting) << t;
  EXPECT_TRUE(f.n("eu-1").accepting());  // not sent: the traffic nodes still serve clients
  ASSERT_TRUE(f.world->set_traffic_accepting(f.a, "eu-2", true));
  ASSERT_TRUE(f.world->cluster_sync_now(f.a));
  EXPECT_FALSE(f.n("eu-1").accepting());
  EXPECT_TRUE(f.n("eu-2").accepting());
  EXPECT_FALSE(f.n("us-1").accepting());
  EXPECT_EQ(f.world->route_client("atlas", "us"), nullptr);  // the wrong order shows
  EXPECT_EQ(f.world->route_client("atlas", "eu"), &f.n("eu-2"));
}

TEST(AtlasRules, SyncNowRefusedWhileBackupOperationsMeetAnotherVersion) {
  AtlasFixture f;
  f.install_product(f.b);  // Atlas masters install inside their relation (seed 001)
  ASSERT_TRUE(f.world->become(f.a, HaRole::kBackup, true));
  EXPECT_EQ(f.world->atlas_primary("atlas"), &f.b);
  auto refused = f.world->cluster_sync_now(f.b);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.message().find("Enable Backup Operations"), std::string::npos);
  ASSERT_TRUE(f.world->set_backup_operations(f.b, false));
  ASSERT_TRUE(f.world->cluster_sync_now(f.b));
  EXPECT_FALSE(f.n("eu-1").accepting());  // B's install marked them all
}

TEST(AtlasRules, DistributeStagesThePackageOnEveryNode) {
  AtlasFixture f;
  f.stage_upgrade(f.a);
  ASSERT_TRUE(f.world->distribute(f.a, "product-7.2.0"));
  f.clock.run_until(f.clock.now() + 60);
  for (const char* name : {"b", "eu-1", "eu-2", "us-1"}) {
    EXPECT_TRUE(f.n(name).staged().count("product-7.2.0")) << name;
    EXPECT_EQ(f.n(name).version(), "7.1.0") << name;
  }
  EXPECT_FALSE(f.world->distribute(f.b, "product-7.2.0"));
}

TEST(AtlasRules, SessionsEndOnTheirOwnUnlessTheNodeNeverDrains) {
  AtlasFixture f;
  Node& eu1 = f.n("eu-1");
  ASSERT_TRUE(eu1.open_session());
  f.n("us-1").inject(Fault::kNeverDrains);
  ASSERT_TRUE(f.n("us-1").open_session());
  f.clock.run_until(f.clock.now() + 301);
  EXPECT_EQ(eu1.sessions_open(), 0u);
  EXPECT_EQ(f.n("us-1").sessions_open(), 1u);
  f.clock.run_until(f.clock.now() + 3000);
  EXPECT_EQ(f.n("us-1").sessions_open(), 1u);
}

}  // namespace
}  // namespace hitless::lab
