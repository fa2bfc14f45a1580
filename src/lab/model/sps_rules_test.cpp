// Seed 003 in the lab: an SPS HA pair upgraded as the seed says (upload reaches the secondary,
// After reboot active on it, degraded while it is off, sync after it boots, Activate Slave), and
// the Search Master / Search Minion order caught when it is wrong.
#include <gtest/gtest.h>

#include "lab/model/model_fixture.hpp"

namespace hitless::lab {
namespace {

using testing::PairFixture;

constexpr double kInstallS = 1800;

// An HA pair a (primary) / b (secondary) plus, with `search`, a search master and two minions in
// the same cluster (s13-role-order.yaml's shape).
LabSpec sps_spec(bool search) {
  LabSpec spec = testing::pair_spec(ClusterKind::kHaPair);
  if (!search) return spec;
  NodeSpec m = spec.nodes[0];
  m.owns_shared_ip = false;
  m.name = "search";
  m.role = "search-master";
  spec.nodes.push_back(m);
  spec.clusters[0].nodes.push_back("search");
  for (const char* name : {"minion-1", "minion-2"}) {
    NodeSpec n = m;
    n.name = name;
    n.role = "search-minion";
    spec.nodes.push_back(n);
    spec.clusters[0].nodes.push_back(name);
  }
  return spec;
}

struct SpsFixture : PairFixture {
  explicit SpsFixture(bool search = false) : PairFixture(sps_spec(search)) {}
  Node& n(const std::string& name) { return *world->find(name); }
  // Upload, then "After reboot" on `node`; runs the clock until the install wrote the slot.
  void select_firmware(Node& node) {
    auto fw = package("product", "7.2.0", {}, kInstallS);
    ASSERT_OK(node.stage(fw.file, fw.signature));
    ASSERT_OK(node.install("product-7.2.0", false));
  }
  void run_until_running(Node& node) {
    for (int i = 0; i < 10000 && !node.serving(); ++i) clock.run_until(clock.now() + 1);
  }
  void reboot_into_firmware(Node& node) {
    clock.run_until(clock.now() + kInstallS + 100);
    ASSERT_OK(node.reboot());
    run_until_running(node);
  }
};

TEST(SpsHa, UploadAndAfterRebootOnThePrimaryReachTheSecondaryWithoutBreakingTheRelation) {
  SpsFixture f;
  f.select_firmware(f.a);
  EXPECT_EQ(f.b.staged().count("product-7.2.0"), 1u);
  EXPECT_EQ(f.a.ha().role, HaRole::kPrimary);
  f.clock.run_until(kInstallS + 100);
  for (Node* node : {&f.a, &f.b}) {
    EXPECT_EQ(node->install_state(), InstallState::kPendingReboot) << node->name();
    EXPECT_EQ(node->slot(node->boot_slot()).version, "7.2.0") << node->name();
    EXPECT_EQ(node->version(), "7.1.0") << node->name();  // still the old firmware until reboot
  }
  // An immediate install still needs the relation broken.
  SpsFixture g;
  auto fw = g.package("product", "7.2.0");
  ASSERT_TRUE(g.a.stage(fw.file, fw.signature).ok());
  EXPECT_EQ(g.a.install("product-7.2.0", true).code(), NodeErrc::kRefused);
}

TEST(SpsHa, SeedOrderDegradedWhileTheSecondaryIsOffSyncingAfterItBootsThenActivateSlave) {
  SpsFixture f;
  EXPECT_EQ(f.a.ha_status(), "ok");
  f.a.add_recording("recorded-before", 10);
  f.select_firmware(f.a);
  f.clock.run_until(kInstallS + 100);
  ASSERT_TRUE(f.b.power(false).ok());  // High Availability > Other node > Shutdown
  EXPECT_EQ(f.a.ha_status(), "degraded");
  f.reboot_into_firmware(f.a);
  EXPECT_EQ(f.a.version(), "7.2.0");
  EXPECT_EQ(f.a.ha_status(), "degraded");
  f.a.add_recording("recorded-while-degraded", 10);
  ASSERT_TRUE(f.b.power(true).ok());  // IPMI power on
  f.run_until_running(f.b);
  EXPECT_EQ(f.b.version(), "7.2.0");
  EXPECT_TRUE(f.b.ha().syncing);
  EXPECT_EQ(f.a.ha_status(), "syncing");  // heartbeat unavailable during the sync
  auto early = f.world->activate_slave(f.a);
  EXPECT_EQ(early.code(), NodeErrc::kRefused);
  EXPECT_NE(early.message().find("HA status is syncing"), std::string::npos) << early.message();
  while (f.b.ha().syncing) f.clock.run_until(f.clock.now() + 10);
  EXPECT_EQ(f.a.ha_status(), "waiting-activation");
  ASSERT_TRUE(f.world->activate_slave(f.a).ok());
  EXPECT_EQ(f.a.ha_status(), "ok");
  EXPECT_EQ(f.b.ha_status(), "ok");
  EXPECT_TRUE(f.b.store().has_recording("recorded-while-degraded"));
  EXPECT_EQ(f.a.store().checksum(), f.b.store().checksum());
}

TEST(SpsHa, SecondaryBootingOtherFirmwareIsVersionMismatchAndCannotBeActivated) {
  SpsFixture f;
  ASSERT_TRUE(f.b.power(false).ok());
  f.select_firmware(f.a);  // the secondary is off: the firmware does not reach it
  EXPECT_EQ(f.b.staged().count("product-7.2.0"), 0u);
  f.reboot_into_firmware(f.a);
  ASSERT_TRUE(f.b.power(true).ok());
  f.run_until_running(f.b);
  EXPECT_EQ(f.b.version(), "7.1.0");
  EXPECT_EQ(f.a.ha_status(), "version-mismatch");
  EXPECT_EQ(f.world->activate_slave(f.a).code(), NodeErrc::kRefused);
}

// S12's out-of-band fallback: the secondary's management plane wedges at the moment the firmware
// from its primary is written (the data plane keeps serving), the primary's HA page still shows
// that firmware, Other node > Shutdown gets nowhere, and only a power cycle ends the wedge.
TEST(SpsHa, WedgeAfterPeerFirmwareHoldsFromTheFirmwareWriteUntilAPowerCycle) {
  ASSERT_EQ(parse_fault("wedge-after-peer-firmware"), Fault::kWedgeAfterPeerFirmware);
  EXPECT_STREQ(to_string(Fault::kWedgeAfterPeerFirmware), "wedge-after-peer-firmware");
  SpsFixture f;
  f.a.inject(Fault::kWedgeAfterPeerFirmware);  // the primary installs its own: never wedges
  f.b.inject(Fault::kWedgeAfterPeerFirmware);
  f.select_firmware(f.a);
  // The upload and After reboot reached the secondary while it still answered.
  EXPECT_EQ(f.b.staged().count("product-7.2.0"), 1u);
  EXPECT_EQ(f.b.install_state(), InstallState::kInstalling);
  EXPECT_FALSE(f.b.management_wedged());
  EXPECT_EQ(f.a.ha_peer_after_reboot(), "");  // not written yet
  f.clock.run_until(kInstallS - 1);
  EXPECT_FALSE(f.b.management_wedged());
  f.clock.run_until(kInstallS + 100);
  EXPECT_TRUE(f.b.management_wedged());
  EXPECT_FALSE(f.a.management_wedged());
  EXPECT_TRUE(f.b.serving()) << "the data plane is not affected";
  EXPECT_EQ(f.a.ha_peer_after_reboot(), "product-7.2.0") << "shown over the HA link";
  // Clearing the fault disarms it; what it did lasts until the power cycle.
  f.b.clear_faults();
  f.clock.run_until(f.clock.now() + 10 * kInstallS);
  EXPECT_TRUE(f.b.management_wedged());
  auto shutdown = f.world->shutdown_other(f.a);
  EXPECT_EQ(shutdown.code(), NodeErrc::kRefused);
  EXPECT_NE(shutdown.message().find("does not act on the shutdown"), std::string::npos)
      << shutdown.message();
  EXPECT_TRUE(f.b.powered());
  ASSERT_TRUE(f.b.power(false).ok());  // out of band (IPMI)
  EXPECT_FALSE(f.b.management_wedged());
  EXPECT_EQ(f.b.last_shutdown(), "power");
  f.reboot_into_firmware(f.a);
  ASSERT_TRUE(f.b.power(true).ok());
  f.run_until_running(f.b);
  EXPECT_FALSE(f.b.management_wedged());
  EXPECT_EQ(f.b.version(), "7.2.0");  // the firmware from the primary booted
  while (f.b.ha().syncing) f.clock.run_until(f.clock.now() + 10);
  EXPECT_EQ(f.a.ha_status(), "waiting-activation");
}

// Without the fault nothing wedges; the primary shows the secondary's new firmware only while
// the HA link connects them (not when the secondary is cut off the network or off).
TEST(SpsHa, PrimaryShowsTheSecondarysAfterRebootFirmwareOnlyWhileItIsConnected) {
  SpsFixture f;
  f.select_firmware(f.a);
  f.clock.run_until(kInstallS + 100);
  EXPECT_FALSE(f.b.management_wedged());
  EXPECT_EQ(f.a.ha_peer_after_reboot(), "product-7.2.0");
  f.b.inject(Fault::kUnreachable);  // cut off the network: the HA link too
  EXPECT_EQ(f.a.ha_peer_after_reboot(), "");
  f.b.clear_faults();
  ASSERT_TRUE(f.b.power(false).ok());
  EXPECT_EQ(f.a.ha_peer_after_reboot(), "");
}

TEST(SpsSearch, MinionsFirstThenTheMasterKeepsSearchHealthy) {
  SpsFixture f(true);
  f.select_firmware(f.n("search"));
  f.clock.run_until(kInstallS + 100);
  for (const char* m : {"minion-1", "minion-2"}) {
    f.select_firmware(f.n(m));
    f.reboot_into_firmware(f.n(m));
    EXPECT_EQ(f.n(m).version(), "7.2.0");
    EXPECT_EQ(f.n(m).search_state(), "ok");
  }
  ASSERT_TRUE(f.n("search").reboot().ok());
  f.run_until_running(f.n("search"));
  EXPECT_EQ(f.n("search").version(), "7.2.0");
  EXPECT_EQ(f.n("search").search_state(), "ok");
  EXPECT_TRUE(f.world->search_push(f.n("minion-1")).ok());
  EXPECT_EQ(f.a.search_state(), "");  // no search role
}

TEST(SpsSearch, MasterBootingNewFirmwareBeforeAMinionIsTheCriticalErrorAndRefusesWrites) {
  SpsFixture f(true);
  f.select_firmware(f.n("search"));
  f.reboot_into_firmware(f.n("search"));  // wrong order: the master first
  const std::string state = f.n("minion-2").search_state();
  EXPECT_EQ(state.rfind("critical: search minion minion-1 (7.1.0) created a legacy", 0), 0u)
      << state;
  EXPECT_EQ(f.n("search").search_state(), state);
  auto push = f.world->search_push(f.n("minion-2"));
  EXPECT_EQ(push.code(), NodeErrc::kRefused);
  EXPECT_NE(push.message().find("search write refused: critical"), std::string::npos);
  // Upgrading the minions afterwards does not repair the index (seed: contact support).
  f.select_firmware(f.n("minion-1"));
  f.reboot_into_firmware(f.n("minion-1"));
  EXPECT_EQ(f.n("minion-1").search_state(), state);
}

}  // namespace
}  // namespace hitless::lab
