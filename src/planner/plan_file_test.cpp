// Plan files: round trip, canonical text, and refusals of edited or malformed plans naming the
// step.
#include <gtest/gtest.h>

#include "planner/pair_world_fixture.hpp"

namespace hitless::plan {
namespace {

using fixture::shape;
using fixture::World;

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

}  // namespace
}  // namespace hitless::plan
