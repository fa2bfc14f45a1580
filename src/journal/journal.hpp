#pragma once
// Journal: the durable record of one run of one plan. It holds the plan itself, and for every step
// its intent (written before any side effect) and its outcome (written after), plus the run's
// state, approvals given by operators, and a free-form event log for `status` and reports.
// `resume` after a crash reads it back: a step with an intent but no outcome was interrupted.
// Implementations must make each record durable before the call returns (a kill -9 right after
// may not lose it). Not thread-safe: one writer thread; other processes may read (and approve).

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace hitless::journal {

enum class JournalErrc {
  kIo,         // cannot open, read or write the file
  kCorrupt,    // the file is not a hitless journal, or its content is damaged
  kWrongPlan,  // the journal belongs to another plan
  kNotFound,   // no such journal file / step
};

enum class StepState { kPending, kRunning, kSucceeded, kFailed, kSkipped, kUndone };
const char* to_string(StepState s);
std::optional<StepState> parse_step_state(const std::string& s);

struct StepRecord {
  std::string step_id;
  StepState state = StepState::kPending;
  double intent_wall = 0;   // unix seconds when the intent was recorded (0 = never)
  double outcome_wall = 0;  // unix seconds when the outcome was recorded (0 = none yet)
  double intent_model = 0;  // model seconds (the run's scheduler clock) at intent
  double outcome_model = 0;
  int attempts = 0;         // how many intents were recorded for it
  std::string message;      // outcome message (error text for failures)
  std::string detail_json;  // last intent/outcome detail (observations), JSON text
};

struct Event {
  double wall = 0;
  double model = 0;
  std::string
      kind;  // "step-start", "step-done", "step-failed", "gate", "approval", "run", "node", ...
  std::string step_id;  // "" when not about a step
  std::string node;     // "" when not about a node
  std::string message;
};

struct RunRecord {
  std::string plan_hash;
  std::string plan_json;
  std::string state = "new";  // new | running | paused | waiting-approval | failed | completed |
                              // rolling-back | rolled-back
  std::string message;
  double created_wall = 0;
  double updated_wall = 0;
};

class Journal {
 public:
  virtual ~Journal() = default;

  virtual RunRecord run() = 0;
  virtual Status<JournalErrc> set_run_state(const std::string& state,
                                            const std::string& message) = 0;

  // Before a step's side effect: state becomes kRunning, attempts += 1.
  virtual Status<JournalErrc> record_intent(const std::string& step_id, double model_time,
                                            const std::string& detail_json) = 0;
  // After: kSucceeded, kFailed, kSkipped or kUndone.
  virtual Status<JournalErrc> record_outcome(const std::string& step_id, StepState state,
                                             double model_time, const std::string& message,
                                             const std::string& detail_json) = 0;
  // Every step that has a record, by id.
  virtual std::map<std::string, StepRecord> steps() = 0;

  virtual Status<JournalErrc> add_event(const Event& e) = 0;
  virtual std::vector<Event> events() = 0;

  // Operators approve a gate from another process (`hitless approve`).
  virtual Status<JournalErrc> approve(const std::string& step_id, const std::string& who) = 0;
  virtual bool approved(const std::string& step_id) = 0;

  // Group commit: the records made between begin_batch() and commit_batch() share one
  // transaction (one fsync) and none of them is durable before commit_batch() returns ok. A
  // failed commit loses the whole batch: the caller must treat every record in it as unwritten.
  // Default: no batching (each record is durable on its own).
  virtual Status<JournalErrc> begin_batch() { return Unit{}; }
  virtual Status<JournalErrc> commit_batch() { return Unit{}; }
};

// SQLite-backed journal (WAL, synchronous=FULL, one transaction per record).
class SqliteJournal final : public Journal {
 public:
  // Creates the file with this plan, or opens it when it already holds the same plan
  // (same hash). A journal of another plan gives kWrongPlan naming both hashes.
  static Result<std::unique_ptr<SqliteJournal>, JournalErrc> create(const std::string& path,
                                                                    const std::string& plan_json,
                                                                    const std::string& plan_hash);
  // Opens an existing journal (kNotFound if the file does not exist, kCorrupt if not a journal).
  static Result<std::unique_ptr<SqliteJournal>, JournalErrc> open(const std::string& path);
  ~SqliteJournal() override;

  RunRecord run() override;
  Status<JournalErrc> set_run_state(const std::string& state, const std::string& message) override;
  Status<JournalErrc> record_intent(const std::string& step_id, double model_time,
                                    const std::string& detail_json) override;
  Status<JournalErrc> record_outcome(const std::string& step_id, StepState state, double model_time,
                                     const std::string& message,
                                     const std::string& detail_json) override;
  std::map<std::string, StepRecord> steps() override;
  Status<JournalErrc> add_event(const Event& e) override;
  std::vector<Event> events() override;
  Status<JournalErrc> approve(const std::string& step_id, const std::string& who) override;
  bool approved(const std::string& step_id) override;
  Status<JournalErrc> begin_batch() override;
  Status<JournalErrc> commit_batch() override;

 private:
  struct Impl;
  explicit SqliteJournal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hitless::journal
