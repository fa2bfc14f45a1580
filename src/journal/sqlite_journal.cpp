#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "journal/journal.hpp"
#include "journal/journal_schema.hpp"
#include "journal/sqlite_db.hpp"

namespace hitless::journal {
namespace {

double now_wall() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string abbreviate(const std::string& hash) {
  return hash.size() > 12 ? hash.substr(0, 12) + "..." : hash;
}

}  // namespace

const char* to_string(StepState s) {
  switch (s) {
    case StepState::kPending:
      return "pending";
    case StepState::kRunning:
      return "running";
    case StepState::kSucceeded:
      return "succeeded";
    case StepState::kFailed:
      return "failed";
    case StepState::kSkipped:
      return "skipped";
    case StepState::kUndone:
      return "undone";
  }
  return "unknown";
}

std::optional<StepState> parse_step_state(const std::string& s) {
  for (StepState state : {StepState::kPending, StepState::kRunning, StepState::kSucceeded,
                          StepState::kFailed, StepState::kSkipped, StepState::kUndone}) {
    if (s == to_string(state)) return state;
  }
  return std::nullopt;
}

struct SqliteJournal::Impl {
  std::unique_ptr<Db> db_;
  std::string plan_hash_;  // fixed when the journal is created
  bool in_batch_ = false;  // between begin_batch and commit_batch: records join that transaction

  // Runs body as one transaction: durable on return (WAL, synchronous=FULL), rolled back on error.
  // Inside a batch the body joins the batch's transaction (durable at commit_batch).
  template <class Body>
  Status<JournalErrc> transaction(Body&& body) {
    if (in_batch_) return body();
    // IMMEDIATE takes the write lock up front, so a concurrent `hitless approve` makes us wait
    // (busy timeout) instead of failing halfway.
    if (auto s = db_->exec("BEGIN IMMEDIATE", "begin a transaction"); !s) return s;
    Status<JournalErrc> status = body();
    if (status) status = db_->exec("COMMIT", "commit");
    if (!status) (void)db_->exec("ROLLBACK", "roll back");
    return status;
  }
};

SqliteJournal::SqliteJournal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteJournal::~SqliteJournal() = default;

Result<std::unique_ptr<SqliteJournal>, JournalErrc> SqliteJournal::create(
    const std::string& path, const std::string& plan_json, const std::string& plan_hash) {
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  if (ec) return make_error(JournalErrc::kIo, "cannot check journal " + path + ": " + ec.message());
  if (!exists) {
    if (auto s = schema::create_file(path, plan_json, plan_hash, now_wall()); !s) return s.error();
  }
  auto journal = open(path);
  if (!journal) return journal.error();
  const std::string& existing = (*journal)->impl_->plan_hash_;
  if (existing != plan_hash) {
    return make_error(JournalErrc::kWrongPlan, "journal " + path + " belongs to plan " +
                                                   abbreviate(existing) + ", not " +
                                                   abbreviate(plan_hash));
  }
  return journal;
}

Result<std::unique_ptr<SqliteJournal>, JournalErrc> SqliteJournal::open(const std::string& path) {
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  if (ec) return make_error(JournalErrc::kIo, "cannot check journal " + path + ": " + ec.message());
  if (!exists) return make_error(JournalErrc::kNotFound, "journal " + path + " does not exist");

  // No SQLITE_OPEN_CREATE: SQLite must never make or grow a file here.
  auto db = Db::open(path, SQLITE_OPEN_READWRITE);
  if (!db) return db.error();
  // Check before the pragmas: switching to WAL writes to the file, which must be a journal.
  auto hash = schema::check(**db);
  if (!hash) return hash.error();
  {
    auto st = (*db)->prepare("PRAGMA journal_mode=WAL", "set WAL mode");
    if (!st) return st.error();
    auto row = st->next("set WAL mode");
    if (!row) return row.error();
    if (!*row || st->text(0) != "wal") {
      return make_error(JournalErrc::kIo, "journal " + path + ": cannot set WAL mode (got '" +
                                              (*row ? st->text(0) : "") + "')");
    }
  }
  if (auto s = (*db)->exec("PRAGMA synchronous=FULL", "set synchronous"); !s) return s.error();

  auto impl = std::make_unique<Impl>();
  impl->db_ = std::move(*db);
  impl->plan_hash_ = std::move(*hash);
  return std::unique_ptr<SqliteJournal>(new SqliteJournal(std::move(impl)));
}

// Reads have no error channel in the interface: a failed read gives an empty answer, and the
// writes that follow report the underlying problem.
RunRecord SqliteJournal::run() {
  RunRecord r;
  auto st = impl_->db_->prepare(
      // updated_wall is derived from the steps: rewriting the run row (which holds the whole plan)
      // on every record made each record cost time in proportion to the plan's size.
      "SELECT plan_hash, plan_json, state, message, created_wall, "
      "MAX(updated_wall, COALESCE((SELECT MAX(MAX(intent_wall, outcome_wall)) FROM steps), 0)) "
      "FROM run "
      "WHERE id = 1",
      "read the run");
  if (!st) return r;
  auto row = st->next("read the run");
  if (!row || !*row) return r;
  r.plan_hash = st->text(0);
  r.plan_json = st->text(1);
  r.state = st->text(2);
  r.message = st->text(3);
  r.created_wall = st->real(4);
  r.updated_wall = st->real(5);
  return r;
}

Status<JournalErrc> SqliteJournal::begin_batch() {
  if (impl_->in_batch_)
    return make_error(JournalErrc::kIo,
                      "journal " + impl_->db_->path() + ": a batch is already open");
  if (auto s = impl_->db_->exec("BEGIN IMMEDIATE", "begin a batch"); !s) return s;
  impl_->in_batch_ = true;
  return Unit{};
}

Status<JournalErrc> SqliteJournal::commit_batch() {
  if (!impl_->in_batch_) return Unit{};
  impl_->in_batch_ = false;
  auto s = impl_->db_->exec("COMMIT", "commit a batch");
  if (!s) (void)impl_->db_->exec("ROLLBACK", "roll back a batch");
  return s;
}

Status<JournalErrc> SqliteJournal::set_run_state(const std::string& state,
                                                 const std::string& message) {
  auto st =
      impl_->db_->prepare("UPDATE run SET state = ?1, message = ?2, updated_wall = ?3 WHERE id = 1",
                          "record the run state");
  if (!st) return st.error();
  st->bind(1, state).bind(2, message).bind(3, now_wall());
  return st->run("record the run state");
}

Status<JournalErrc> SqliteJournal::record_intent(const std::string& step_id, double model_time,
                                                 const std::string& detail_json) {
  double wall = now_wall();
  return impl_->transaction([&]() -> Status<JournalErrc> {
    // A new intent starts a new attempt: the previous attempt's outcome is cleared, so "intent
    // but no outcome" always means "this attempt was interrupted".
    auto st = impl_->db_->prepare(
        "INSERT INTO steps(step_id, state, intent_wall, intent_model, outcome_wall, "
        "outcome_model, attempts, message, detail_json) VALUES (?1, ?2, ?3, ?4, 0, 0, 1, '', ?5) "
        "ON CONFLICT(step_id) DO UPDATE SET state = excluded.state, "
        "intent_wall = excluded.intent_wall, intent_model = excluded.intent_model, "
        "outcome_wall = 0, outcome_model = 0, attempts = steps.attempts + 1, message = '', "
        "detail_json = excluded.detail_json",
        "record the intent");
    if (!st) return st.error();
    st->bind(1, step_id)
        .bind(2, std::string(to_string(StepState::kRunning)))
        .bind(3, wall)
        .bind(4, model_time)
        .bind(5, detail_json);
    return st->run("record the intent");
  });
}

Status<JournalErrc> SqliteJournal::record_outcome(const std::string& step_id, StepState state,
                                                  double model_time, const std::string& message,
                                                  const std::string& detail_json) {
  if (state == StepState::kPending || state == StepState::kRunning) {
    throw std::invalid_argument(std::string("record_outcome: ") + to_string(state) +
                                " is not an outcome");
  }
  double wall = now_wall();
  return impl_->transaction([&]() -> Status<JournalErrc> {
    auto st = impl_->db_->prepare(
        "UPDATE steps SET state = ?2, outcome_wall = ?3, outcome_model = ?4, message = ?5, "
        "detail_json = ?6 WHERE step_id = ?1",
        "record the outcome");
    if (!st) return st.error();
    st->bind(1, step_id)
        .bind(2, std::string(to_string(state)))
        .bind(3, wall)
        .bind(4, model_time)
        .bind(5, message)
        .bind(6, detail_json);
    if (auto s = st->run("record the outcome"); !s) return s;
    if (impl_->db_->changes() == 0) {
      return make_error(JournalErrc::kNotFound, "journal " + impl_->db_->path() +
                                                    ": no intent recorded for step " + step_id +
                                                    "; record the intent before the outcome");
    }
    return Unit{};
  });
}

std::map<std::string, StepRecord> SqliteJournal::steps() {
  std::map<std::string, StepRecord> out;
  auto st = impl_->db_->prepare(
      "SELECT step_id, state, intent_wall, outcome_wall, intent_model, outcome_model, attempts, "
      "message, detail_json FROM steps",
      "read the steps");
  if (!st) return out;
  for (auto row = st->next("read the steps"); row && *row; row = st->next("read the steps")) {
    StepRecord r;
    r.step_id = st->text(0);
    // An unknown state string (a newer writer?) reads as pending: resume will re-observe.
    r.state = parse_step_state(st->text(1)).value_or(StepState::kPending);
    r.intent_wall = st->real(2);
    r.outcome_wall = st->real(3);
    r.intent_model = st->real(4);
    r.outcome_model = st->real(5);
    r.attempts = static_cast<int>(st->integer(6));
    r.message = st->text(7);
    r.detail_json = st->text(8);
    out.emplace(r.step_id, std::move(r));
  }
  return out;
}

Status<JournalErrc> SqliteJournal::add_event(const Event& e) {
  auto st = impl_->db_->prepare(
      "INSERT INTO events(wall, model, kind, step_id, node, message) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      "record an event");
  if (!st) return st.error();
  st->bind(1, e.wall).bind(2, e.model).bind(3, e.kind).bind(4, e.step_id).bind(5, e.node);
  st->bind(6, e.message);
  return st->run("record an event");
}

std::vector<Event> SqliteJournal::events() {
  std::vector<Event> out;
  auto st = impl_->db_->prepare(
      "SELECT wall, model, kind, step_id, node, message FROM events ORDER BY seq",
      "read the events");
  if (!st) return out;
  for (auto row = st->next("read the events"); row && *row; row = st->next("read the events")) {
    out.push_back(
        Event{st->real(0), st->real(1), st->text(2), st->text(3), st->text(4), st->text(5)});
  }
  return out;
}

Status<JournalErrc> SqliteJournal::approve(const std::string& step_id, const std::string& who) {
  auto st = impl_->db_->prepare(
      "INSERT OR REPLACE INTO approvals(step_id, who, wall) VALUES (?1, ?2, ?3)",
      "record the approval");
  if (!st) return st.error();
  st->bind(1, step_id).bind(2, who).bind(3, now_wall());
  return st->run("record the approval");
}

bool SqliteJournal::approved(const std::string& step_id) {
  // Asked afresh every time: the approval usually comes from another process.
  auto st = impl_->db_->prepare("SELECT 1 FROM approvals WHERE step_id = ?1", "read the approvals");
  if (!st) return false;
  st->bind(1, step_id);
  auto row = st->next("read the approvals");
  return row && *row;
}

}  // namespace hitless::journal
