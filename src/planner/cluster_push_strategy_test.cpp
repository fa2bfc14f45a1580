// Seed 000 plans (S1 active/passive with a VIP, S3 membership) against the seed's order.
#include <gtest/gtest.h>

#include "planner/planner.hpp"
#include "planner/staging_order.hpp"

namespace hitless::plan {
namespace {

// A Pulse cluster on 9.1R1; pulse 9.1R3 in the catalog (install 20 min, 700 MB).
struct PulseWorld {
  Inventory inv;
  ObservedState obs;
  catalog::Catalog cat = catalog::Catalog::from_manifests({
      {"pulse", "9.1R3", "product", {}, {}, 1200, 700},
  });

  PulseWorld(const std::string& kind, std::vector<std::string> names) {
    inv.name = "t";
    inv.file = "inventory.yaml";
    InventoryCluster c;
    c.name = kind == "active-passive" ? "ap" : "aa";
    c.kind = kind;
    c.traffic_kind = kind == "active-passive" ? "shared-ip" : "load-balancer";
    c.service = "127.0.0.101:4000";
    int line = 1;
    for (const auto& n : names) {
      const std::string role =
          kind == "active-passive" ? (line == 1 ? "active" : "passive") : "member";
      c.nodes.push_back(
          InventoryNode{n, role, "", "", "", "lab", "127.0.0.1:1", "t", {}, {}, line, ""});
      ObservedNode o;
      o.name = n;
      o.reachable = true;
      o.version = "9.1R1";
      o.packages = {{"pulse", "9.1R1"}};
      o.serving = true;
      o.powered = true;
      o.membership = "enabled";
      if (kind == "active-passive") {
        o.shared_ip = "127.0.0.101:4000";
        o.shared_ip_enabled = line == 1;
      }
      obs.nodes[n] = o;
      ++line;
    }
    inv.clusters = {c};
  }
  ObservedNode& node(const std::string& n) { return obs.nodes.at(n); }
  std::string revision() const { return cat.packages().front().digest.substr(0, 12); }
  Result<Plan, PlanningErrc> plan() {
    PlanRequest rq;
    rq.inventory = &inv;
    rq.observed = &obs;
    rq.catalog = &cat;
    rq.target = "9.1R3";
    // These tests are about the seed's own order; behind a load balancer the default would be
    // lb-rejoin.
    if (inv.clusters[0].kind == "active-active") rq.strategy = "cluster-push";
    return make_plan(rq);
  }
};

std::vector<std::string> verbs_and_targets(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& s : p.steps) {
    std::string t = to_string(s.verb);
    for (const auto& n : s.targets) t += " " + n;
    out.push_back(t);
  }
  return out;
}

bool has_note(const Plan& p, const std::string& part) {
  for (const auto& n : p.notes)
    if (n.find(part) != std::string::npos) return true;
  return false;
}

TEST(ClusterPushPlan, ActivePassiveStagesEverywhereUpgradesThePassiveNodeFirstThenThePush) {
  PulseWorld w("active-passive", {"ap-1", "ap-2"});
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->strategies, std::vector<std::string>{"cluster-push"});
  EXPECT_EQ(testing::staging_problems(*p), "");  // both staged, side by side, before the install
  EXPECT_EQ(verbs_and_targets(*p),
            (std::vector<std::string>{"check ap-1 ap-2", "backup ap-1", "backup ap-2", "stage ap-1",
                                      "stage ap-2",
                                      "install ap-2",  // the passive node: it does not own the VIP
                                      "cluster-push ap-1",  // its push upgrades the active node
                                      "verify ap-1", "verify ap-2"}));
  const Step& install = p->steps[5];
  EXPECT_NE(std::find(install.preconditions.begin(), install.preconditions.end(),
                      Condition{Cond::kOwnsSharedIp, "ap-1", ""}),
            install.preconditions.end());
  const Step& push = p->steps[6];
  EXPECT_EQ(push.params["initiator"], "ap-2");
  // The VIP ends on the upgraded passive node, which answers the service address.
  EXPECT_NE(
      std::find(push.gate.begin(), push.gate.end(), Condition{Cond::kOwnsSharedIp, "ap-2", ""}),
      push.gate.end());
  EXPECT_NE(
      std::find(push.gate.begin(), push.gate.end(), Condition{Cond::kVersion, "ap-1", "9.1R3"}),
      push.gate.end());
  // Install 1200 s + reboot 120 s (+ the API call): the staged package needs no push.
  EXPECT_DOUBLE_EQ(push.estimate_s, 1200 + 120 + 5);
  EXPECT_TRUE(has_note(*p, "1 of 2 enabled members serves (ap-2)"));
}

TEST(ClusterPushPlan, FailbackPolicyGivesTheActiveNodeTheVipBackAtTheEnd) {
  PulseWorld w("active-passive", {"ap-1", "ap-2"});
  w.inv.clusters[0].policy.failback = true;
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  auto s = verbs_and_targets(*p);
  ASSERT_EQ(s.size(), 10u);
  EXPECT_EQ(s[7], "take-vip ap-1");
  EXPECT_EQ(p->steps[7].params["from"], "ap-2");
  ASSERT_TRUE(p->steps[7].undo.has_value());
  EXPECT_EQ(p->steps[7].undo->verb, Verb::kTakeVip);
}

TEST(ClusterPushPlan, ShowsWhichStagedRevisionsWillBeReplaced) {
  PulseWorld w("active-active", {"aa-1", "aa-2"});
  w.node("aa-1").staged_revisions = {{"pulse-9.1R3", w.revision()}};
  w.node("aa-2").staged_revisions = {{"pulse-9.1R3", "0123456789ab"}};
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_TRUE(has_note(*p,
                       "aa-2: staged revision 0123456789ab of pulse-9.1R3 will be replaced "
                       "by revision " +
                           w.revision()));
  EXPECT_TRUE(has_note(*p, "aa-1: pulse-9.1R3 revision " + w.revision() + " already staged"));
  EXPECT_EQ(verbs_and_targets(*p),
            (std::vector<std::string>{"check aa-1 aa-2", "backup aa-1", "backup aa-2", "stage aa-2",
                                      "install aa-1", "cluster-push aa-2", "verify aa-1",
                                      "verify aa-2"}));
}

TEST(ClusterPushPlan, DisabledOlderMemberIsReEnabledAfterThePushAndUpgradedByTheCluster) {
  PulseWorld w("active-active", {"aa-1", "aa-2", "aa-3"});
  w.node("aa-3").membership = "disabled";
  w.node("aa-3").version = "9.0R5";
  w.node("aa-3").packages = {{"pulse", "9.0R5"}};
  w.node("aa-3").staged_revisions = {{"pulse-9.1R3", "0123456789ab"}};
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(
      verbs_and_targets(*p),
      (std::vector<std::string>{"check aa-1 aa-2 aa-3", "backup aa-1", "backup aa-2", "stage aa-1",
                                "stage aa-2", "install aa-1", "cluster-push aa-2",
                                "set-member aa-3", "verify aa-1", "verify aa-2", "verify aa-3"}));
  const Step& enable = p->steps[7];
  EXPECT_EQ(enable.params["enabled"], true);
  EXPECT_NE(
      std::find(enable.gate.begin(), enable.gate.end(), Condition{Cond::kVersion, "aa-3", "9.1R3"}),
      enable.gate.end());
  // Receiving 700 MB at 100 MB/s, installing and rebooting.
  EXPECT_DOUBLE_EQ(enable.estimate_s, 5 + 7 + 1200 + 120);
  EXPECT_TRUE(has_note(*p,
                       "aa-3: staged revision 0123456789ab of pulse-9.1R3 will be replaced by "
                       "the cluster's revision"));
}

TEST(ClusterPushPlan, NewerDisabledMemberIsTheReasonThePlanCannotContinue) {
  PulseWorld w("active-active", {"aa-1", "aa-2", "aa-4"});
  w.node("aa-4").membership = "disabled";
  w.node("aa-4").version = "9.1R5";
  w.node("aa-4").packages = {{"pulse", "9.1R5"}};
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), PlanningErrc::kMismatch);
  EXPECT_EQ(p.message(),
            "cluster aa cannot continue: Cannot enable aa-4: it runs 9.1R5, a higher version "
            "than the cluster aa runs (9.1R3). Roll back or downgrade the node to 9.1R3 or lower "
            "before re-enabling it or joining it to the cluster (seed 000)");
}

TEST(ClusterPushPlan, RefusesAFloorThePushCannotKeepNamingTheFigure) {
  PulseWorld w("active-active", {"aa-1", "aa-2", "aa-3"});
  w.inv.clusters[0].policy.max_unavailable = 2;
  w.inv.clusters[0].policy.capacity_floor = CapacityFloor{true, 50};
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), PlanningErrc::kBadPolicy);
  EXPECT_NE(
      p.message().find("leaving 1 of 3 members serving, below capacity_floor 50% (2 members)"),
      std::string::npos)
      << p.message();
  w.inv.clusters[0].policy.capacity_floor.reset();
  w.inv.clusters[0].policy.max_unavailable = 1;
  p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.message().find("takes 2 of 3 members out of service at once, more than "
                             "max_unavailable 1"),
            std::string::npos)
      << p.message();
}

}  // namespace
}  // namespace hitless::plan
