// Executor unit tests: hand-written fake appliances on the virtual clock, a memory journal that
// can fail on demand. DAG order and parallelism, guards, deadlines, journal failures, the
// nothing-lost configuration check, rollback to the pre-run slot, and every registered verb.
#include "executor/executor.hpp"

#include <gtest/gtest.h>

#include "executor/backup_keeper_fake.hpp"
#include "executor/fake_appliances.hpp"
#include "executor/verbs/verb_registry.hpp"
#include "journal/memory_journal.hpp"

namespace hitless::exec {
namespace {

using plan::Cond;
using plan::Step;
using plan::Verb;
using testing::BackupKeeper;
using testing::FakeAppliances;

// Fails every write after `ok_writes` successful ones.
class FailingJournal final : public journal::MemoryJournal {
 public:
  explicit FailingJournal(int ok_writes) : MemoryJournal("h"), left_(ok_writes) {}
  Status<journal::JournalErrc> set_run_state(const std::string& s, const std::string& m) override {
    if (!spend()) return make_error(journal::JournalErrc::kIo, "disk full");
    return MemoryJournal::set_run_state(s, m);
  }
  Status<journal::JournalErrc> record_intent(const std::string& id, double t,
                                             const std::string& d) override {
    if (!spend()) return make_error(journal::JournalErrc::kIo, "disk full");
    return MemoryJournal::record_intent(id, t, d);
  }
  Status<journal::JournalErrc> record_outcome(const std::string& id, journal::StepState st,
                                              double t, const std::string& m,
                                              const std::string& d) override {
    if (!spend()) return make_error(journal::JournalErrc::kIo, "disk full");
    return MemoryJournal::record_outcome(id, st, t, m, d);
  }

 private:
  bool spend() { return left_-- > 0; }
  int left_;
};

Step step(const std::string& id, Verb v, std::vector<std::string> targets,
          std::vector<std::string> after = {}) {
  Step s;
  s.id = id;
  s.verb = v;
  s.cluster = "c";
  s.targets = std::move(targets);
  s.after = std::move(after);
  s.estimate_s = 100;
  return s;
}

Step install(const std::string& id, const std::string& node, std::vector<std::string> after = {}) {
  Step s = step(id, Verb::kInstall, {node}, std::move(after));
  s.params = {{"package", "product-2.0"}, {"activate", "now"}};
  s.gate = {{Cond::kVersion, node, "2.0"}, {Cond::kServing, node, ""}};
  s.repeat_safe = false;
  return s;
}

Step sync(const std::string& id, const std::string& primary, const std::string& backup,
          std::vector<std::string> after = {}) {
  Step s = step(id, Verb::kSync, {primary, backup}, std::move(after));
  s.params = {{"backup", backup}};
  s.gate = {{Cond::kSynced, backup, ""}};
  return s;
}

// Breaks the a/b relation; undone by re-establishing it with a primary.
Step break_pair() {
  Step s = step("break", Verb::kBreakHa, {"a", "b"});
  s.gate = {{Cond::kHaNone, "a", ""}, {Cond::kHaNone, "b", ""}};
  s.undo = plan::Undo{
      Verb::kEstablishHa, {"a", "b"}, {{"primary", "a"}, {"backup", "b"}}, "re-establish"};
  return s;
}

struct Rig {
  VirtualScheduler clock;
  FakeAppliances fake{clock};
  std::unique_ptr<journal::MemoryJournal> journal = std::make_unique<journal::MemoryJournal>("h");
  plan::Plan plan;
  ExecutorOptions options;
  RunOutcome outcome{"none", ""};

  Rig() {
    plan.phases = {{0, "one"}};
    options.auto_approve = true;
    options.poll_interval_s = 1;
    options.timeout_slack_s = 10;
  }
  void pair(const std::string& a, const std::string& b) {
    fake.add(a).ha_role = "primary";
    fake.node(a).ha_peer = b;
    fake.add(b).ha_role = "backup";
    fake.node(b).ha_peer = a;
  }
  RunOutcome run(bool rollback = false) {
    for (const auto& [name, n] : observed_now()) plan.observed.nodes[name] = n;
    Executor ex(plan, nullptr, clock, drivers::Drivers{&fake, &fake, &fake}, *journal, options);
    rollback ? ex.start_rollback([this](const RunOutcome& o) { outcome = o; })
             : ex.start([this](const RunOutcome& o) { outcome = o; });
    clock.run_all(1e6);
    return outcome;
  }
  std::map<std::string, ObservedNode> observed_now() {
    std::map<std::string, ObservedNode> out;
    for (const auto& name : names)
      if (!plan.observed.find(name)) out[name] = fake.node(name);
    return out;
  }
  std::vector<std::string> names;
};

TEST(ExecutorDag, BranchesRunInParallelAndTheJoinWaitsForBoth) {
  Rig r;
  r.pair("a", "b");
  r.pair("c", "d");
  r.names = {"a", "b", "c", "d"};
  r.plan.steps = {step("start", Verb::kCheck, {"a"}), sync("s1", "a", "b", {"start"}),
                  sync("s2", "c", "d", {"start"}), step("join", Verb::kCheck, {"a"}, {"s1", "s2"})};
  EXPECT_EQ(r.run().state, "completed") << r.outcome.message;
  const double s1 = r.fake.first("ha-sync", "a"), s2 = r.fake.first("ha-sync", "c");
  ASSERT_GE(s1, 0);
  ASSERT_GE(s2, 0);
  EXPECT_LT(std::abs(s1 - s2), 1.0) << "both branches start together";
  EXPECT_LT(r.clock.now(), 2 * r.fake.sync_s)
      << "the branches overlapped: makespan below two syncs";
  EXPECT_GE(r.journal->steps().at("join").intent_model, s1 + r.fake.sync_s)
      << "the join waited for the syncs";
}

TEST(ExecutorGuards, AStepThatWouldTakeBothMembersDownDoesNotStartAndTheRunPauses) {
  Rig r;
  r.pair("a", "b");
  r.names = {"a", "b"};
  r.fake.node("a").serving = false;  // a is down already (someone else's maintenance)
  Step s = install("install-b", "b");
  s.guards = {{Cond::kPairUp, "", "", {"a", "b"}}};
  r.plan.steps = {s};
  EXPECT_EQ(r.run().state, "paused");
  EXPECT_NE(r.outcome.message.find("both members of the pair would be down"), std::string::npos)
      << r.outcome.message;
  EXPECT_EQ(r.fake.count("install"), 0);
  EXPECT_EQ(r.journal->steps().count("install-b"), 0u)
      << "nothing journaled: the step never started";
  EXPECT_EQ(r.journal->run().state, "paused");
}

TEST(ExecutorGuards, StepsInFlightCountAsDownSoParallelInstallsCannotEmptyAPair) {
  Rig r;
  r.pair("a", "b");
  r.names = {"a", "b"};
  Step ia = install("install-a", "a"), ib = install("install-b", "b");
  ia.guards = ib.guards = {{Cond::kPairUp, "", "", {"a", "b"}}};
  r.plan.steps = {ia, ib};  // no dependency between them: the executor would start both at once
  EXPECT_EQ(r.run().state, "paused") << r.outcome.message;
  EXPECT_EQ(r.fake.count("install"), 1) << "only one member went down";
  // Resume after the first finished: the second now passes its guard.
  auto second = r.run();
  EXPECT_EQ(second.state, "completed") << second.message;
  EXPECT_EQ(r.fake.count("install"), 2);
}

TEST(ExecutorGuards, CapacityFloorCountsMembersServing) {
  Rig r;
  for (const char* n : {"n1", "n2", "n3", "n4"}) r.fake.add(n);
  r.names = {"n1", "n2", "n3", "n4"};
  r.fake.node("n2").serving = false;
  Step s = install("install-n1", "n1");
  s.guards = {{Cond::kMinServing, "", "75%", {"n1", "n2", "n3", "n4"}}};
  r.plan.steps = {s};
  EXPECT_EQ(r.run().state, "paused");
  EXPECT_NE(r.outcome.message.find("2 of 4 would be serving, below the floor of 75%"),
            std::string::npos)
      << r.outcome.message;
}

TEST(ExecutorDeadlines, AGateThatNeverHoldsFailsAtItsDeadlineAndNothingIsLeftScheduled) {
  Rig r;
  r.fake.add("a");
  r.names = {"a"};
  r.fake.hang_installs = true;
  r.plan.steps = {install("install-a", "a")};
  EXPECT_EQ(r.run().state, "failed");
  EXPECT_NE(r.outcome.message.find("timed out"), std::string::npos) << r.outcome.message;
  // estimate 100 s x factor 3 + slack 10 s, polled every second.
  EXPECT_GE(r.clock.now(), 310);
  EXPECT_LT(r.clock.now(), 330);
}

TEST(ExecutorJournal, AFailedJournalWriteStopsTheRunAndNothingFurtherStarts) {
  Rig r;
  r.pair("a", "b");
  r.names = {"a", "b"};
  r.journal =
      std::make_unique<FailingJournal>(3);  // run state, intent + outcome of s1; then nothing
  r.plan.steps = {sync("s1", "a", "b"), install("install-b", "b", {"s1"})};
  EXPECT_EQ(r.run().state, "failed");
  EXPECT_NE(r.outcome.message.find("the journal cannot be written"), std::string::npos)
      << r.outcome.message;
  EXPECT_EQ(r.fake.count("install"), 0) << "a step whose intent could not be written must not act";
}

TEST(ExecutorConfiguration, AChangeMadeDuringTheRunPausesTheSyncThatWouldOverwriteIt) {
  Rig r;
  r.pair("b", "a");  // b primary now (after the traffic moved), a backup
  r.names = {"a", "b"};
  r.plan.steps = {step("backup-a", Verb::kBackup, {"a"}), sync("sync", "b", "a", {"backup-a"})};
  // The admin changes a setting on a once its configuration is on record, before the sync.
  r.fake.on_call = [&](const testing::FakeCall& c) {
    if (c.kind == "config-read" && c.node == "a" && r.fake.count("config-read") == 1)
      r.fake.config("a")["settings/banner"] = "maintenance tonight";
  };
  EXPECT_EQ(r.run().state, "paused");
  EXPECT_NE(r.outcome.message.find("settings/banner changed on a"), std::string::npos)
      << r.outcome.message;
  EXPECT_EQ(r.fake.count("ha-sync"), 0);
  EXPECT_EQ(r.fake.config("a")["settings/banner"], "maintenance tonight");

  // carry-over: re-applied on b first, then the sync; the change survives on both.
  r.options.config_changes = ConfigChangePolicy::kCarryOver;
  EXPECT_EQ(r.run().state, "completed") << r.outcome.message;
  EXPECT_LT(r.fake.first("config-set", "b"), r.fake.first("ha-sync", "b"));
  EXPECT_EQ(r.fake.config("b")["settings/banner"], "maintenance tonight");
  EXPECT_EQ(r.fake.config("a")["settings/banner"], "maintenance tonight");
}

TEST(ExecutorConfiguration, DiscardIsExplicitAndJournaled) {
  Rig r;
  r.pair("b", "a");
  r.names = {"a", "b"};
  r.plan.steps = {step("backup-a", Verb::kBackup, {"a"}), sync("sync", "b", "a", {"backup-a"})};
  r.fake.on_call = [&](const testing::FakeCall& c) {
    if (c.kind == "config-read" && c.node == "a" && r.fake.count("config-read") == 1)
      r.fake.config("a")["settings/banner"] = "lost";
  };
  r.options.config_changes = ConfigChangePolicy::kDiscard;
  EXPECT_EQ(r.run().state, "completed") << r.outcome.message;
  EXPECT_EQ(r.fake.config("a")["settings/banner"], "hello");
  bool journaled = false;
  for (const auto& e : r.journal->events())
    journaled |=
        e.kind == "config-discarded" && e.message.find("settings/banner") != std::string::npos;
  EXPECT_TRUE(journaled);
}

TEST(ExecutorRollback,
     ANodeIsReturnedToThePreRunSlotAndARelationBetweenDifferentVersionsIsNeverMade) {
  Rig r;
  r.pair("a", "b");
  r.names = {"a", "b"};
  const Step brk = break_pair();
  r.plan.steps = {brk, install("install-b", "b", {"break"})};
  ASSERT_EQ(r.run().state, "completed") << r.outcome.message;
  ASSERT_EQ(r.fake.node("b").version, "2.0");
  EXPECT_EQ(r.run(true).state, "rolled-back") << r.outcome.message;
  EXPECT_EQ(r.fake.node("b").version, "1.0") << "b boots the slot holding its pre-run software";
  EXPECT_EQ(r.fake.node("a").ha_role, "primary");
  EXPECT_EQ(r.fake.node("b").ha_role, "backup");
}

TEST(ExecutorRollback, WhenNoSlotHoldsThePreRunSoftwareRollbackNamesTheNodeAndDoesNotPairIt) {
  Rig r;
  r.pair("a", "b");
  r.names = {"a", "b"};
  const Step brk = break_pair();
  Step i1 = install("install-b-1", "b", {"break"});
  Step i2 = install("install-b-2", "b", {"install-b-1"});
  i2.params["package"] = "product-3.0";
  i2.gate = {{Cond::kVersion, "b", "3.0"}};
  r.plan.steps = {brk, i1, i2};
  ASSERT_EQ(r.run().state, "completed")
      << r.outcome.message;  // b: slot 0 = 2.0, slot 1 = 3.0; 1.0 is gone
  EXPECT_EQ(r.run(true).state, "rollback-incomplete");
  EXPECT_NE(r.outcome.message.find("b runs product 3.0; no firmware slot still holds its software "
                                   "from before the run (product 1.0)"),
            std::string::npos)
      << r.outcome.message;
  EXPECT_NE(r.outcome.message.find("not establishing the relation"), std::string::npos)
      << r.outcome.message;
  EXPECT_EQ(r.fake.node("a").ha_role, "none");
  EXPECT_EQ(r.fake.count("ha-establish"), 0);
}

TEST(ExecutorWindows, AStepThatDoesNotFitInTheWindowLeftWaitsForTheNextWindow) {
  Rig r;
  r.pair("a", "b");
  r.names = {"a", "b"};
  r.plan.time_scale = 1;
  Policy policy;
  policy.windows = {{1000, 1150}, {2000, 2500}};
  r.plan.policy = {{"c", to_json(policy)}};
  double wall_offset = 1000;  // the run starts as the first window opens
  r.options.wall_now = [&] { return wall_offset + r.clock.now(); };
  r.plan.steps = {sync("s1", "a", "b"), sync("s2", "a", "b", {"s1"})};
  EXPECT_EQ(r.run().state, "paused");
  EXPECT_NE(r.outcome.message.find("s2 needs 1m 40s but the window"), std::string::npos)
      << r.outcome.message;
  EXPECT_EQ(r.fake.count("ha-sync"), 1);
  EXPECT_EQ(r.journal->steps().count("s2"), 0u);

  wall_offset = 1500 - r.clock.now();  // between the windows: resume waits
  EXPECT_EQ(r.run().state, "paused");
  EXPECT_NE(r.outcome.message.find("outside the maintenance windows"), std::string::npos)
      << r.outcome.message;

  wall_offset = 2000 - r.clock.now();  // the next window: the run goes on
  EXPECT_EQ(r.run().state, "completed") << r.outcome.message;
  EXPECT_EQ(r.fake.count("ha-sync"), 2);
}

TEST(ExecutorReconcile, AnInstallInterruptedByACrashIsWaitedForNotSentAgainWithoutLabCounters) {
  Rig r;
  r.fake.add("a");
  r.names = {"a"};
  r.plan.steps = {install("install-a", "a")};
  // The previous process journaled the intent, sent the install, then died.
  ASSERT_TRUE(r.journal->record_intent("install-a", 0, "{}").ok());
  r.fake.perform("a", drivers::Action{"install", {{"package", "product-2.0"}, {"activate", "now"}}},
                 [](auto) {});
  ASSERT_FALSE(r.fake.node("a").lab.has_value()) << "a device driver without the lab's counters";
  EXPECT_EQ(r.run().state, "completed") << r.outcome.message;
  EXPECT_EQ(r.fake.count("install"), 1) << "never a second install";
  EXPECT_EQ(r.fake.node("a").version, "2.0");
}

// Every registered verb: its calls for a healthy node, how an interrupted one is reconciled, and
// that a verb used as an undo has a gate of its own.
TEST(VerbRegistry, EveryVerbHasAHandlerWithCallsReconcileAndUndoGate) {
  const auto& reg = VerbRegistry::builtin();
  FakeAppliances fake(*new VirtualScheduler);  // leaked on purpose: lives for the test binary
  Evidence ev;
  ev.nodes["a"] = fake.add("a");
  ev.nodes["b"] = fake.add("b");
  ev.nodes["a"].slot_versions = {"1.0", "0.9"};
  ev.nodes["a"].slot_packages = {{{"product", "1.0"}}, {{"product", "0.9"}}};
  const nlohmann::json none = nlohmann::json::object();
  const std::vector<plan::Condition> no_gate;
  int verbs = 0;
  for (int v = 0; v <= static_cast<int>(Verb::kSoak); ++v) {
    const Verb verb = static_cast<Verb>(v);
    const VerbHandler* h = reg.find(verb);
    ASSERT_NE(h, nullptr) << plan::to_string(verb);
    ++verbs;
    Step s = step("s", verb, {"a", "b"});
    s.params = {{"package", "product-2.0"},
                {"backup", "b"},
                {"primary", "a"},
                {"from", "a"},
                {"to", "b"},
                {"role", "primary"},
                {"accepting", false},
                {"reboot", true},
                {"version", "0.9"},
                {"packages", {{"product", "0.9"}}}};
    VerbContext c{s, ev, nullptr, none, none, no_gate};
    auto calls = h->calls(c);
    if (verb == Verb::kStage) {
      EXPECT_FALSE(calls.ok()) << "no repository: refused, not guessed";
    } else {
      ASSERT_TRUE(calls.ok()) << plan::to_string(verb) << ": " << calls.message();
    }
    EXPECT_NE(std::string(h->summary()), "");
    (void)h->reconcile(c);
    if (verb == Verb::kEstablishHa || verb == Verb::kBreakHa || verb == Verb::kSwitchTraffic ||
        verb == Verb::kRestoreSoftware || verb == Verb::kTakeVip || verb == Verb::kSetMember) {
      EXPECT_FALSE(h->implied_gate(s).empty())
          << plan::to_string(verb) << " is used as an undo and needs its own gate";
    }
  }
  EXPECT_EQ(verbs, 38);
  // Installs are reconciled from observation: a node that took the request is waited for.
  Step s = install("i", "a");
  Evidence busy = ev;
  busy.nodes["a"].phase = "installing";
  const auto gate = s.gate;
  VerbContext c{s, busy, nullptr, none, none, gate};
  EXPECT_EQ(reg.find(Verb::kInstall)->reconcile(c).kind, Reconciled::kInProgress);
  busy.nodes["a"].phase = "running";
  EXPECT_EQ(reg.find(Verb::kInstall)->reconcile(c).kind, Reconciled::kResend);
}

}  // namespace
}  // namespace hitless::exec

namespace hitless::exec {
namespace {

TEST(StageVerb, APackageThatArrivesAsOtherBytesThanTheCatalogListsFailsTheStep) {
  const VerbHandler* stage = VerbRegistry::builtin().find(plan::Verb::kStage);
  ASSERT_NE(stage, nullptr);
  const auto cat = catalog::Catalog::from_manifests({{"product", "2.0", "product", {}, {}, 0, 0}});
  plan::Step s;
  s.id = "stage";
  s.verb = plan::Verb::kStage;
  s.targets = {"a"};
  s.params = {{"package", "product-2.0"}};
  const Evidence ev;
  const nlohmann::json none = nlohmann::json::object();
  const std::vector<plan::Condition> no_gate;
  const nlohmann::json same = {{"stage", {{"digest", cat.packages()[0].digest}}}};
  EXPECT_EQ(stage->judge_answers({s, ev, &cat, none, same, no_gate}), std::nullopt);
  const nlohmann::json other = {{"stage", {{"digest", std::string(64, '0')}}}};
  const auto why = stage->judge_answers({s, ev, &cat, none, other, no_gate});
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("arrived on a as other bytes"), std::string::npos) << *why;
}

// A rig whose run keeps backups through `keeper`, with one node "a".
struct BackupRig : Rig {
  BackupKeeper keeper;
  explicit BackupRig(bool prove = true) {
    fake.add("a");
    names = {"a"};
    keeper.prove = prove;
    options.keep_backup = keeper.fn();
  }
};

TEST(ExecutorBackups, InstallStartsOnlyAfterAProvenBackupWhichIsJournaled) {
  BackupRig r;
  r.plan.steps = {step("backup-a", Verb::kBackup, {"a"}), install("install-a", "a", {"backup-a"})};
  EXPECT_EQ(r.run().state, "completed") << r.outcome.message;
  EXPECT_EQ(r.keeper.kept, std::vector<std::string>{"a"});
  EXPECT_LT(r.fake.first("backup", "a"), r.fake.first("install", "a"));
  const auto detail = nlohmann::json::parse(r.journal->steps().at("backup-a").detail_json);
  EXPECT_TRUE(detail.at("@backup").at("proven").get<bool>());
}

TEST(ExecutorBackups, AnUnprovenBackupFailsItsStepAndNothingIsInstalled) {
  BackupRig r(false);
  r.plan.steps = {step("backup-a", Verb::kBackup, {"a"}), install("install-a", "a", {"backup-a"})};
  EXPECT_EQ(r.run().state, "failed");
  EXPECT_NE(r.outcome.message.find("not proven"), std::string::npos) << r.outcome.message;
  EXPECT_EQ(r.fake.count("install"), 0);
}

TEST(ExecutorBackups, APlanThatNeverBacksUpAnInstalledNodeDoesNotStart) {
  BackupRig r;
  r.plan.steps = {step("check", Verb::kCheck, {"a"}), install("install-a", "a", {"check"})};
  EXPECT_EQ(r.run().state, "failed");
  EXPECT_NE(r.outcome.message.find("never backs it up"), std::string::npos) << r.outcome.message;
  EXPECT_EQ(r.fake.calls.size(), 0u) << "nothing was asked of any node";
}

TEST(ExecutorBackups, AnInstallNotOrderedAfterItsBackupDoesNotStart) {
  BackupRig r;
  // Both ready at once: the install looks before the backup is proven and refuses.
  r.plan.steps = {install("install-a", "a"), step("backup-a", Verb::kBackup, {"a"})};
  EXPECT_EQ(r.run().state, "failed");
  EXPECT_NE(r.outcome.message.find("no proven backup of a"), std::string::npos)
      << r.outcome.message;
  EXPECT_EQ(r.fake.count("install"), 0);
}

TEST(ExecutorBackups, AProvenBackupOnRecordHoldsAcrossResume) {
  BackupRig r;
  r.options.stop_after_phase = 0;
  r.plan.phases = {{0, "backup"}, {1, "install"}};
  Step inst = install("install-a", "a", {"backup-a"});
  inst.phase = 1;
  r.plan.steps = {step("backup-a", Verb::kBackup, {"a"}), inst};
  EXPECT_EQ(r.run().state, "paused") << r.outcome.message;
  EXPECT_EQ(r.fake.count("install"), 0);
  r.options.stop_after_phase = -1;
  EXPECT_EQ(r.run().state, "completed") << r.outcome.message;  // a new Executor, same journal
  EXPECT_EQ(r.keeper.kept.size(), 1u) << "the backup was not taken again";
  EXPECT_EQ(r.fake.count("install"), 1);
}

Step soak(const std::string& id, const std::string& node, double seconds,
          std::vector<std::string> after) {
  Step s = step(id, Verb::kSoak, {node}, std::move(after));
  s.params = {{"seconds", seconds}, {"after", "product-2.0"}};
  s.estimate_s = seconds;
  return s;
}

TEST(ExecutorSoak, TheNextHopWaitsForTheSoakTime) {
  Rig r;
  r.fake.add("a");
  r.names = {"a"};
  r.plan.steps = {step("check", Verb::kCheck, {"a"}), soak("soak-a", "a", 3600, {"check"}),
                  step("after", Verb::kCheck, {"a"}, {"soak-a"})};
  EXPECT_EQ(r.run().state, "completed") << r.outcome.message;
  const auto steps = r.journal->steps();
  EXPECT_GE(steps.at("after").intent_model, steps.at("soak-a").intent_model + 3600);
  EXPECT_LT(steps.at("after").intent_model, steps.at("soak-a").intent_model + 3600 + 10);
  EXPECT_NE(steps.at("soak-a").message.find("soaked 1h"), std::string::npos)
      << steps.at("soak-a").message;
}

TEST(ExecutorSoak, ASoakInterruptedByACrashWaitsOnlyWhatIsLeftAfterResume) {
  Rig r;
  r.fake.add("a");
  r.names = {"a"};
  // A real run: the soak's end is journaled in wall time; the lab runs 100x faster than life.
  r.plan.time_scale = 0.01;
  r.options.wall_now = [&r] { return 1.7e9 + r.clock.now() * 0.01; };
  r.plan.steps = {step("check", Verb::kCheck, {"a"}), soak("soak-a", "a", 3600, {"check"}),
                  step("after", Verb::kCheck, {"a"}, {"soak-a"})};
  for (const auto& [name, n] : r.observed_now()) r.plan.observed.nodes[name] = n;
  {
    Executor first(r.plan, nullptr, r.clock, drivers::Drivers{&r.fake, &r.fake, &r.fake},
                   *r.journal, r.options);
    first.start([&r](const RunOutcome& o) { r.outcome = o; });
    r.clock.run_until(1000);  // the process dies a thousand model seconds into the soak
  }
  const auto during = r.journal->steps();
  ASSERT_EQ(during.at("soak-a").state, journal::StepState::kRunning);
  EXPECT_EQ(during.count("after"), 0u);
  const double soak_started = during.at("soak-a").intent_model;
  r.clock.run_until(1500);  // some time passes before `hitless resume`
  EXPECT_EQ(r.run().state, "completed") << r.outcome.message;
  const auto steps = r.journal->steps();
  EXPECT_EQ(steps.at("soak-a").attempts, 1) << "the soak was not started again";
  EXPECT_GE(steps.at("after").intent_model, soak_started + 3600);
  EXPECT_LT(steps.at("after").intent_model, soak_started + 3600 + 10)
      << "only what was left of the soak was waited";
}

}  // namespace
}  // namespace hitless::exec
