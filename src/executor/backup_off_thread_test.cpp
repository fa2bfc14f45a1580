// Backups kept off the executor's thread (ExecutorOptions::backup_worker): while one backup is
// being sealed, other steps start and finish; the backup's step waits for its keeper's answer,
// and a keeper that does not finish in time fails the step. The worker is a hand-written fake
// that holds the work until the test releases it; fake appliances on the virtual clock.
#include <gtest/gtest.h>

#include "executor/backup_keeper_fake.hpp"
#include "executor/executor.hpp"
#include "executor/fake_appliances.hpp"
#include "journal/memory_journal.hpp"

namespace hitless::exec {
namespace {

using journal::StepState;
using plan::Verb;

// Holds each piece of work until release(): what a slow seal on a worker thread looks like to
// the executor.
struct HeldWorker {
  struct Held {
    std::function<void()> work;
    std::function<void(bool)> done;
  };
  std::vector<Held> held;
  ExecutorOptions::OffThread fn() {
    return [this](std::function<void()> work, std::function<void(bool)> done) {
      held.push_back({std::move(work), std::move(done)});
    };
  }
  void release(bool returned = true) {
    auto all = std::move(held);
    held.clear();
    for (auto& h : all) {
      if (returned) h.work();
      h.done(returned);
    }
  }
};

plan::Step worker_step(const std::string& id, Verb v, const std::string& node) {
  plan::Step s;
  s.id = id;
  s.verb = v;
  s.cluster = "c";
  s.targets = {node};
  s.estimate_s = 10;
  return s;
}

struct WorkerRig {
  VirtualScheduler clock;
  testing::FakeAppliances fake{clock};
  journal::MemoryJournal journal{"h"};
  plan::Plan plan;
  ExecutorOptions options;
  HeldWorker worker;
  testing::BackupKeeper keeper;  // records the nodes whose backups it was given
  RunOutcome outcome{"none", ""};
  std::unique_ptr<Executor> ex;

  WorkerRig() {
    fake.add("a");
    fake.add("b");
    plan.phases = {{0, "one"}};
    plan.steps = {worker_step("backup-a", Verb::kBackup, "a"),
                  worker_step("check-b", Verb::kCheck, "b")};
    plan.observed.nodes["a"] = fake.node("a");
    plan.observed.nodes["b"] = fake.node("b");
    options.poll_interval_s = 1;
    options.timeout_slack_s = 10;
    options.keep_backup = keeper.fn();
    options.backup_worker = worker.fn();
  }
  void start() {
    ex = std::make_unique<Executor>(plan, nullptr, clock, drivers::Drivers{&fake, &fake, &fake},
                                    journal, options);
    ex->start([this](const RunOutcome& o) { outcome = o; });
  }
};

TEST(ExecutorBackupWorker, ABackupBeingSealedDoesNotHoldUpAnotherStep) {
  WorkerRig r;
  r.start();
  r.clock.run_all(1e6);  // everything that can happen without the worker
  ASSERT_EQ(r.worker.held.size(), 1u) << "the backup's keeping was handed to the worker";
  EXPECT_TRUE(r.keeper.kept.empty()) << "nothing sealed on the executor's thread";
  auto steps = r.journal.steps();
  EXPECT_EQ(steps.at("check-b").state, StepState::kSucceeded);
  EXPECT_EQ(steps.at("backup-a").state, StepState::kRunning) << "waits for its keeper";
  EXPECT_EQ(r.outcome.state, "none");

  r.worker.release();
  r.clock.run_all(1e6);
  EXPECT_EQ(r.outcome.state, "completed") << r.outcome.message;
  EXPECT_EQ(r.keeper.kept, std::vector<std::string>{"a"});
  steps = r.journal.steps();
  const auto detail = nlohmann::json::parse(steps.at("backup-a").detail_json);
  EXPECT_TRUE(detail.at("@backup").at("proven").get<bool>());
}

TEST(ExecutorBackupWorker, AKeeperThatDoesNotFinishInTimeFailsItsStep) {
  WorkerRig r;
  r.start();
  r.clock.run_all(1e6);
  r.worker.release(false);
  r.clock.run_all(1e6);
  EXPECT_EQ(r.outcome.state, "failed");
  EXPECT_NE(r.outcome.message.find("did not finish in time"), std::string::npos)
      << r.outcome.message;
  EXPECT_EQ(r.journal.steps().at("backup-a").state, StepState::kFailed);
}

}  // namespace
}  // namespace hitless::exec
