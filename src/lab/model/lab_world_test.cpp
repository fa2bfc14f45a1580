#include <gtest/gtest.h>

#include "lab/model/model_fixture.hpp"

namespace hitless::lab {
namespace {

using testing::PairFixture;

TEST(LabWorld, PairStartsEstablishedSyncedWithPrimaryOwningSharedIp) {
  PairFixture f;
  EXPECT_EQ(f.a.ha().role, HaRole::kPrimary);
  EXPECT_EQ(f.b.ha().role, HaRole::kBackup);
  EXPECT_EQ(f.a.ha().peer, "b");
  EXPECT_EQ(f.a.store().checksum(), f.b.store().checksum());
  EXPECT_EQ(f.world->shared_ip_owner("127.0.0.100:4443"), &f.a);
}

TEST(LabWorld, SyncCopiesPrimaryDataAndTakesTimeProportionalToSize) {
  PairFixture f;
  f.a.put_user("alice", "admin");
  ASSERT_NE(f.a.store().checksum(), f.b.store().checksum());
  ASSERT_TRUE(f.world->sync(f.b).ok());
  EXPECT_TRUE(f.a.ha().syncing);
  f.clock.run_until(9.9);  // 1000 MB at 100 MB/s
  EXPECT_NE(f.a.store().checksum(), f.b.store().checksum());
  f.clock.run_until(10.1);
  EXPECT_EQ(f.a.store().checksum(), f.b.store().checksum());
  EXPECT_FALSE(f.b.ha().syncing);
  EXPECT_DOUBLE_EQ(f.b.ha().last_sync_at, 10);
}

TEST(LabWorld, SlowSyncTakesTenTimesLonger) {
  PairFixture f;
  f.b.inject(Fault::kSlowSync);
  ASSERT_TRUE(f.world->sync(f.a).ok());
  f.clock.run_until(99);
  EXPECT_TRUE(f.a.ha().syncing);
  f.clock.run_until(101);
  EXPECT_FALSE(f.a.ha().syncing);
}

TEST(LabWorld, SyncAbortsWhenAMemberGoesDown) {
  PairFixture f;
  ASSERT_TRUE(f.world->sync(f.a).ok());
  ASSERT_TRUE(f.b.reboot().ok());
  EXPECT_FALSE(f.a.ha().syncing);
  EXPECT_NE(f.a.ha().last_sync_error.find("aborted"), std::string::npos);
}

TEST(LabWorld, EstablishRefusedWithWrongKeyOrUnequalPackages) {
  auto spec = testing::pair_spec();
  spec.nodes[1].inter_appliance_key = "other";
  spec.clusters[0].ha_established = false;
  VirtualScheduler clock;
  LabWorld world(spec, clock, catalog::generate_signing_key().public_key_b64);
  Node& a = *world.find("a");
  auto r = world.establish(a, "b", HaRole::kPrimary);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("inter-appliance keys"), std::string::npos);
  EXPECT_EQ(a.ha().role, HaRole::kNone);

  PairFixture f;
  ASSERT_TRUE(f.world->break_relation(f.a).ok());
  EXPECT_EQ(f.b.ha().role, HaRole::kNone);
  f.stage_upgrade(f.b);
  ASSERT_TRUE(f.b.install("base-3.1.0", true).ok());
  f.clock.run_all();
  ASSERT_TRUE(f.b.install("product-7.2.0", true).ok());
  f.clock.run_all();
  auto v = f.world->establish(f.b, "a", HaRole::kPrimary);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.message().find("packages differ: b has base 3.1.0, a has base 3.0; b has product "
                             "7.2.0, a has product 7.1.0"),
            std::string::npos)
      << v.message();
}

TEST(LabWorld, SharedIpHasOneOwnerAndFollowsRoleChange) {
  PairFixture f;
  EXPECT_EQ(f.world->set_shared_ip(f.b, true).code(), NodeErrc::kConflict);
  ASSERT_TRUE(f.world->set_shared_ip(f.a, false).ok());
  ASSERT_TRUE(f.world->set_shared_ip(f.b, true).ok());
  EXPECT_EQ(f.world->shared_ip_owner("127.0.0.100:4443"), &f.b);
  ASSERT_TRUE(f.world->set_shared_ip(f.b, false).ok());
  ASSERT_TRUE(f.world->set_shared_ip(f.a, true).ok());
  // Failover: b becomes primary, the shared IP deactivates on a and activates on b.
  ASSERT_TRUE(f.world->become(f.b, HaRole::kPrimary, false).ok());
  EXPECT_EQ(f.a.ha().role, HaRole::kBackup);
  EXPECT_EQ(f.world->shared_ip_owner("127.0.0.100:4443"), &f.b);
}

TEST(LabWorld, BecomeBackupNeedsForceWhenPeerIsDown) {
  PairFixture f;
  ASSERT_TRUE(f.b.power(false).ok());
  EXPECT_EQ(f.world->become(f.a, HaRole::kBackup, false).code(), NodeErrc::kRefused);
  EXPECT_TRUE(f.world->become(f.a, HaRole::kBackup, true).ok());
  EXPECT_EQ(f.world->shared_ip_owner("127.0.0.100:4443"), nullptr);
}

}  // namespace
}  // namespace hitless::lab
