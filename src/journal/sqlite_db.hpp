#pragma once
// Thin RAII wrappers over the SQLite C API for the journal: one connection (Db) and its prepared
// statements (Stmt). SQLite failures become JournalErrc values that name the file and the action.
// Not thread-safe: a Db and its statements belong to one thread; a Stmt must not outlive its Db.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "journal/journal.hpp"

namespace hitless::journal {

class Db;

// A prepared statement; user data only ever reaches SQL through bind().
class Stmt {
 public:
  Stmt(const Db& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  // Parameters are 1-based, as in SQLite.
  Stmt& bind(int index, const std::string& value);
  Stmt& bind(int index, double value);
  Stmt& bind(int index, std::int64_t value);

  // Steps once: true when a row is ready to read, false when the statement is done.
  Result<bool, JournalErrc> next(const char* what);
  // Steps a statement that returns no rows to completion.
  Status<JournalErrc> run(const char* what);

  std::string text(int column) const;
  double real(int column) const;
  std::int64_t integer(int column) const;

 private:
  const Db* db_;
  sqlite3_stmt* stmt_;
  int bind_rc_ = SQLITE_OK;  // first failed bind, reported by the next step
};

class Db {
 public:
  static constexpr int kBusyTimeoutMs = 5000;

  // Opens file with sqlite3_open_v2 flags and a busy timeout. Errors name `label` (the file when
  // empty), so a journal built in a temporary file still reports the path the operator gave.
  static Result<std::unique_ptr<Db>, JournalErrc> open(const std::string& file, int flags,
                                                       const std::string& label = "");
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  Result<Stmt, JournalErrc> prepare(const char* sql, const char* what) const;
  // For fixed SQL text only (schema, pragmas, BEGIN/COMMIT): never with user data.
  Status<JournalErrc> exec(const char* sql, const char* what) const;
  // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  int changes() const { return sqlite3_changes(db_); }

  // kCorrupt for SQLITE_NOTADB / SQLITE_CORRUPT, kIo otherwise:
  // "journal PATH: cannot WHAT: <sqlite message>".
  Error<JournalErrc> error(int rc, const char* what) const;

 private:
  Db(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  std::string path_;
  sqlite3* db_;
};

}  // namespace hitless::journal
