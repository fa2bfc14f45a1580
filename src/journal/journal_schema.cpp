#include "journal/journal_schema.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>

namespace hitless::journal::schema {
namespace {

// Schema, version 1. Times are doubles: *_wall in unix seconds, *_model in the run's scheduler
// seconds; 0 means "not yet". States are the strings of to_string(StepState).
//   meta(key, value)         'magic' = kMagic and 'schema_version' = kVersion: how open() tells a
//                            journal from any other SQLite file.
//   run                      exactly one row (id = 1): the plan (hash and JSON text) and the run's
//                            state and message, with creation and last-update times.
//   steps(step_id PK)        one row per step that has had an intent: state, the wall/model times
//                            of the latest intent and outcome, attempts (intents so far), the
//                            outcome message and the latest detail JSON.
//   events(seq)              append-only log for `status` and reports; seq gives the order.
//   approvals(step_id PK)    who approved a gate and when; written by `hitless approve`.
constexpr const char* kCreateTables = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE run(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  plan_hash TEXT NOT NULL,
  plan_json TEXT NOT NULL,
  state TEXT NOT NULL,
  message TEXT NOT NULL,
  created_wall REAL NOT NULL,
  updated_wall REAL NOT NULL);
CREATE TABLE steps(
  step_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  intent_wall REAL NOT NULL DEFAULT 0,
  outcome_wall REAL NOT NULL DEFAULT 0,
  intent_model REAL NOT NULL DEFAULT 0,
  outcome_model REAL NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  message TEXT NOT NULL DEFAULT '',
  detail_json TEXT NOT NULL DEFAULT '');
CREATE TABLE events(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  wall REAL NOT NULL,
  model REAL NOT NULL,
  kind TEXT NOT NULL,
  step_id TEXT NOT NULL,
  node TEXT NOT NULL,
  message TEXT NOT NULL);
CREATE TABLE approvals(step_id TEXT PRIMARY KEY, who TEXT NOT NULL, wall REAL NOT NULL);
)sql";

Error<JournalErrc> io_error(const std::string& path, const char* what) {
  return make_error(JournalErrc::kIo,
                    "cannot create journal " + path + ": " + what + ": " + std::strerror(errno));
}

// Writes schema and plan into the (empty) file `tmp`, in one transaction.
Status<JournalErrc> fill(const std::string& tmp, const std::string& path,
                         const std::string& plan_json, const std::string& plan_hash,
                         double now_wall) {
  auto db = Db::open(tmp, SQLITE_OPEN_READWRITE, path);
  if (!db) return db.error();
  if (auto s = (*db)->exec("PRAGMA synchronous=FULL", "set synchronous"); !s) return s;
  if (auto s = (*db)->exec("BEGIN IMMEDIATE", "begin"); !s) return s;
  if (auto s = (*db)->exec(kCreateTables, "create tables"); !s) return s;
  {
    auto st = (*db)->prepare(
        "INSERT INTO meta(key, value) VALUES ('magic', ?1), "
        "('schema_version', ?2)",
        "write meta");
    if (!st) return st.error();
    st->bind(1, std::string(kMagic)).bind(2, std::to_string(kVersion));
    if (auto s = st->run("write meta"); !s) return s;
  }
  {
    auto st = (*db)->prepare(
        "INSERT INTO run(id, plan_hash, plan_json, state, message, created_wall, updated_wall) "
        "VALUES (1, ?1, ?2, 'new', '', ?3, ?3)",
        "write run");
    if (!st) return st.error();
    st->bind(1, plan_hash).bind(2, plan_json).bind(3, now_wall);
    if (auto s = st->run("write run"); !s) return s;
  }
  // Committed in rollback-journal mode: everything is in `tmp` itself once this returns.
  return (*db)->exec("COMMIT", "commit");
}

}  // namespace

Status<JournalErrc> create_file(const std::string& path, const std::string& plan_json,
                                const std::string& plan_hash, double now_wall) {
  std::string tmp = path + ".new-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return io_error(path, "temporary file");
  ::close(fd);

  Status<JournalErrc> status = fill(tmp, path, plan_json, plan_hash, now_wall);
  if (status && ::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    status = io_error(path, "link");
  }
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    ::unlink((tmp + suffix).c_str());
  }
  if (!status) return status;

  // Make the new directory entry durable too.
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return io_error(path, "open directory");
  int rc = ::fsync(dfd);
  ::close(dfd);
  if (rc != 0) return io_error(path, "sync directory");
  return Unit{};
}

Result<std::string, JournalErrc> check(const Db& db) {
  auto not_journal = [&](const std::string& why) {
    return make_error(JournalErrc::kCorrupt, db.path() + " is not a hitless journal: " + why);
  };
  // Runs a one-value query (nullopt: no row). A file SQLite cannot read at all fails here.
  using Value = std::optional<std::string>;
  auto query = [&](const char* sql, const char* key) -> Result<Value, JournalErrc> {
    auto st = db.prepare(sql, "read");
    if (!st) {
      if (st.code() == JournalErrc::kCorrupt) return not_journal(sqlite3_errmsg(db.handle()));
      return st.error();
    }
    if (key != nullptr) st->bind(1, std::string(key));
    auto row = st->next("read");
    if (!row) {
      if (row.code() == JournalErrc::kCorrupt) return not_journal(sqlite3_errmsg(db.handle()));
      return row.error();
    }
    return *row ? Value(st->text(0)) : Value();
  };

  auto tables =
      query("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'", nullptr);
  if (!tables) return tables.error();
  if (tables->value_or("0") != "1") return not_journal("it has no meta table");
  auto magic = query("SELECT value FROM meta WHERE key = ?1", "magic");
  if (!magic) return magic.error();
  if (magic->value_or("") != kMagic) {
    return not_journal("its magic is '" + magic->value_or("") + "', expected '" + kMagic + "'");
  }
  auto version = query("SELECT value FROM meta WHERE key = ?1", "schema_version");
  if (!version) return version.error();
  if (version->value_or("") != std::to_string(kVersion)) {
    return make_error(JournalErrc::kCorrupt,
                      "journal " + db.path() + " has schema version '" + version->value_or("") +
                          "'; this hitless reads version " + std::to_string(kVersion));
  }
  auto hash = query("SELECT plan_hash FROM run WHERE id = 1", nullptr);
  if (!hash) return hash.error();
  if (!hash->has_value()) {
    return make_error(JournalErrc::kCorrupt, "journal " + db.path() + " has no run record");
  }
  return **hash;
}

}  // namespace hitless::journal::schema
