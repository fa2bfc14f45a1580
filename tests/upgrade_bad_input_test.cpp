// Bad input to plan and apply: one clear error, exit code 2, and nothing changed on any node.
#include <gtest/gtest.h>

#include <fstream>

#include "lab/daemon/lab_dir.hpp"
#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

void expect_untouched(UpgradeLab& lab) {
  EXPECT_EQ(lab.node_field("a", "ha", "role"), "primary");
  EXPECT_EQ(lab.node_field("b", "ha", "role"), "backup");
  EXPECT_EQ(lab.node_field("a", "installs"), "0");
  EXPECT_EQ(lab.node_field("b", "installs"), "0");
  EXPECT_EQ(lab.node_field("a", "owns_shared_ip"), "true");
}

void expect_refused(const CommandResult& r, const std::string& words) {
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(words), std::string::npos) << "want '" << words << "' in: " << r.output;
}

TEST(PlanBadInput, UnknownVersionEqualVersionAndUnknownStrategy) {
  UpgradeLab lab;
  expect_refused(lab.plan("asynchronous", "9.9.9"), "9.9.9 is not in the repository");
  expect_refused(lab.plan("asynchronous", "7.1.0"), "already");
  expect_refused(lab.plan("sideways", "7.2.0"), "no strategy 'sideways'");
  expect_untouched(lab);
}

TEST(PlanBadInput, InventoryThatDoesNotMatchTheCluster) {
  UpgradeLab lab;
  // Roles swapped by hand in the inventory.
  std::string inv = lab::read_file(lab.inventory());
  const auto pa = inv.find("role: primary"), pb = inv.find("role: backup");
  inv.replace(pb, 12, "role: primary");
  inv.replace(pa, 13, "role: backup");
  write_text(lab.dir() + "/swapped.yaml", inv);
  expect_refused(run_hitless("plan -i " + lab.dir() + "/swapped.yaml --to 7.2.0"), "the appliances report");
  // An unknown field is a file error with its line.
  write_text(lab.dir() + "/typo.yaml", lab::read_file(lab.inventory()) + "extra_field: 1\n");
  expect_refused(run_hitless("plan -i " + lab.dir() + "/typo.yaml --to 7.2.0"), "typo.yaml:");
  expect_untouched(lab);
}

TEST(PlanBadInput, UnreachableNodeAndBrokenRelation) {
  {
    UpgradeLab lab;
    ASSERT_TRUE(lab.handle().power("b", false).ok());
    expect_refused(lab.plan("asynchronous"), "node b");
  }
  UpgradeLab lab;
  ASSERT_EQ(lab.api("a", "POST", "/api/v1/failover/break").first, 200);
  expect_refused(lab.plan("asynchronous"), "relation is broken");
}

TEST(ApplyBadInput, PlanEditedByHandOrTruncatedIsRefused) {
  UpgradeLab lab;
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  std::string text = lab::read_file(lab.plan_path());
  std::string edited = text;
  edited.replace(edited.find("product-7.2.0"), 13, "product-7.9.9");
  write_text(lab.plan_path("edited.json"), edited);
  expect_refused(lab.apply("--auto-approve", "edited.json", "e.journal"), "does not match its plan_hash");
  write_text(lab.plan_path("cut.json"), text.substr(0, text.size() / 3));
  expect_refused(lab.apply("--auto-approve", "cut.json", "c.journal"), "truncated");
  expect_untouched(lab);
}

TEST(ApplyBadInput, StalePlanIsRefusedSayingWhatChanged) {
  UpgradeLab lab;
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  // Someone breaks the relation and upgrades Base on b by hand after the plan was made (the lab,
  // like the appliance, refuses an install on a member still in its relation).
  ASSERT_EQ(lab.api("b", "POST", "/api/v1/failover/break").first, 200);
  ASSERT_EQ(lab.stage("b", "base-3.1.0").first, 201);
  ASSERT_EQ(lab.api("b", "POST", "/api/v1/install", {{"package", "base-3.1.0"}}).first, 202);
  ASSERT_TRUE(lab.wait_node("b", [](const nlohmann::json& n) { return n.at("install").at("state") == "done" && n.at("serving") == true; }));
  auto r = lab.apply();
  expect_refused(r, "b: packages");
  EXPECT_NE(r.output.find("nothing was done"), std::string::npos) << r.output;
  EXPECT_EQ(lab.node_field("a", "installs"), "0");
}

TEST(ApplyBadInput, JournalFromAnotherPlanIsRefused) {
  UpgradeLab lab;
  ASSERT_EQ(lab.plan("asynchronous", "7.2.0", "async.json").exit_code, 0);
  ASSERT_EQ(lab.plan("synchronous", "7.2.0", "sync.json").exit_code, 0);
  // A journal of the async plan (paused after nothing: make it with a run that fails at once).
  ASSERT_EQ(lab.run_fault("a", "disk-full"), 0);
  ASSERT_EQ(lab.apply("--auto-approve", "sync.json", "shared.journal").exit_code, 1);
  ASSERT_EQ(lab.run_fault("a", "clear"), 0);
  auto r = lab.apply("--auto-approve", "async.json", "shared.journal");
  expect_refused(r, "belongs to plan");
}

}  // namespace
}  // namespace hitless::testing
