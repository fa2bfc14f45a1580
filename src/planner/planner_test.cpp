#include "planner/planner.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "catalog/package.hpp"
#include "planner/staging_order.hpp"

namespace hitless::plan {
namespace {

struct World {
  Inventory inv;
  ObservedState obs;
  catalog::Catalog cat = catalog::Catalog::from_manifests({
      {"base", "3.1.0", "base", {}, {}, 600, 50},
      {"product", "7.2.0", "product", {{"base", "3.1"}}, {"7.1"}, 1800, 900},
      {"product", "7.1.0", "product", {}, {}, 1800, 900},
  });

  explicit World(const std::string& kind = "failover-pair") {
    inv.name = "t";
    inv.file = "inventory.yaml";
    InventoryCluster c;
    c.name = "pair";
    c.kind = kind;
    c.traffic_kind = kind == "single" ? "none" : "shared-ip";
    c.service = "127.0.0.100:4000";
    if (kind == "single") {
      c.nodes = {
          InventoryNode{"n", "standalone", "", "", "", "lab", "127.0.0.1:1", "t", {}, {}, 1, ""}};
    } else {
      c.nodes = {
          InventoryNode{"a", "primary", "", "", "", "lab", "127.0.0.1:1", "t", {}, {}, 1, ""},
          InventoryNode{"b", "backup", "", "", "", "lab", "127.0.0.1:2", "t", {}, {}, 2, ""}};
    }
    inv.clusters = {c};
    for (const auto& n : c.nodes) {
      ObservedNode o;
      o.name = n.name;
      o.reachable = true;
      o.version = "7.1.0";
      o.packages = {{"product", "7.1.0"}, {"base", "3.0"}};
      o.serving = true;
      o.powered = true;
      if (kind != "single") {
        o.ha_role = n.role;
        o.ha_peer = n.name == "a" ? "b" : "a";
        o.shared_ip = "127.0.0.100:4000";
        o.shared_ip_enabled = n.name == "a";
      }
      obs.nodes[n.name] = o;
    }
  }
  Result<Plan, PlanningErrc> plan(const std::string& strategy,
                                  const std::string& target = "7.2.0") {
    PlanRequest rq;
    rq.inventory = &inv;
    rq.observed = &obs;
    rq.catalog = &cat;
    rq.target = target;
    rq.strategy = strategy;
    return make_plan(rq);
  }
};

std::vector<std::string> shape(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& s : p.steps) {
    std::string t = std::to_string(s.phase) + ":" + to_string(s.verb);
    for (const auto& n : s.targets) t += " " + n;
    if (s.params.contains("package")) t += " " + s.params["package"].get<std::string>();
    out.push_back(t);
  }
  return out;
}

TEST(AsynchronousPlan, FollowsTheSeedStepForStep) {
  World w;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(
      shape(*p),
      (std::vector<std::string>{
          "0:check a b", "0:backup a", "0:backup b", "0:stage a base-3.1.0",
          "0:stage a product-7.2.0", "0:stage b base-3.1.0", "0:stage b product-7.2.0",
          "0:sync a b", "0:break-ha a b", "0:install b base-3.1.0", "0:install b product-7.2.0",
          "0:verify b", "0:approval", "0:switch-traffic a b", "1:install a base-3.1.0",
          "1:install a product-7.2.0", "1:verify a", "1:establish-ha b a", "1:sync b a"}));
  EXPECT_EQ(p->phases.size(), 2u);
  // The backup only goes down while the primary serves and holds the shared IP.
  const Step& install_b = p->steps[9];
  EXPECT_FALSE(install_b.repeat_safe);
  EXPECT_NE(std::find(install_b.preconditions.begin(), install_b.preconditions.end(),
                      Condition{Cond::kOwnsSharedIp, "a", ""}),
            install_b.preconditions.end());
  const Step& sw = p->steps[13];
  ASSERT_TRUE(sw.undo.has_value());
  EXPECT_EQ(sw.undo->targets, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(p->steps.back().params.value("backup", ""), "a");
}

TEST(SynchronousPlan, UpgradesThePrimaryFirstAndKeepsItsRole) {
  World w;
  auto p = w.plan("synchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(shape(*p),
            (std::vector<std::string>{
                "0:check a b", "0:backup a", "0:backup b", "0:stage a base-3.1.0",
                "0:stage a product-7.2.0", "0:stage b base-3.1.0", "0:stage b product-7.2.0",
                "0:sync a b", "0:break-ha a b", "0:install a base-3.1.0",
                "0:install a product-7.2.0", "0:verify a", "0:approval", "1:install b base-3.1.0",
                "1:install b product-7.2.0", "1:verify b", "1:establish-ha a b", "1:sync a b"}));
}

TEST(SingleNodePlan, ChecklistUploadTestActivateAfterRebootRebootVerify) {
  World w("single");
  auto p = w.plan("");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(shape(*p), (std::vector<std::string>{
                           "0:check n", "0:backup n", "0:stage n base-3.1.0",
                           "0:stage n product-7.2.0", "0:compat-test n base-3.1.0",
                           "0:install n base-3.1.0", "0:reboot n", "0:compat-test n product-7.2.0",
                           "0:install n product-7.2.0", "0:reboot n", "0:verify n"}));
  EXPECT_EQ(p->steps[5].params["activate"], "after-reboot");
  EXPECT_EQ(p->steps[6].gate.front().value, "7.1.0");  // Base boots into the same product version
  EXPECT_EQ(p->steps[9].gate.front().value, "7.2.0");
}

TEST(SingleNodePlan, CatalogSoakTimeIsAPhaseBoundaryBetweenHops) {
  World w("single");
  std::vector<catalog::CatalogPackage> pkgs(4);
  pkgs[0].manifest = {"base", "3.1.0", "base", {}, {}, 600, 50};
  pkgs[1].manifest = {"product", "7.1.0", "product", {}, {}, 1800, 900};
  pkgs[2].manifest = {"product", "7.1.5", "product", {}, {}, 1800, 900};
  pkgs[2].soak_s = 86400;  // seed 004: wait 24 hours after each intermediate version
  pkgs[3].manifest = {"product", "7.2.0", "product", {{"base", "3.1"}}, {"7.1.5"}, 1800, 900};
  pkgs[3].soak_s = 86400;  // the last hop's soak has no next hop to hold back
  w.cat = catalog::Catalog::from_packages(pkgs);
  auto p = w.plan("");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(shape(*p),
            (std::vector<std::string>{
                "0:check n", "0:backup n", "0:stage n product-7.1.5", "0:stage n base-3.1.0",
                "0:stage n product-7.2.0", "0:compat-test n product-7.1.5",
                "0:install n product-7.1.5", "0:reboot n", "1:soak n", "1:compat-test n base-3.1.0",
                "1:install n base-3.1.0", "1:reboot n", "1:compat-test n product-7.2.0",
                "1:install n product-7.2.0", "1:reboot n", "1:verify n"}));
  ASSERT_EQ(p->phases.size(), 2u);
  EXPECT_EQ(p->phases[1].name, "soak 24h after product 7.1.5, then base 3.1.0");
  // The soak is a step the executor waits out before the next hop starts.
  const auto& soak = p->steps[8];
  EXPECT_EQ(soak.verb, Verb::kSoak);
  EXPECT_EQ(soak.params.value("seconds", 0.0), 86400);
  EXPECT_EQ(soak.params.value("after", ""), "product-7.1.5");
  EXPECT_EQ(p->steps[9].after, std::vector<std::string>{soak.id});
}

// Issue 9 item 4: every package is uploaded to every node, the nodes side by side, before the
// first install, so a package refused on arrival stops the run before anything changed.
TEST(Staging, EveryNodeIsStagedInParallelBeforeTheFirstInstall) {
  for (const std::string strategy : {"asynchronous", "synchronous"}) {
    World w;
    auto p = w.plan(strategy);
    ASSERT_TRUE(p.ok()) << p.message();
    EXPECT_EQ(testing::staging_problems(*p), "") << strategy;
    // Both members' uploads start from the same step: parallel branches, joined by the sync.
    const Step* a = p->find("pair/04-stage-a-base-3.1.0");
    const Step* b = p->find("pair/06-stage-b-base-3.1.0");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->after, b->after);
    const Step* sync = p->find("pair/08-sync-a");
    ASSERT_TRUE(sync);
    EXPECT_EQ(sync->after, (std::vector<std::string>{"pair/05-stage-a-product-7.2.0",
                                                     "pair/07-stage-b-product-7.2.0"}));
  }
  World single("single");
  auto p = single.plan("");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(testing::staging_problems(*p), "");
  // The check sees the rule broken: b's upload after a's install, or waiting for a's upload.
  Plan late;
  const auto add = [&late](const char* id, Verb verb, const char* node, const char* after) {
    Step s;
    s.id = id;
    s.verb = verb;
    s.targets = {node};
    if (*after) s.after = {after};
    late.steps.push_back(s);
  };
  add("stage-a", Verb::kStage, "a", "");
  add("install-a", Verb::kInstall, "a", "stage-a");
  add("stage-b", Verb::kStage, "b", "install-a");
  EXPECT_EQ(testing::staging_problems(late),
            "stage-b does not precede install-a; stage-b waits for stage-a (another node's "
            "upload); ");
}

TEST(Planner, IsDeterministicAndLatestResolves) {
  World w;
  auto p1 = w.plan("", "latest");
  auto p2 = w.plan("", "latest");
  ASSERT_TRUE(p1.ok()) << p1.message();
  EXPECT_EQ(p1->target_version, "7.2.0");
  EXPECT_EQ(p1->strategies, std::vector<std::string>{"asynchronous"});
  EXPECT_EQ(plan_hash(*p1), plan_hash(*p2));
  EXPECT_EQ(to_json(*p1).dump(), to_json(*p2).dump());
}

TEST(Planner, RefusesBadTargetsAndMismatchedInventories) {
  World w;
  EXPECT_EQ(w.plan("asynchronous", "7.9.0").code(), PlanningErrc::kBadTarget);
  EXPECT_EQ(w.plan("asynchronous", "7.1.0").code(), PlanningErrc::kAlreadyAtTarget);
  EXPECT_EQ(w.plan("no-such-strategy").code(), PlanningErrc::kNoStrategy);
  // Only a migration may leave the target out (it installs the old box's own version).
  auto no_target = w.plan("asynchronous", "");
  EXPECT_EQ(no_target.code(), PlanningErrc::kBadTarget);
  EXPECT_NE(no_target.message().find("no target version; give --to VERSION or --to latest"),
            std::string::npos)
      << no_target.message();

  World broken;
  broken.obs.nodes["a"].ha_role = "none";
  broken.obs.nodes["b"].ha_role = "none";
  auto r = broken.plan("asynchronous");
  EXPECT_EQ(r.code(), PlanningErrc::kMismatch);
  EXPECT_NE(r.message().find("relation is broken"), std::string::npos) << r.message();

  World swapped;
  swapped.obs.nodes["a"].ha_role = "backup";
  swapped.obs.nodes["b"].ha_role = "primary";
  EXPECT_EQ(swapped.plan("asynchronous").code(), PlanningErrc::kMismatch);

  World down;
  down.obs.nodes["b"].reachable = false;
  down.obs.nodes["b"].error = "timeout";
  auto d = down.plan("asynchronous");
  EXPECT_EQ(d.code(), PlanningErrc::kUnreachable);
  EXPECT_NE(d.message().find("node b"), std::string::npos);
}

TEST(PlanFile, RoundTripsAndCatchesEditsAndTruncation) {
  World w;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok());
  const std::string text = to_file_text(*p);
  auto back = plan_from_json_text(text, "plan.json");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(plan_hash(*back), plan_hash(*p));

  auto j = to_json(*p);
  j["steps"][7]["params"]["package"] = "product-9.9.9";
  EXPECT_EQ(plan_from_json_text(j.dump(), "plan.json").code(), PlanErrc::kTampered);
  EXPECT_EQ(plan_from_json_text(text.substr(0, text.size() / 2), "plan.json").code(),
            PlanErrc::kMalformed);
  EXPECT_EQ(plan_from_json_text("{\"schema\":\"other\"}", "plan.json").code(),
            PlanErrc::kUnsupported);
}

TEST(PlanFile, TextIsNlohmannsCanonicalDumpAndKeepsTheHash) {
  World w;
  w.obs.nodes["a"].packages["tab\tquote\"back\\slash\x01"] =
      "\xc3\xa9";  // escapes as nlohmann writes them
  w.obs.nodes["a"].last_sync_at = 12.5;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok());
  p->notes.push_back("a note");
  const std::string compact = to_json_text(*p), file = to_file_text(*p);
  EXPECT_EQ(nlohmann::json::parse(compact).dump(),
            compact);  // keys sorted, numbers and strings as nlohmann
  EXPECT_EQ(nlohmann::json::parse(file).dump(), compact);  // the same document, laid out for people
  EXPECT_NE(file.find("\n  \"steps\": [\n    {\"after\": [], \"cluster\": \"pair\", "),
            std::string::npos)
      << file;
  // plan_hash: SHA-256 of the compact canonical JSON of everything but itself
  // (docs/plan-format.md).
  auto body = nlohmann::json::parse(compact);
  EXPECT_EQ(body.at("plan_hash"), plan_hash(*p));
  body.erase("plan_hash");
  EXPECT_EQ(catalog::sha256_hex(body.dump()), plan_hash(*p));
}

TEST(AsynchronousPlan, BacksUpBothMembersInParallelAndTheSyncJoinsThem) {
  World w;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  const Step& backup_a = p->steps[1];
  const Step& backup_b = p->steps[2];
  const Step& sync = p->steps[3];
  EXPECT_EQ(backup_a.after, std::vector<std::string>{p->steps[0].id});
  EXPECT_EQ(backup_b.after, std::vector<std::string>{p->steps[0].id});
  EXPECT_EQ(sync.after, (std::vector<std::string>{backup_a.id, backup_b.id}));
  EXPECT_LT(p->estimated_makespan_s(), [&] {
    double sum = 0;
    for (const auto& s : p->steps) sum += s.estimate_s;
    return sum;
  }());
  EXPECT_NE(to_dot(*p).find("\"" + backup_a.id + "\" -> \"" + sync.id + "\""), std::string::npos);
}

TEST(AsynchronousPlan, GuardsEveryInstallSoBothMembersAreNeverDownAndShowsThePointOfNoReturn) {
  World w;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  int guarded = 0;
  std::vector<std::string> no_return;
  for (const auto& s : p->steps) {
    if (s.verb == Verb::kInstall) {
      ASSERT_EQ(s.guards.size(), 1u) << s.id;
      EXPECT_EQ(s.guards[0].kind, Cond::kPairUp);
      EXPECT_EQ(s.guards[0].nodes, (std::vector<std::string>{"a", "b"}));
      ++guarded;
    }
    if (!s.no_return.empty()) no_return.push_back(s.id);
  }
  EXPECT_EQ(guarded, 4);
  // Base then product on each node: the second install writes over the pre-run slot.
  EXPECT_EQ(no_return, (std::vector<std::string>{"pair/11-install-b-product-7.2.0",
                                                 "pair/16-install-a-product-7.2.0"}));
  EXPECT_NE(to_text(*p).find("POINT OF NO RETURN"), std::string::npos);
}

TEST(PlanFile, RefusesCyclesUnknownVerbsConditionsAndDependenciesNamingTheStep) {
  World w;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok());
  auto load = [&](nlohmann::json j) {
    j.erase("plan_hash");
    j["plan_hash"] = "x";  // refused for its content before its hash matters
    return plan_from_json_text(j.dump(), "plan.json");
  };
  auto j = to_json(*p);
  j["steps"][0]["after"] = {j["steps"][3]["id"]};
  auto cyc = load(j);
  EXPECT_EQ(cyc.code(), PlanErrc::kMalformed);
  EXPECT_NE(cyc.message().find("cycle"), std::string::npos) << cyc.message();

  j = to_json(*p);
  j["steps"][2]["gate"] = {{{"kind", "moon-phase"}, {"node", "a"}, {"value", ""}}};
  auto cond = load(j);
  EXPECT_NE(cond.message().find("unknown condition 'moon-phase'"), std::string::npos)
      << cond.message();
  EXPECT_NE(cond.message().find(j["steps"][2]["id"].get<std::string>()), std::string::npos)
      << cond.message();

  j = to_json(*p);
  j["steps"][2]["verb"] = "teleport";
  EXPECT_NE(load(j).message().find("unknown verb \"teleport\""), std::string::npos)
      << load(j).message();

  j = to_json(*p);
  j["steps"][2]["after"] = {"pair/99-nowhere"};
  EXPECT_NE(load(j).message().find("no step named 'pair/99-nowhere'"), std::string::npos)
      << load(j).message();
}

TEST(PlanFile, RefusesStepsWithMissingOrMistypedFields) {
  World w;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok());
  const auto load = [&](const nlohmann::json& j) {
    return plan_from_json_text(j.dump(2), "plan.json");
  };
  auto j = to_json(*p);
  j["steps"][1].erase("targets");
  EXPECT_EQ(load(j).code(), PlanErrc::kMalformed);
  j = to_json(*p);
  j["steps"][1]["targets"] = "a";
  EXPECT_EQ(load(j).code(), PlanErrc::kMalformed);
  j = to_json(*p);
  j["steps"][1]["phase"] = "one";
  EXPECT_EQ(load(j).code(), PlanErrc::kMalformed);
  j = to_json(*p);
  j["steps"][1]["undo"] = 3;
  EXPECT_EQ(load(j).code(), PlanErrc::kMalformed);
  j = to_json(*p);
  j["steps"] = {{"a", 1}};
  EXPECT_EQ(load(j).code(), PlanErrc::kMalformed);
  j = to_json(*p);
  j.erase("steps");
  EXPECT_EQ(load(j).code(), PlanErrc::kMalformed);
  EXPECT_EQ(plan_from_json_text("[1, 2]", "plan.json").code(), PlanErrc::kUnsupported);
  // A field hitless does not know is not part of the plan: ignored, as the hash is of the plan.
  j = to_json(*p);
  j["steps"][1]["comment"] = {{"why", {1, 2}}};
  for (auto& st : j["steps"])
    if (!st["gate"].empty()) st["gate"][0]["note"] = "x";
  auto back = load(j);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(to_json_text(*back), to_json_text(*p));
}

TEST(PlanPolicy, CarriesEachClustersEffectivePolicyTypedAndPrintsIt) {
  World w;
  w.inv.clusters[0].policy.capacity_floor = CapacityFloor{false, 1};
  w.inv.clusters[0].policy.on_drain_timeout = DrainTimeoutAction::kWait;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->policy, (nlohmann::json{{"pair", to_json(w.inv.clusters[0].policy)}}));
  auto back = plan_from_json_text(to_json(*p).dump(2), "plan.json");
  ASSERT_TRUE(back.ok()) << back.message();
  auto typed = cluster_policy(*back, "pair");
  ASSERT_TRUE(typed.ok()) << typed.message();
  EXPECT_EQ(*typed, w.inv.clusters[0].policy);
  EXPECT_NE(to_text(*p).find(
                "policy pair: max_unavailable 1, capacity_floor 1, drain_timeout 10m then wait"),
            std::string::npos)
      << to_text(*p);
  EXPECT_TRUE(p->notes.empty());
  EXPECT_FALSE(to_json(*p).contains("notes"));
}

TEST(PlanPolicy, EditingThePolicyInAPlanFileIsRefusedAsTampered) {
  World w;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  auto j = to_json(*p);
  j["policy"]["pair"]["capacity_floor"] = nullptr;
  j["policy"]["pair"]["max_unavailable"] = 2;
  auto edited = plan_from_json_text(j.dump(), "plan.json");
  EXPECT_EQ(edited.code(), PlanErrc::kTampered) << edited.message();
  j["policy"]["pair"]["max_unavailable"] =
      0;  // edited into nonsense: still the edit that is reported
  EXPECT_EQ(plan_from_json_text(j.dump(), "plan.json").code(), PlanErrc::kTampered);
  auto k = to_json(*p);
  k["policy"].erase("pair");
  EXPECT_EQ(plan_from_json_text(k.dump(), "plan.json").code(), PlanErrc::kTampered);
  EXPECT_NE(plan_hash(*p), [&] {
    Plan q = *p;
    q.policy["pair"]["failback"] = true;
    return plan_hash(q);
  }());

  // Hashed but not a policy (written by something other than hitless): refused too.
  Plan bad = *p;
  bad.policy["pair"]["max_unavailable"] = 0;
  auto malformed = plan_from_json_text(to_json(bad).dump(), "plan.json");
  EXPECT_EQ(malformed.code(), PlanErrc::kMalformed);
  EXPECT_NE(malformed.message().find("cluster pair: policy.max_unavailable"), std::string::npos)
      << malformed.message();
  bad = *p;
  bad.policy["other"] = to_json(Policy{});
  EXPECT_EQ(plan_from_json_text(to_json(bad).dump(), "plan.json").code(), PlanErrc::kMalformed);
  // A plan without an entry (older plans, hand-built ones) reads as the defaults.
  bad.policy = nlohmann::json::object();
  EXPECT_EQ(*cluster_policy(bad, "pair"), Policy{});
}

TEST(PlanPolicy, RefusesACapacityFloorAboveTheClusterSize) {
  const auto refused = [](const CapacityFloor& floor, const std::string& reason) {
    World w;
    w.inv.clusters[0].policy.capacity_floor = floor;
    w.obs.nodes["b"].reachable = false;  // the policy is refused before observations are looked at
    auto p = w.plan("asynchronous");
    EXPECT_EQ(p.code(), PlanningErrc::kBadPolicy) << p.message();
    const std::string prefix = "cluster pair: policy.capacity_floor: " + to_string(floor) + " ";
    EXPECT_EQ(p.message().substr(0, prefix.size()), prefix) << p.message();
    EXPECT_NE(p.message().find(reason), std::string::npos) << p.message();
    EXPECT_EQ(check_policies(w.inv, {}).code(), PlanningErrc::kBadPolicy);
    EXPECT_TRUE(check_policies(w.inv, {"elsewhere"}).ok());
  };
  refused({false, 3}, "is above the cluster's size (2 members)");
  refused(
      {false, 2},
      "no member can be taken out of service to upgrade it; lower it to at most 1 of 2 members");
  refused({true, 100}, "(2 of 2 members) keeps every member of the cluster serving");
  World w;
  w.inv.clusters[0].policy.capacity_floor = CapacityFloor{true, 50};
  EXPECT_TRUE(w.plan("asynchronous").ok());
  World single("single");
  single.inv.clusters[0].policy.capacity_floor = CapacityFloor{false, 0};
  EXPECT_TRUE(single.plan("").ok());
}

TEST(PlanPolicy, RefusesApprovalPhasesThePlanDoesNotHave) {
  World w;
  w.inv.clusters[0].policy.approval_phases = {ApprovalPhases::Mode::kList, {1, 3}};
  auto p = w.plan("asynchronous");
  EXPECT_EQ(p.code(), PlanningErrc::kBadPolicy);
  EXPECT_EQ(p.message(),
            "cluster pair: policy.approval_phases: phase 3 does not exist (the plan has 2 phases)");
  w.inv.clusters[0].policy.approval_phases.phases = {2};
  EXPECT_TRUE(w.plan("asynchronous").ok());
}

TEST(PlanPolicy, ClampsMaxUnavailableToTheClusterSizeWithANote) {
  World w;
  w.inv.clusters[0].policy.max_unavailable = 5;
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(cluster_policy(*p, "pair")->max_unavailable, 2);
  ASSERT_EQ(p->notes.size(), 1u);
  EXPECT_EQ(p->notes[0],
            "cluster pair: policy.max_unavailable 5 is more than its 2 members; planned with 2");
  EXPECT_NE(to_text(*p).find("note: cluster pair: policy.max_unavailable 5"), std::string::npos);
  auto back = plan_from_json_text(to_json(*p).dump(), "plan.json");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->notes, p->notes);
  auto j = to_json(*p);
  j["notes"] = nlohmann::json::array();
  EXPECT_EQ(plan_from_json_text(j.dump(), "plan.json").code(), PlanErrc::kTampered);
}

TEST(PlanPolicy, ACapacityFloorBecomesAGuardOnEveryStepThatTakesANodeOut) {
  World w;
  w.inv.clusters[0].policy.capacity_floor = CapacityFloor{false, 1};
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  int floors = 0;
  for (const auto& s : p->steps)
    for (const auto& g : s.guards)
      if (g.kind == Cond::kMinServing) {
        EXPECT_EQ(g.value, "1");
        EXPECT_EQ(g.nodes, (std::vector<std::string>{"a", "b"}));
        EXPECT_EQ(s.verb, Verb::kInstall) << s.id;
        ++floors;
      }
  EXPECT_EQ(floors, 4);
}

TEST(PlanPolicy, ApprovalPhasesAddAndRemoveApprovals) {
  auto approvals = [](const Plan& p) {
    std::vector<int> phases;
    for (const auto& s : p.steps)
      if (s.verb == Verb::kApproval) phases.push_back(s.phase + 1);
    return phases;
  };
  World w;
  EXPECT_EQ(approvals(*w.plan("asynchronous")), std::vector<int>{1}) << "the strategy's own";
  w.inv.clusters[0].policy.approval_phases = ApprovalPhases{ApprovalPhases::Mode::kAll, {}};
  EXPECT_EQ(approvals(*w.plan("asynchronous")), (std::vector<int>{1, 2}));
  w.inv.clusters[0].policy.approval_phases = ApprovalPhases{ApprovalPhases::Mode::kNone, {}};
  auto none = w.plan("asynchronous");
  ASSERT_TRUE(none.ok()) << none.message();
  EXPECT_TRUE(approvals(*none).empty());
  for (const auto& s : none->steps)  // the DAG still holds together without the approval
    for (const auto& a : s.after) EXPECT_NE(none->find(a), nullptr) << s.id << " after " << a;
  w.inv.clusters[0].policy.approval_phases = ApprovalPhases{ApprovalPhases::Mode::kList, {2}};
  EXPECT_EQ(approvals(*w.plan("asynchronous")), std::vector<int>{2});
}

TEST(ObservedState, HashIgnoresSessionsButSeesVersionsAndSaysWhatChanged) {
  World w;
  ObservedState later = w.obs;
  later.nodes["a"].lab = LabDiagnostics{0, 0, 42};
  later.nodes["a"].data_checksum = "x";
  EXPECT_EQ(later.hash(), w.obs.hash());
  later.nodes["b"].version = "7.2.0";
  EXPECT_NE(later.hash(), w.obs.hash());
  auto diff = w.obs.differences(later);
  ASSERT_EQ(diff.size(), 1u);
  EXPECT_EQ(diff[0], "b: version \"7.1.0\" -> \"7.2.0\"");
}

// S5 with a DNS or NAT swing: the same order as the shared-IP form, with the traffic mechanism
// checked before anything leaves service and the swing's gap (the TTL) on the switch step.
void make_swung(World& w, const std::string& kind) {
  auto& c = w.inv.clusters[0];
  c.traffic_kind = kind;
  if (kind == "dns") {
    c.service = "app.example.test:4000";
    c.dns = DnsTraffic{"127.0.0.1:53", "example.test", "app.example.test", 30, "/k", 3};
  } else {
    c.service = "198.18.0.2:8080";
    c.nat = NatTraffic{"ns", "t", "svc0", 3};
  }
  for (auto& [name, o] : w.obs.nodes) {
    o.shared_ip.clear();
    o.shared_ip_enabled = false;
  }
}

std::vector<std::string> verbs_of(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& s : p.steps) out.push_back(to_string(s.verb));
  return out;
}

TEST(AsyncPairSwing, DnsSwingIsCheckedFirstAndCarriesTheTtlAsItsGap) {
  World w;
  make_swung(w, "dns");
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  const auto verbs = verbs_of(*p);
  const auto pos = [&](const std::string& v) {
    return std::find(verbs.begin(), verbs.end(), v) - verbs.begin();
  };
  ASSERT_LT(pos("check-traffic"), static_cast<long>(verbs.size()));
  EXPECT_LT(pos("check-traffic"), pos("break-ha"));
  EXPECT_LT(pos("check-traffic"), pos("install"));
  const Step* sw = nullptr;
  for (const auto& s : p->steps)
    if (s.verb == Verb::kSwitchTraffic) sw = &s;
  ASSERT_NE(sw, nullptr);
  EXPECT_EQ(sw->params.at("via"), "dns");
  EXPECT_EQ(sw->params.at("gap_s"), 30.0);
  EXPECT_NE(sw->title.find("app.example.test"), std::string::npos) << sw->title;
  EXPECT_EQ(sw->gate, (std::vector<Condition>{{Cond::kServiceFrom, "b", ""}}));
  // Installs of the backup require the clients to reach the primary, not a shared IP.
  for (const auto& s : p->steps) {
    for (const auto& c : s.preconditions) {
      EXPECT_NE(c.kind, Cond::kOwnsSharedIp) << s.id;
    }
  }
}

TEST(AsyncPairSwing, NatSwingHasNoGap) {
  World w;
  make_swung(w, "nat");
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  for (const auto& s : p->steps) {
    if (s.verb == Verb::kSwitchTraffic) {
      EXPECT_EQ(s.params.at("via"), "nat");
      EXPECT_EQ(s.params.at("gap_s"), 0.0);
    }
    if (s.verb == Verb::kCheckTraffic) {
      EXPECT_EQ(s.params.at("via"), "nat");
    }
  }
}

}  // namespace
}  // namespace hitless::plan
