#include <gtest/gtest.h>

#include "lab/model/model_fixture.hpp"

namespace hitless::lab {
namespace {

using testing::PairFixture;

// Seed 000 clusters: three members (or the A/P pair a, b) on pulse 9.1R1, sessions of 300 s.
LabSpec cluster_spec(ClusterKind kind, int members) {
  LabSpec spec = testing::pair_spec(kind);
  spec.repository.clear();
  auto& c = spec.clusters[0];
  c.name = "pulse";
  if (kind == ClusterKind::kActiveActive) {
    c.traffic = TrafficSteering::kLoadBalancer;
    c.shared_ip.reset();
  }
  NodeSpec proto = spec.nodes[0];
  proto.cluster = "pulse";
  proto.version = "9.1R1";
  proto.installed.clear();
  proto.install_s = 1200;
  proto.data.size_mb = 0;
  spec.nodes.clear();
  c.nodes.clear();
  for (int i = 0; i < members; ++i) {
    NodeSpec n = proto;
    n.name = std::string(1, static_cast<char>('a' + i));
    n.role = kind == ClusterKind::kActivePassive ? (i == 0 ? "active" : "passive") : "member";
    n.owns_shared_ip = kind == ClusterKind::kActivePassive && i == 0;
    spec.nodes.push_back(n);
    c.nodes.push_back(n.name);
  }
  return spec;
}

struct ClusterFixture : PairFixture {
  explicit ClusterFixture(ClusterKind kind, int members = 3)
      : PairFixture(cluster_spec(kind, members)) {}
  Node& n(const char* name) { return *world->find(name); }
  // A build of pulse 9.1R3 (size 10 MB); `build` changes the payload and so the revision.
  Signed pulse(const std::string& build = "1") {
    catalog::PackageManifest m{"product", "9.1R3", "product", {}, {}, 1800, 10};
    Signed s;
    s.file = catalog::encode_package(m, "pulse 9.1R3 build " + build);
    s.signature = *catalog::sign_detached(s.file, key.secret_key_b64);
    return s;
  }
  void stage(Node& node, const Signed& s) { ASSERT_OK(node.stage(s.file, s.signature)); }
};

constexpr const char* kPkg = "product-9.1R3";

TEST(ClusterRules, CompletedInstallPushesToEveryOtherMemberWhichInstallsAtOnce) {
  ClusterFixture f(ClusterKind::kActiveActive);
  for (const char* m : {"a", "b", "c"}) f.stage(f.n(m), f.pulse());
  ASSERT_TRUE(f.n("a").install(kPkg, true).ok());
  f.clock.run_until(1800 + 119);
  EXPECT_TRUE(f.n("b").serving());
  f.clock.run_until(1800 + 121);  // a rebooted into 9.1R3: the push starts at once
  EXPECT_EQ(f.n("a").version(), "9.1R3");
  EXPECT_TRUE(f.n("a").serving());
  EXPECT_EQ(f.n("b").phase(), Phase::kInstalling);
  EXPECT_EQ(f.n("c").phase(), Phase::kInstalling);
  EXPECT_NE(f.n("b").last_push().find("matches"), std::string::npos) << f.n("b").last_push();
  f.clock.run_until(2 * (1800 + 120) + 1);
  for (const char* m : {"b", "c"}) EXPECT_EQ(f.n(m).version(), "9.1R3") << m;
  EXPECT_EQ(f.n("a").install_count(), 1);  // nothing pushed back to the initiator
}

TEST(ClusterRules, InitiatorsRevisionReplacesADifferentStagedRevisionBeforeTheInstall) {
  ClusterFixture f(ClusterKind::kActiveActive);
  f.stage(f.n("a"), f.pulse("1"));
  f.stage(f.n("b"), f.pulse("2"));
  const std::string a_rev = f.n("a").staged().at(kPkg).revision();
  const std::string b_rev = f.n("b").staged().at(kPkg).revision();
  ASSERT_NE(a_rev, b_rev);
  ASSERT_TRUE(f.n("a").install(kPkg, true).ok());
  f.clock.run_until(1920.05);  // the 10 MB push to b takes 0.1 s at 100 MB/s
  EXPECT_TRUE(f.n("b").serving());
  EXPECT_EQ(f.n("b").last_push(), "staged revision " + b_rev + " replaced by a's " + a_rev);
  f.clock.run_until(1920.2);
  EXPECT_EQ(f.n("b").phase(), Phase::kInstalling);
  EXPECT_EQ(f.n("b").staged().at(kPkg).revision(), a_rev);
  // c had nothing staged: it receives the package, then installs.
  EXPECT_EQ(f.n("c").phase(), Phase::kInstalling);
  f.clock.run_until(5000);
  EXPECT_EQ(f.n("b").installed_package()->revision(), a_rev);
}

TEST(ClusterRules, DisabledMemberIsNotPushedToAndIsUpgradedByTheClusterOnReEnable) {
  ClusterFixture f(ClusterKind::kActiveActive);
  ASSERT_TRUE(f.world->set_member_enabled(f.n("c"), false).ok());
  for (const char* m : {"a", "b"}) f.stage(f.n(m), f.pulse());
  ASSERT_TRUE(f.n("a").install(kPkg, true).ok());
  f.clock.run_until(5000);
  EXPECT_EQ(f.n("b").version(), "9.1R3");
  EXPECT_EQ(f.n("c").version(), "9.1R1");
  EXPECT_EQ(f.n("c").install_count(), 0);
  EXPECT_EQ(f.world->cluster_version(f.n("c"), &f.n("c")), "9.1R3");

  ASSERT_TRUE(f.world->set_member_enabled(f.n("c"), true).ok());
  EXPECT_TRUE(f.n("c").member_enabled());
  f.clock.run_until(5000.2);
  EXPECT_EQ(f.n("c").phase(), Phase::kInstalling);
  f.clock.run_until(9000);
  EXPECT_EQ(f.n("c").version(), "9.1R3");
}

TEST(ClusterRules, NewerMemberIsRefusedOnReEnableWithTheSeedsError) {
  LabSpec spec = cluster_spec(ClusterKind::kActiveActive, 3);
  spec.nodes[2].version = "9.1R5";
  spec.nodes[2].enabled = false;
  ClusterFixture f(ClusterKind::kActiveActive);
  f.world = std::make_unique<LabWorld>(spec, f.clock, f.key.public_key_b64);
  Node& c = *f.world->find("c");
  auto s = f.world->set_member_enabled(c, true);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, NodeErrc::kRefused);
  EXPECT_NE(s.message().find("a higher version than the cluster pulse runs (9.1R1)"),
            std::string::npos)
      << s.message();
  EXPECT_FALSE(c.member_enabled());
}

TEST(ClusterRules, ActivePassivePushMovesTheVipAndTransfersSessionsToTheUpgradedNode) {
  ClusterFixture f(ClusterKind::kActivePassive, 2);
  testing::Recorder rec;
  f.n("a").set_observer(&rec);
  for (const char* m : {"a", "b"}) f.stage(f.n(m), f.pulse());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(f.n("a").open_session(4000).ok());
  ASSERT_TRUE(f.n("b").install(kPkg, true).ok());  // the passive node first
  f.clock.run_until(1919);
  EXPECT_EQ(f.world->shared_ip_owner("127.0.0.100:4443"), &f.n("a"));
  f.clock.run_until(1921);
  EXPECT_EQ(f.world->shared_ip_owner("127.0.0.100:4443"), &f.n("b"));
  EXPECT_EQ(f.n("a").phase(), Phase::kInstalling);
  EXPECT_EQ(f.n("a").sessions_transferred(), 3u);
  EXPECT_EQ(f.n("a").sessions_dropped(), 0u);
  EXPECT_EQ(f.n("b").sessions_open(), 3u);
  EXPECT_EQ(rec.dropped, 0);
  f.clock.run_until(4001);  // the sessions end on b when their lifetime is up
  EXPECT_EQ(f.n("b").sessions_completed(), 3u);
  EXPECT_EQ(f.n("a").version(), "9.1R3");
  EXPECT_EQ(f.world->shared_ip_owner("127.0.0.100:4443"), &f.n("b"));  // no automatic failback
  EXPECT_EQ(f.n("b").ha().role, HaRole::kPrimary);  // the active node is the VIP owner

  ASSERT_TRUE(f.n("b").open_session(100).ok());
  ASSERT_TRUE(f.world->move_vip(f.n("a")).ok());  // the manual failback
  EXPECT_EQ(f.world->shared_ip_owner("127.0.0.100:4443"), &f.n("a"));
  EXPECT_EQ(f.n("a").sessions_open(), 1u);
  f.n("a").set_observer(nullptr);
}

TEST(ClusterRules, ActiveMemberFailingThePushedInstallKeepsServingAndTheVipStaysOnTheUpgraded) {
  ClusterFixture f(ClusterKind::kActivePassive, 2);
  for (const char* m : {"a", "b"}) f.stage(f.n(m), f.pulse());
  f.n("a").inject(Fault::kInstallFail);
  ASSERT_TRUE(f.n("b").install(kPkg, true).ok());
  f.clock.run_until(4000);
  EXPECT_EQ(f.n("a").install_state(), InstallState::kFailed);
  EXPECT_TRUE(f.n("a").serving());
  EXPECT_EQ(f.n("a").version(), "9.1R1");
  EXPECT_EQ(f.n("b").version(), "9.1R3");
  EXPECT_EQ(f.world->shared_ip_owner("127.0.0.100:4443"), &f.n("b"));
}

TEST(ClusterRules, VipOwnerThatRebootsFailsTheVipOverWithItsSessions) {
  ClusterFixture f(ClusterKind::kActivePassive, 2);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(f.n("a").open_session(4000).ok());
  ASSERT_TRUE(f.n("a").reboot().ok());
  EXPECT_EQ(f.world->shared_ip_owner("127.0.0.100:4443"), &f.n("b"));
  EXPECT_EQ(f.n("b").sessions_open(), 2u);
  EXPECT_EQ(f.n("a").sessions_dropped(), 0u);
  // With nobody to take it, the VIP stays with its owner and goes down with it.
  ASSERT_TRUE(f.n("b").power(false).ok());
  EXPECT_EQ(f.world->shared_ip_owner("127.0.0.100:4443"), &f.n("b"));
  EXPECT_EQ(f.n("b").sessions_dropped(), 2u);
}

TEST(ClusterRules, MembershipIsOnlyForSeed000Clusters) {
  PairFixture f;
  EXPECT_EQ(f.world->set_member_enabled(f.a, false).error().code, NodeErrc::kBadRequest);
}

}  // namespace
}  // namespace hitless::lab
