// Shared observations (CONVENTIONS.md: "shared observations, not polling per step"): steps
// waiting on one node share its looks through the executor's node watcher, so the node is asked
// about at a rate set per node, not per waiting step, and a change is seen by every waiter within
// one look. Hand-written fake appliances on the virtual clock.
#include <gtest/gtest.h>

#include <map>

#include "executor/executor.hpp"
#include "executor/fake_appliances.hpp"
#include "journal/memory_journal.hpp"

namespace hitless::exec {
namespace {

using plan::Cond;
using plan::Verb;

constexpr double kChangeAt = 200;  // model time node a reaches version 2.0
constexpr double kReactionS = 5;   // the reaction bound the run keeps

struct Waited {
  int looks_before_change = 0;  // observations of a from the first look to the change
  double first_look = -1;
  double last_done = 0;  // model time the last waiter's outcome was recorded
  std::string outcome;
};

// `waiters` verify steps, all waiting for node a to run 2.0, which it does at kChangeAt.
Waited wait_on_one_node(int waiters) {
  VirtualScheduler clock;
  testing::FakeAppliances fake(clock);
  fake.add("a");
  journal::MemoryJournal journal("h");
  plan::Plan plan;
  plan.phases = {{0, "one"}};
  plan.observed.nodes["a"] = fake.node("a");
  for (int i = 0; i < waiters; ++i) {
    plan::Step s;
    s.id = "verify-" + std::to_string(i);
    s.verb = Verb::kVerify;
    s.cluster = "c";
    s.targets = {"a"};
    s.estimate_s = 100;
    s.gate = {{Cond::kVersion, "a", "2.0"}};
    plan.steps.push_back(s);
  }
  ExecutorOptions options;
  options.poll_interval_s = 1;
  options.reaction_s = kReactionS;  // looks aimed at the estimate, jittered per step
  options.timeout_slack_s = 1000;
  clock.call_after(kChangeAt, [&fake] { fake.node("a").version = "2.0"; });
  Executor ex(plan, nullptr, clock, drivers::Drivers{&fake, &fake, &fake}, journal, options);
  Waited w;
  ex.start([&w](const RunOutcome& o) { w.outcome = o.state; });
  clock.run_all(1e6);
  for (const auto& look : fake.looks) {
    if (look.node != "a") continue;
    if (w.first_look < 0) w.first_look = look.at;
    if (look.at < kChangeAt) ++w.looks_before_change;
  }
  for (const auto& [id, rec] : journal.steps())
    w.last_done = std::max(w.last_done, rec.outcome_model);
  return w;
}

TEST(ExecutorObservation, ManyStepsWaitingOnOneNodeAskItNoMoreOftenThanOne) {
  const Waited one = wait_on_one_node(1);
  const Waited many = wait_on_one_node(40);
  ASSERT_EQ(one.outcome, "completed");
  ASSERT_EQ(many.outcome, "completed");
  // One waiter looks about every reaction bound (jitter makes it up to a fifth sooner).
  const double span = kChangeAt - one.first_look;
  EXPECT_LE(one.looks_before_change, static_cast<int>(span / (0.8 * kReactionS)) + 2);
  // Forty waiters, each on its own jittered schedule, still cause at most one observation of the
  // node per poll interval and no more than a single waiter does (give or take the first look's
  // phase): polling per step would be about forty times as many.
  EXPECT_LE(many.looks_before_change, static_cast<int>(span / 1.0) + 1);
  EXPECT_LE(many.looks_before_change, one.looks_before_change * 2 + 2)
      << "one waiter: " << one.looks_before_change;
}

TEST(ExecutorObservation, EveryWaiterSeesTheChangeWithinOneLook) {
  const Waited many = wait_on_one_node(40);
  ASSERT_EQ(many.outcome, "completed");
  // A look is at most one reaction bound away, plus the answer's and the journal's turns.
  EXPECT_GE(many.last_done, kChangeAt);
  EXPECT_LE(many.last_done, kChangeAt + kReactionS + 1);
}

// Installs one after the other on i0..i4, each guarded by "at least one of g0..g9 serving": an
// install's action does not address the guard's nodes, so what was seen of them stays good for
// the next install's guard (within the reaction bound); the region is not asked again per step.
TEST(ExecutorObservation, AnActionLeavesWhatItsGuardsSawCurrent) {
  VirtualScheduler clock;
  testing::FakeAppliances fake(clock);
  fake.install_s = 10;
  journal::MemoryJournal journal("h");
  plan::Plan plan;
  plan.phases = {{0, "one"}};
  std::vector<std::string> guarded;
  for (int g = 0; g < 10; ++g) guarded.push_back("g" + std::to_string(g));
  for (const auto& g : guarded) plan.observed.nodes[g] = fake.add(g);
  for (int i = 0; i < 5; ++i) {
    const std::string node = "i" + std::to_string(i);
    plan.observed.nodes[node] = fake.add(node);
    plan::Step s;
    s.id = "install-" + node;
    s.verb = Verb::kInstall;
    s.cluster = "c";
    s.targets = {node};
    if (i > 0) s.after = {"install-i" + std::to_string(i - 1)};
    s.estimate_s = 10;
    s.params = {{"package", "product-2.0"}, {"activate", "now"}};
    s.gate = {{Cond::kVersion, node, "2.0"}};
    s.guards = {{Cond::kMinServing, "", "1", guarded}};
    plan.steps.push_back(s);
  }
  ExecutorOptions options;
  options.poll_interval_s = 1;
  options.reaction_s = 1000;  // a look stays good for a first look this long
  options.timeout_slack_s = 100;
  Executor ex(plan, nullptr, clock, drivers::Drivers{&fake, &fake, &fake}, journal, options);
  std::string outcome;
  ex.start([&outcome](const RunOutcome& o) { outcome = o.state; });
  clock.run_all(1e6);
  ASSERT_EQ(outcome, "completed");
  std::map<std::string, int> looks;
  for (const auto& look : fake.looks) ++looks[look.node];
  for (const auto& g : guarded) EXPECT_EQ(looks[g], 1) << g << " was asked again after an install";
  EXPECT_GE(looks["i4"], 2) << "an install's own node is looked at again after it acted";
}

}  // namespace
}  // namespace hitless::exec
