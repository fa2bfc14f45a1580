// Rollback returns each node to its pre-run software where a firmware slot still holds it, and is
// honest where none does. Faults are injected at points chosen from the journal (an install's
// intent recorded), not after wall-clock delays.
#include <gtest/gtest.h>

#include <future>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

// Slower than the default so a fault can be injected while an install is under way.
constexpr double kRollbackTimeScale = 0.005;
// A node that stops answering during its install fails the run only at the install gate's
// deadline, the plan's estimate x 3 + 300 s (model time; executor.hpp), a margin kept for slow
// appliances: 41 min for b's product install, 12 s of wall time at kRollbackTimeScale. At this
// scale it is 5 s, and b's product install (12 model min) still gives the fault 1.4 s to land in.
constexpr double kUnreachableTimeScale = 0.002;

bool started(const std::map<std::string, std::string>& steps, const std::string& id) {
  auto it = steps.find(id);
  return it != steps.end() && it->second != "pending";
}

TEST(Rollback, AFailureInBsSecondInstallBootsItsPreRunSlotAndRestoresThePair) {
  UpgradeLab lab(pair_yaml(), kRollbackTimeScale);
  const std::string sum_a = lab.checksum("a");
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  auto run = std::async(std::launch::async, [&] { return lab.apply("--auto-approve"); });
  // While b installs Base (its first install): from its next install on, b's configuration
  // check fails, so the product install is refused before it writes a slot.
  ASSERT_TRUE(wait_journal(lab.journal_path(), [](const std::string&, const auto& steps) {
    return started(steps, "pair/10-install-b-base-3.1.0");
  }));
  ASSERT_EQ(lab.run_fault("b", "compat-fail"), 0);
  auto r = run.get();
  ASSERT_EQ(r.exit_code, 1) << r.output;
  ASSERT_NE(r.output.find("pair/11-install-b-product-7.2.0"), std::string::npos) << r.output;
  ASSERT_EQ(lab.node("b").at("packages").value("base", ""), "3.1.0") << "b runs its first hop";

  auto rb = run_hitless("rollback --journal " + lab.journal_path());
  ASSERT_EQ(rb.exit_code, 0) << rb.output;
  EXPECT_NE(rb.output.find("run rolled-back"), std::string::npos) << rb.output;
  for (const char* n : {"a", "b"}) {
    EXPECT_EQ(lab.node_field(n, "version"), "7.1.0") << n;
    EXPECT_EQ(lab.node(n).at("packages").value("base", ""), "3.0")
        << n << " runs its pre-run Base again";
  }
  EXPECT_EQ(lab.node_field("a", "ha", "role"), "primary");
  EXPECT_EQ(lab.node_field("b", "ha", "role"), "backup");
  EXPECT_EQ(lab.checksum("a"), sum_a);
}

TEST(Rollback, BUnreachableDuringItsProductInstallIsNamedAndThePairIsNotReestablished) {
  UpgradeLab lab(pair_yaml(), kUnreachableTimeScale);
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  auto run =
      std::async(std::launch::async, [&] { return lab.apply("--auto-approve --api-timeout 0.5"); });
  ASSERT_TRUE(wait_journal(lab.journal_path(), [](const std::string&, const auto& steps) {
    return started(steps, "pair/11-install-b-product-7.2.0");
  }));
  ASSERT_EQ(lab.run_fault("b", "unreachable"), 0);
  auto r = run.get();
  ASSERT_EQ(r.exit_code, 1) << r.output;
  ASSERT_EQ(lab.run_fault("b", "clear"), 0);
  ASSERT_TRUE(lab.wait_node(
      "b", [](const nlohmann::json& n) { return n.at("phase") == "running"; }, 60));

  auto rb = run_hitless("rollback --journal " + lab.journal_path());
  EXPECT_EQ(rb.exit_code, 1) << rb.output;
  EXPECT_NE(rb.output.find("run rollback-incomplete"), std::string::npos) << rb.output;
  EXPECT_NE(rb.output.find("b runs base 3.1.0, product 7.2.0; no firmware slot still holds its "
                           "software from before the run "
                           "(base 3.0, product 7.1.0)"),
            std::string::npos)
      << rb.output;
  EXPECT_NE(rb.output.find("not establishing the relation: a runs base 3.0, product 7.1.0 but b "
                           "runs base 3.1.0, product 7.2.0"),
            std::string::npos)
      << rb.output;
  EXPECT_EQ(lab.node_field("a", "ha", "role"), "none");
  EXPECT_EQ(lab.node_field("b", "ha", "role"), "none");
  std::string who;
  EXPECT_TRUE(lab.service_answers(&who));
  EXPECT_EQ(who, "a");
}

}  // namespace
}  // namespace hitless::testing
