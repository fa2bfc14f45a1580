#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "journal/journal.hpp"
#include "journal/test_temp_dir.hpp"

namespace hitless::journal {
namespace {

using test_util::read_bytes;
using test_util::TempDir;
using test_util::write_bytes;
using ::testing::HasSubstr;

const std::string kPlan = R"({"steps":["a","b"]})";
const std::string kHash = "0123456789abcdef0123456789abcdef";
const std::string kOtherHash = "fedcba9876543210fedcba9876543210";

// A valid SQLite database that is not a journal.
void make_foreign_db(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (42);", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
}

TEST(SqliteJournal, CreateThenOpenRoundTripsPlanAndRunState) {
  TempDir dir;
  std::string path = dir.file("run.journal");
  {
    auto j = SqliteJournal::create(path, kPlan, kHash);
    ASSERT_TRUE(j) << j.message();
    RunRecord r = (*j)->run();
    EXPECT_EQ(r.plan_hash, kHash);
    EXPECT_EQ(r.plan_json, kPlan);
    EXPECT_EQ(r.state, "new");
    EXPECT_GT(r.created_wall, 1.6e9);
    ASSERT_TRUE((*j)->set_run_state("paused", "operator asked"));
  }
  auto j = SqliteJournal::open(path);
  ASSERT_TRUE(j) << j.message();
  RunRecord r = (*j)->run();
  EXPECT_EQ(r.plan_hash, kHash);
  EXPECT_EQ(r.plan_json, kPlan);
  EXPECT_EQ(r.state, "paused");
  EXPECT_EQ(r.message, "operator asked");
  EXPECT_GE(r.updated_wall, r.created_wall);
}

TEST(SqliteJournal, IntentThenOutcomeIsReadBack) {
  TempDir dir;
  auto j = SqliteJournal::create(dir.file("j"), kPlan, kHash);
  ASSERT_TRUE(j) << j.message();
  ASSERT_TRUE((*j)->record_intent("upgrade-fw2", 10.5, R"({"version":"7.2"})"));
  StepRecord s = (*j)->steps().at("upgrade-fw2");
  EXPECT_EQ(s.state, StepState::kRunning);
  EXPECT_EQ(s.attempts, 1);
  EXPECT_GT(s.intent_wall, 0);
  EXPECT_EQ(s.outcome_wall, 0);
  EXPECT_DOUBLE_EQ(s.intent_model, 10.5);

  ASSERT_TRUE((*j)->record_outcome("upgrade-fw2", StepState::kSucceeded, 70.25, "done",
                                   R"({"observed":"7.2"})"));
  s = (*j)->steps().at("upgrade-fw2");
  EXPECT_EQ(s.state, StepState::kSucceeded);
  EXPECT_EQ(s.attempts, 1);
  EXPECT_GE(s.outcome_wall, s.intent_wall);
  EXPECT_DOUBLE_EQ(s.intent_model, 10.5);
  EXPECT_DOUBLE_EQ(s.outcome_model, 70.25);
  EXPECT_EQ(s.message, "done");
  EXPECT_EQ(s.detail_json, R"({"observed":"7.2"})");
  EXPECT_EQ((*j)->steps().size(), 1u);
}

TEST(SqliteJournal, EachIntentCountsAnAttemptAndClearsTheLastOutcome) {
  TempDir dir;
  auto j = SqliteJournal::create(dir.file("j"), kPlan, kHash);
  ASSERT_TRUE(j) << j.message();
  ASSERT_TRUE((*j)->record_intent("s", 1, "{}"));
  ASSERT_TRUE((*j)->record_outcome("s", StepState::kFailed, 2, "node refused", "{}"));
  ASSERT_TRUE((*j)->record_intent("s", 3, "{}"));
  StepRecord s = (*j)->steps().at("s");
  EXPECT_EQ(s.attempts, 2);
  EXPECT_EQ(s.state, StepState::kRunning);
  EXPECT_EQ(s.outcome_wall, 0);
  EXPECT_EQ(s.message, "");
  ASSERT_TRUE((*j)->record_outcome("s", StepState::kSucceeded, 4, "", "{}"));
  ASSERT_TRUE((*j)->record_intent("s", 5, "{}"));
  EXPECT_EQ((*j)->steps().at("s").attempts, 3);
}

TEST(SqliteJournal, OutcomeWithoutIntentIsRefused) {
  TempDir dir;
  auto j = SqliteJournal::create(dir.file("j"), kPlan, kHash);
  ASSERT_TRUE(j) << j.message();
  auto s = (*j)->record_outcome("never-started", StepState::kSucceeded, 1, "", "{}");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code(), JournalErrc::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("never-started"));
  EXPECT_TRUE((*j)->steps().empty());
}

TEST(SqliteJournal, UserTextIsStoredVerbatim) {
  TempDir dir;
  auto j = SqliteJournal::create(dir.file("j"), kPlan, kHash);
  ASSERT_TRUE(j) << j.message();
  const std::string nasty = "x'); DROP TABLE steps; --\n\"é\"";
  ASSERT_TRUE((*j)->record_intent(nasty, 1, nasty));
  ASSERT_TRUE((*j)->record_outcome(nasty, StepState::kFailed, 2, nasty, nasty));
  StepRecord s = (*j)->steps().at(nasty);
  EXPECT_EQ(s.message, nasty);
  EXPECT_EQ(s.detail_json, nasty);
}

TEST(SqliteJournal, EventsComeBackInTheOrderWritten) {
  TempDir dir;
  auto j = SqliteJournal::create(dir.file("j"), kPlan, kHash);
  ASSERT_TRUE(j) << j.message();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(
        (*j)->add_event(Event{100.0 - i, double(i), i % 2 ? "step-done" : "step-start",
                              "step-" + std::to_string(i), "fw1", "message " + std::to_string(i)}));
  }
  auto events = (*j)->events();
  ASSERT_EQ(events.size(), 20u);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(events[i].message, "message " + std::to_string(i));
    EXPECT_EQ(events[i].step_id, "step-" + std::to_string(i));
    EXPECT_EQ(events[i].node, "fw1");
    EXPECT_DOUBLE_EQ(events[i].model, i);
    EXPECT_DOUBLE_EQ(events[i].wall, 100.0 - i);
  }
  EXPECT_EQ(events[1].kind, "step-done");
}

TEST(SqliteJournal, ApprovalFromAnotherConnectionIsSeenAtOnce) {
  TempDir dir;
  std::string path = dir.file("j");
  auto runner = SqliteJournal::create(path, kPlan, kHash);
  ASSERT_TRUE(runner) << runner.message();
  EXPECT_FALSE((*runner)->approved("gate-1"));

  auto operator_side = SqliteJournal::open(path);  // as `hitless approve` would
  ASSERT_TRUE(operator_side) << operator_side.message();
  ASSERT_TRUE((*operator_side)->approve("gate-1", "alice"));
  EXPECT_TRUE((*runner)->approved("gate-1"));
  EXPECT_FALSE((*runner)->approved("gate-2"));
  ASSERT_TRUE((*operator_side)->approve("gate-1", "bob"));  // replaces, still approved
  EXPECT_TRUE((*runner)->approved("gate-1"));

  // And the runner's writes are visible to the other side.
  ASSERT_TRUE((*runner)->record_intent("s", 1, "{}"));
  EXPECT_EQ((*operator_side)->steps().size(), 1u);
}

TEST(SqliteJournal, CreateWithTheSamePlanReopensAndKeepsSteps) {
  TempDir dir;
  std::string path = dir.file("j");
  {
    auto j = SqliteJournal::create(path, kPlan, kHash);
    ASSERT_TRUE(j) << j.message();
    ASSERT_TRUE((*j)->record_intent("s1", 1, "{}"));
    ASSERT_TRUE((*j)->record_outcome("s1", StepState::kSucceeded, 2, "ok", "{}"));
  }
  auto j = SqliteJournal::create(path, kPlan, kHash);
  ASSERT_TRUE(j) << j.message();
  ASSERT_EQ((*j)->steps().size(), 1u);
  EXPECT_EQ((*j)->steps().at("s1").state, StepState::kSucceeded);
}

TEST(SqliteJournal, CreateForAnotherPlanIsRefusedAndLeavesTheFileAlone) {
  TempDir dir;
  std::string path = dir.file("j");
  {
    auto j = SqliteJournal::create(path, kPlan, kHash);
    ASSERT_TRUE(j) << j.message();
    ASSERT_TRUE((*j)->record_intent("s1", 1, "{}"));
  }
  std::string before = read_bytes(path);
  ASSERT_FALSE(before.empty());
  auto j = SqliteJournal::create(path, "{}", kOtherHash);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.code(), JournalErrc::kWrongPlan);
  EXPECT_EQ(j.message(),
            "journal " + path + " belongs to plan 0123456789ab..., not fedcba987654...");
  EXPECT_EQ(read_bytes(path), before);
}

TEST(SqliteJournal, OpenOfAMissingFileIsNotFound) {
  TempDir dir;
  std::string path = dir.file("nope.journal");
  auto j = SqliteJournal::open(path);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.code(), JournalErrc::kNotFound);
  EXPECT_THAT(j.message(), HasSubstr(path));
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(SqliteJournal, OpenOfATextFileIsCorrupt) {
  TempDir dir;
  std::string path = dir.file("notes.txt");
  write_bytes(path, std::string(4096, 'x') + "\nnot a database at all\n");
  auto j = SqliteJournal::open(path);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.code(), JournalErrc::kCorrupt);
  EXPECT_THAT(j.message(), HasSubstr(path));
  EXPECT_THAT(j.message(), HasSubstr("not a hitless journal"));
}

TEST(SqliteJournal, OpenOfAForeignSqliteDatabaseIsCorrupt) {
  TempDir dir;
  std::string path = dir.file("other.db");
  make_foreign_db(path);
  auto j = SqliteJournal::open(path);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.code(), JournalErrc::kCorrupt);
  EXPECT_THAT(j.message(), HasSubstr(path));
  EXPECT_THAT(j.message(), HasSubstr("not a hitless journal"));
}

TEST(SqliteJournal, CreateNeverClobbersAFileThatIsNotAJournal) {
  TempDir dir;
  std::string text = dir.file("notes.txt");
  write_bytes(text, "precious operator notes\n");
  std::string empty = dir.file("empty");
  write_bytes(empty, "");
  std::string foreign = dir.file("other.db");
  make_foreign_db(foreign);

  for (const std::string& path : {text, empty, foreign}) {
    std::string before = read_bytes(path);
    auto j = SqliteJournal::create(path, kPlan, kHash);
    ASSERT_FALSE(j) << path;
    EXPECT_EQ(j.code(), JournalErrc::kCorrupt) << path;
    EXPECT_THAT(j.message(), HasSubstr(path));
    EXPECT_EQ(read_bytes(path), before) << path;
  }
  // Nothing else was left behind (temporary files, -wal/-shm).
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.file("")),
                          std::filesystem::directory_iterator()),
            3);
}

TEST(SqliteJournal, CreateInAMissingDirectoryIsAnIoError) {
  TempDir dir;
  std::string path = dir.file("no/such/dir/j");
  auto j = SqliteJournal::create(path, kPlan, kHash);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.code(), JournalErrc::kIo);
  EXPECT_THAT(j.message(), HasSubstr(path));
}

TEST(StepState, NamesRoundTrip) {
  for (StepState s : {StepState::kPending, StepState::kRunning, StepState::kSucceeded,
                      StepState::kFailed, StepState::kSkipped, StepState::kUndone}) {
    EXPECT_EQ(parse_step_state(to_string(s)), s);
  }
  EXPECT_STREQ(to_string(StepState::kUndone), "undone");
  EXPECT_EQ(parse_step_state("Succeeded"), std::nullopt);
}

}  // namespace
}  // namespace hitless::journal

namespace hitless::journal {
namespace {

TEST(SqliteJournalBatch, RecordsInABatchBecomeVisibleAndDurableTogetherAtCommit) {
  test_util::TempDir dir;
  const std::string path = dir.file("j");
  auto writer = SqliteJournal::create(path, "{\"plan\":1}", "h");
  ASSERT_TRUE(writer.ok()) << writer.message();
  ASSERT_TRUE((*writer)->begin_batch().ok());
  ASSERT_TRUE((*writer)->record_intent("s1", 1, "{}").ok());
  ASSERT_TRUE((*writer)->record_intent("s2", 1, "{}").ok());
  ASSERT_TRUE((*writer)->record_outcome("s1", StepState::kSucceeded, 2, "ok", "{}").ok());
  auto reader = SqliteJournal::open(path);  // another process's view (`hitless status`)
  ASSERT_TRUE(reader.ok());
  EXPECT_TRUE((*reader)->steps().empty()) << "nothing is durable before the commit";
  ASSERT_TRUE((*writer)->commit_batch().ok());
  const auto steps = (*reader)->steps();
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps.at("s1").state, StepState::kSucceeded);
  EXPECT_EQ(steps.at("s2").state, StepState::kRunning);
  EXPECT_FALSE((*writer)->begin_batch().ok() && (*writer)->begin_batch().ok())
      << "batches do not nest";
}

}  // namespace
}  // namespace hitless::journal
