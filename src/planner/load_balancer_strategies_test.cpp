// S2 plans (seed 000, Active/Active scenario behind a load balancer) against the seed's order.
#include "planner/load_balancer_strategies.hpp"

#include <gtest/gtest.h>

#include "planner/planner.hpp"
#include "planner/staging_order.hpp"

namespace hitless::plan {
namespace {

// Four members on 9.1R1 behind HAProxy; pulse 9.1R3 in the catalog (install 20 min, 700 MB).
struct ActiveActive {
  Inventory inv;
  ObservedState obs;
  catalog::Catalog cat = catalog::Catalog::from_manifests({
      {"pulse", "9.1R3", "product", {}, {}, 1200, 700},
  });

  explicit ActiveActive(int members = 4, const std::string& membership = "enabled") {
    inv.name = "t";
    inv.file = "inventory.yaml";
    InventoryCluster c;
    c.name = "aa";
    c.kind = "active-active";
    c.traffic_kind = "load-balancer";
    c.service = "127.0.0.1:4000";
    c.lb_runtime_socket = "/run/haproxy.sock";
    c.lb_backend = "aa";
    for (int i = 1; i <= members; ++i) {
      const std::string n = "aa-" + std::to_string(i);
      c.nodes.push_back(
          InventoryNode{n, "member", "", "", "", "lab", "127.0.0.1:1", "t", {}, {}, i, ""});
      ObservedNode o;
      o.name = n;
      o.reachable = true;
      o.version = "9.1R1";
      o.packages = {{"pulse", "9.1R1"}};
      o.serving = true;
      o.powered = true;
      o.membership = membership;
      obs.nodes[n] = o;
    }
    inv.clusters = {c};
  }
  Policy& policy() { return inv.clusters[0].policy; }
  Result<Plan, PlanningErrc> plan(const std::string& strategy = "") {
    PlanRequest rq;
    rq.inventory = &inv;
    rq.observed = &obs;
    rq.catalog = &cat;
    rq.target = "9.1R3";
    rq.strategy = strategy;
    return make_plan(rq);
  }
};

std::vector<std::string> lb_shape(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& s : p.steps) {
    std::string t = to_string(s.verb);
    for (const auto& n : s.targets) t += " " + n;
    if (s.verb == Verb::kSetMember) t += s.params.value("enabled", true) ? " on" : " off";
    out.push_back(t);
  }
  return out;
}

bool lb_has_note(const Plan& p, const std::string& part) {
  for (const auto& n : p.notes)
    if (n.find(part) != std::string::npos) return true;
  return false;
}

const std::vector<std::string> kPrepare{"check aa-1 aa-2 aa-3 aa-4",
                                        "lb-check aa-1 aa-2 aa-3 aa-4",
                                        "backup aa-1",
                                        "backup aa-2",
                                        "backup aa-3",
                                        "backup aa-4",
                                        "stage aa-1",
                                        "stage aa-2",
                                        "stage aa-3",
                                        "stage aa-4"};

std::vector<std::string> with_prepare(std::vector<std::string> rest) {
  std::vector<std::string> all = kPrepare;
  all.insert(all.end(), rest.begin(), rest.end());
  return all;
}

TEST(ActiveActivePlan, KeepsTheFloorByDisablingMembersAndReEnablingThemInBatches) {
  ActiveActive w;
  w.policy().capacity_floor = CapacityFloor{true, 50};
  w.policy().max_unavailable = 2;
  auto p = w.plan("lb-rejoin");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->strategies, std::vector<std::string>{"lb-rejoin"});
  EXPECT_EQ(testing::staging_problems(*p), "");
  EXPECT_EQ(lb_shape(*p),
            with_prepare({// aa-3 and aa-4 keep serving, out of the push's reach
                          "set-member aa-3 off", "set-member aa-4 off",
                          // the core: drained, in maintenance, one install, its push
                          "lb-drain aa-1", "lb-maint aa-1", "lb-drain aa-2", "lb-maint aa-2",
                          "install aa-1", "cluster-push aa-2", "lb-health aa-1", "lb-ready aa-1",
                          "lb-health aa-2", "lb-ready aa-2",
                          // the rest re-join and are upgraded by the cluster
                          "lb-drain aa-3", "lb-maint aa-3", "lb-drain aa-4", "lb-maint aa-4",
                          "set-member aa-3 on", "set-member aa-4 on", "lb-health aa-3",
                          "lb-ready aa-3", "lb-health aa-4", "lb-ready aa-4", "verify aa-1",
                          "verify aa-2", "verify aa-3", "verify aa-4"}));
  EXPECT_TRUE(lb_has_note(*p,
                          "this order keeps 2 of 4 members serving (2 out at a time); the "
                          "seed's order (lb-push) would leave 1 of 4 serving during the push"))
      << p->notes.front();
  // The drain carries the policy's timeout and action; it is guarded by the floor.
  const Step& drain = *std::find_if(p->steps.begin(), p->steps.end(),
                                    [](const Step& s) { return s.verb == Verb::kLbDrain; });
  EXPECT_EQ(drain.params["drain_timeout_s"], 600.0);
  EXPECT_EQ(drain.params["on_drain_timeout"], "stop");
  EXPECT_NE(std::find(drain.guards.begin(), drain.guards.end(),
                      Condition{Cond::kMinServing, "", "50%", {"aa-1", "aa-2", "aa-3", "aa-4"}}),
            drain.guards.end());
  ASSERT_TRUE(drain.undo.has_value());
  EXPECT_EQ(drain.undo->verb, Verb::kLbReady);
}

TEST(ActiveActivePlan, RejoinShapeIsTheFloorAndMaxUnavailable) {
  Policy p;
  p.max_unavailable = 3;
  EXPECT_EQ(rejoin_shape(p, 4).batch, 3);
  p.capacity_floor = CapacityFloor{false, 3};
  EXPECT_EQ(rejoin_shape(p, 4).batch, 1);
  EXPECT_EQ(rejoin_shape(p, 4).serving, 3);
  p.capacity_floor = CapacityFloor{true, 50};
  EXPECT_EQ(rejoin_shape(p, 32).batch, 3);
  EXPECT_EQ(rejoin_shape(p, 32).serving, 29);
}

TEST(ActiveActivePlan, TheSeedsOrderLeavesOneOfNAndIsRefusedBelowTheFloorNamingTheFigure) {
  ActiveActive w;
  w.policy().capacity_floor = CapacityFloor{true, 50};
  w.policy().max_unavailable = 3;
  auto p = w.plan("lb-push");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), PlanningErrc::kBadPolicy);
  EXPECT_NE(p.message().find("leaves 1 of 4 members serving during the push, below "
                             "capacity_floor 50% (2 members); --strategy lb-rejoin keeps 2 of 4"),
            std::string::npos)
      << p.message();
  // Allowed once the policy allows it: the seed's order, step for step.
  w.policy().capacity_floor.reset();
  p = w.plan("lb-push");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(lb_shape(*p),
            with_prepare({"lb-drain aa-1", "lb-maint aa-1", "install aa-1", "lb-health aa-1",
                          "lb-ready aa-1", "cluster-push aa-2 aa-3 aa-4", "verify aa-1",
                          "verify aa-2", "verify aa-3", "verify aa-4"}));
  EXPECT_TRUE(lb_has_note(*p, "during the push 1 of 4 members serves (aa-1)"));
}

TEST(ActiveActivePlan, WithoutMembershipEachBatchIsInstalledMemberByMember) {
  ActiveActive w(3, "");
  auto p = w.plan("lb-rejoin");
  ASSERT_TRUE(p.ok()) << p.message();
  const auto s = lb_shape(*p);
  EXPECT_EQ(std::count(s.begin(), s.end(), "install aa-1") +
                std::count(s.begin(), s.end(), "install aa-2") +
                std::count(s.begin(), s.end(), "install aa-3"),
            3);
  EXPECT_EQ(std::count_if(s.begin(), s.end(),
                          [](const std::string& t) { return t.rfind("set-member", 0) == 0; }),
            0);
}

TEST(ActiveActivePlan, DefaultsToTheOrderThatKeepsTheFloorWhereMembershipCanBeDisabled) {
  ActiveActive w;
  w.policy().capacity_floor = CapacityFloor{true, 50};
  w.policy().max_unavailable = 2;
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->strategies, std::vector<std::string>{"lb-rejoin"});
  // Members that cannot be disabled: the seed's cluster-push stays the default (and is refused
  // below the floor, naming the figure).
  ActiveActive without(4, "");
  without.policy().capacity_floor = CapacityFloor{true, 50};
  without.policy().max_unavailable = 2;
  auto q = without.plan();
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.message().find("leaving 1 of 4 members serving"), std::string::npos) << q.message();
}

TEST(ActiveActivePlan, NoLoadBalancerIsRefusedAtPlanTime) {
  ActiveActive w;
  w.inv.clusters[0].traffic_kind = "none";
  auto p = w.plan();  // whatever the strategy
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), PlanningErrc::kMismatch);
  EXPECT_NE(p.message().find("cluster aa is active/active but has no load balancer"),
            std::string::npos)
      << p.message();
}

}  // namespace
}  // namespace hitless::plan
