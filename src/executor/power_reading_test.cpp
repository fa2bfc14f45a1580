// "Powered off" for nodes with out-of-band power is what their BMC says: a node whose management
// API is wedged is silent yet on. Fake drivers on the virtual clock; the BMC is read only for
// looks that judge a powered-off condition.
#include <gtest/gtest.h>

#include "executor/executor.hpp"
#include "executor/fake_appliances.hpp"
#include "journal/memory_journal.hpp"

namespace hitless::exec {
namespace {

using plan::Cond;
using plan::Step;
using plan::Verb;
using testing::FakeAppliances;

struct PowerRig {
  VirtualScheduler clock;
  FakeAppliances fake{clock};
  journal::MemoryJournal journal{"h"};
  plan::Plan plan;
  ExecutorOptions options;
  RunOutcome outcome{"none", ""};

  PowerRig() {
    plan.phases = {{0, "one"}};
    options.auto_approve = true;
    options.poll_interval_s = 1;
    options.timeout_slack_s = 10;
    fake.add("a");
    fake.add("b");
  }
  RunOutcome run() {
    for (const char* n : {"a", "b"}) plan.observed.nodes[n] = fake.node(n);
    Executor ex(plan, nullptr, clock, drivers::Drivers{&fake, &fake, &fake}, journal, options);
    ex.start([this](const RunOutcome& o) { outcome = o; });
    clock.run_all(1e6);
    return outcome;
  }
  std::string message_of(const std::string& step) { return journal.steps()[step].message; }
};

// A check on `a` that requires `b` powered off first (as seed 003 reboots the primary only once
// the secondary is off).
Step check_with_b_off() {
  Step s;
  s.id = "check-a";
  s.verb = Verb::kCheck;
  s.cluster = "c";
  s.targets = {"a"};
  s.estimate_s = 10;
  s.preconditions = {{Cond::kPoweredOff, "b", ""}};
  return s;
}

Step power_off_b() {
  Step s;
  s.id = "power-off-b";
  s.verb = Verb::kPowerOff;
  s.cluster = "c";
  s.targets = {"b"};
  s.params = {{"via", "oob"}};
  s.estimate_s = 10;
  s.gate = {{Cond::kPoweredOff, "b", ""}};
  return s;
}

TEST(PoweredOffCondition, AWedgedNodeWhoseBmcSaysOnIsNotPoweredOff) {
  PowerRig r;
  r.fake.bmc = {"b"};
  r.fake.wedged = {"b"};  // silent management API, power still on
  r.plan.steps = {check_with_b_off()};
  EXPECT_EQ(r.run().state, "failed") << r.outcome.message;
  const std::string why = r.message_of("check-a");
  EXPECT_NE(why.find("the BMC of b reports power on"), std::string::npos) << why;
  EXPECT_NE(why.find("does not answer"), std::string::npos) << why;
  EXPECT_EQ(r.fake.power_reads, 1);
}

TEST(PoweredOffCondition, ANodeWhoseBmcSaysOffIsPoweredOff) {
  PowerRig r;
  r.fake.bmc = {"b"};
  r.fake.node("b").powered = false;
  r.plan.steps = {check_with_b_off()};
  EXPECT_EQ(r.run().state, "completed") << r.outcome.message;
  EXPECT_EQ(r.fake.power_reads, 1);
}

TEST(PoweredOffCondition, AnUnreadableBmcLeavesTheNodeNotPoweredOffNamingTheError) {
  PowerRig r;
  r.fake.bmc = {"b"};
  r.fake.node("b").powered = false;
  r.fake.bmc_fails["b"] = "BMC of b: ipmitool: Unable to establish IPMI v2 / RMCP+ session";
  r.plan.steps = {check_with_b_off()};
  EXPECT_EQ(r.run().state, "failed") << r.outcome.message;
  const std::string why = r.message_of("check-a");
  EXPECT_NE(why.find("the BMC of b could not be read"), std::string::npos) << why;
  EXPECT_NE(why.find("Unable to establish"), std::string::npos) << why;
}

// Without out-of-band power there is nothing to ask: silence is "off", as before.
TEST(PoweredOffCondition, WithoutPowerAccessASilentNodeIsPoweredOff) {
  PowerRig r;
  r.fake.wedged = {"b"};
  r.plan.steps = {check_with_b_off()};
  EXPECT_EQ(r.run().state, "completed") << r.outcome.message;
  EXPECT_EQ(r.fake.power_reads, 1) << "asked once, answered: no reading";
}

// The out-of-band power-off of a wedged node passes its gate once the BMC reports it off.
TEST(PoweredOffCondition, PowerOffOfAWedgedNodePassesItsGateOnTheBmcsOff) {
  PowerRig r;
  r.fake.bmc = {"b"};
  r.fake.wedged = {"b"};
  r.plan.steps = {power_off_b()};
  EXPECT_EQ(r.run().state, "completed") << r.outcome.message;
  EXPECT_EQ(r.fake.count("power-off"), 1);
  EXPECT_FALSE(r.fake.node("b").powered);
}

TEST(PoweredOffCondition, LooksThatJudgeNoPoweredOffNeverAskTheBmc) {
  PowerRig r;
  r.fake.bmc = {"a", "b"};
  Step s = check_with_b_off();
  s.preconditions = {{Cond::kReachable, "b", ""}};
  s.gate = {{Cond::kServing, "a", ""}};
  r.plan.steps = {s};
  EXPECT_EQ(r.run().state, "completed") << r.outcome.message;
  EXPECT_EQ(r.fake.power_reads, 0);
}

}  // namespace
}  // namespace hitless::exec
