// Every lab fault during an upgrade: the run stops, says what failed, and the cluster serves.
#include <gtest/gtest.h>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

struct FaultCase {
  const char* name;
  const char* node;
  const char* fault;
  const char* strategy;
  const char* expect;  // in the run's output
};

class UpgradeFaults : public ::testing::TestWithParam<FaultCase> {};

TEST_P(UpgradeFaults, RunStopsSafelyAndTheClusterServes) {
  const auto& c = GetParam();
  UpgradeLab lab;
  ASSERT_EQ(lab.plan(c.strategy).exit_code, 0);
  ASSERT_EQ(lab.run_fault(c.node, c.fault), 0);
  auto r = lab.apply();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(c.expect), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("nodes now:"), std::string::npos)
      << r.output;  // says what state each node is in
  std::string who;
  EXPECT_TRUE(lab.service_answers(&who)) << "clients are not served after the failure:\n"
                                         << r.output;
  // Never both members of the pair down.
  EXPECT_TRUE(lab.node("a").at("serving") == true || lab.node("b").at("serving") == true);
  auto status = run_hitless("status --journal " + lab.journal_path() + " --format json");
  EXPECT_EQ(nlohmann::json::parse(status.output).at("state"), "failed");
}

INSTANTIATE_TEST_SUITE_P(
    Lab, UpgradeFaults,
    ::testing::Values(FaultCase{"install_fail", "b", "install-fail", "asynchronous",
                                "install of base-3.1.0 on b failed"},
                      FaultCase{"boot_fail", "b", "boot-fail", "asynchronous", "did not boot"},
                      FaultCase{"hang", "b", "hang", "asynchronous", "timed out"},
                      FaultCase{"slow_sync", "b", "slow-sync", "asynchronous", "timed out"},
                      FaultCase{"disk_full", "b", "disk-full", "asynchronous", "no space left"},
                      FaultCase{"corrupt_stage", "b", "corrupt-stage", "asynchronous", "signature"},
                      // The primary hangs while it holds the shared IP: the run moves clients to b.
                      FaultCase{"hang_on_primary_sync", "a", "hang", "synchronous",
                                "moved the shared IP to b"}),
    [](const ::testing::TestParamInfo<FaultCase>& p) { return std::string(p.param.name); });

TEST(UpgradeFaults, UnreachableNodeMakesThePlanStaleAndNothingHappens) {
  UpgradeLab lab;
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  ASSERT_EQ(lab.run_fault("b", "unreachable"), 0);
  auto r = lab.apply("--auto-approve --api-timeout 0.5");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("b: reachable"), std::string::npos) << r.output;
  ASSERT_EQ(lab.run_fault("b", "clear"), 0);
  EXPECT_EQ(lab.node_field("a", "ha", "role"), "primary");  // nothing was done
  EXPECT_EQ(lab.node_field("b", "installs"), "0");
}

TEST(UpgradeFaults, AfterAFailureResumeFinishesOnceTheFaultIsCleared) {
  UpgradeLab lab;
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  ASSERT_EQ(lab.run_fault("b", "disk-full"), 0);
  ASSERT_EQ(lab.apply().exit_code, 1);
  ASSERT_EQ(lab.run_fault("b", "clear"), 0);
  auto r = run_hitless("resume --journal " + lab.journal_path() + " --auto-approve");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(lab.node_field("a", "version"), "7.2.0");
  EXPECT_EQ(lab.node_field("b", "version"), "7.2.0");
}

}  // namespace
}  // namespace hitless::testing
