// Seed 004 air-gapped appliance in the planner: its hops arrive in one step that uploads its
// offline bundle; without a bundle, with one made for another appliance, or with one lacking a
// hop, the plan is refused before anything is touched.
#include <gtest/gtest.h>

#include <algorithm>

#include "planner/planner.hpp"

namespace hitless::plan {
namespace {

struct AirGappedWorld {
  Inventory inv;
  ObservedState obs;
  catalog::Catalog cat = catalog::Catalog::from_manifests({
      {"base", "3.1.0", "base", {}, {}, 600, 50},
      {"product", "7.2.0", "product", {{"base", "3.1"}}, {"7.1"}, 1800, 900},
  });
  std::map<std::string, catalog::BundleSummary> bundles;

  AirGappedWorld() {
    inv.name = "t";
    inv.file = "inventory.yaml";
    InventoryCluster c;
    c.name = "rs";
    c.kind = "single";
    c.traffic_kind = "none";
    InventoryNode n;
    n.name = "rs-2";
    n.role = "standalone";
    n.address = "127.0.0.1:1";
    n.token_file = "t";
    n.line = 7;
    n.air_gapped = true;
    c.nodes = {n};
    inv.clusters = {c};
    ObservedNode o;
    o.name = "rs-2";
    o.reachable = true;
    o.version = "7.1.0";
    o.packages = {{"product", "7.1.0"}, {"base", "3.0"}};
    o.serving = true;
    o.appliance_id = "a2";
    obs.nodes["rs-2"] = o;
  }
  void give_bundle(const std::string& appliance, std::vector<std::string> packages) {
    bundles["rs-2"] = {"/media/usb/rs-2.bundle", std::string(64, 'e'), appliance, "rs-2", 0, 0,
                       std::move(packages)};
  }
  Result<Plan, PlanningErrc> plan() {
    PlanRequest rq;
    rq.inventory = &inv;
    rq.observed = &obs;
    rq.catalog = &cat;
    rq.target = "7.2.0";
    rq.bundles = &bundles;
    return make_plan(rq);
  }
};

TEST(AirGappedPlan, StagesTheBundleInOneStepInsteadOfUploadingEachPackage) {
  AirGappedWorld w;
  w.give_bundle("a2", {"base-3.1.0", "product-7.2.0"});
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  std::vector<const Step*> stages;
  for (const auto& s : p->steps)
    if (s.verb == Verb::kStage) stages.push_back(&s);
  ASSERT_EQ(stages.size(), 1u);
  const Step& s = *stages[0];
  EXPECT_EQ(s.title,
            "Upload offline bundle rs-2.bundle to air-gapped rs-2 (made for its appliance a2): "
            "base-3.1.0, product-7.2.0");
  EXPECT_EQ(s.params.value("bundle", ""), "/media/usb/rs-2.bundle");
  EXPECT_EQ(s.params.value("bundle_sha256", ""), std::string(64, 'e'));
  ASSERT_EQ(s.gate.size(), 2u);
  EXPECT_EQ(s.gate[0].kind, Cond::kStaged);
  EXPECT_EQ(s.gate[1].value, "product-7.2.0");
  // Every install comes after it.
  bool staged = false;
  for (const auto& step : p->steps) {
    if (&step == &s) staged = true;
    if (step.verb == Verb::kInstall) {
      EXPECT_TRUE(staged) << step.id;
    }
  }
}

TEST(AirGappedPlan, NodeWithoutABundleIsRefusedSayingHowToGetOne) {
  AirGappedWorld w;
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), PlanningErrc::kMismatch);
  EXPECT_EQ(p.message(),
            "node rs-2 is air-gapped (inventory.yaml:7) and names no offline bundle: read its "
            "download key (Updates > Appliance Download Key), run `hitless bundle make --for KEY "
            "--to 7.2.0` and set `bundle: FILE` on the node");
}

TEST(AirGappedPlan, BundleMadeForAnotherApplianceIsRefused) {
  AirGappedWorld w;
  w.give_bundle("b1", {"base-3.1.0", "product-7.2.0"});
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), PlanningErrc::kMismatch);
  EXPECT_NE(p.message().find("node rs-2: /media/usb/rs-2.bundle was made for appliance b1 (rs-2), "
                             "not for rs-2 (a2)"),
            std::string::npos)
      << p.message();
  EXPECT_NE(p.message().find("nothing was touched"), std::string::npos);
}

TEST(AirGappedPlan, BundleLackingAHopIsRefusedNamingIt) {
  AirGappedWorld w;
  w.give_bundle("a2", {"product-7.2.0"});
  auto p = w.plan();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), PlanningErrc::kNoPath);
  EXPECT_NE(p.message().find("holds product-7.2.0 but the upgrade to 7.2.0 needs base-3.1.0"),
            std::string::npos)
      << p.message();
}

TEST(AirGappedPlan, ChecklistHoldsTheClockCheck) {
  AirGappedWorld w;
  w.give_bundle("a2", {"base-3.1.0", "product-7.2.0"});
  auto p = w.plan();
  ASSERT_TRUE(p.ok()) << p.message();
  const auto& pre = p->steps.front().preconditions;
  EXPECT_TRUE(std::any_of(pre.begin(), pre.end(), [](const Condition& c) {
    return c.kind == Cond::kClockInSync && c.node == "rs-2";
  }));
}

}  // namespace
}  // namespace hitless::plan
