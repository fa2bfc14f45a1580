#include "journal/sqlite_db.hpp"

#include <utility>

namespace hitless::journal {

Stmt::Stmt(Stmt&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), bind_rc_(other.bind_rc_) {}

Stmt::~Stmt() {
  // Finalizing also ends the statement's read transaction, so the next read sees fresh data
  // (approvals written by another process).
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Stmt& Stmt::bind(int index, const std::string& value) {
  int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Stmt& Stmt::bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Stmt& Stmt::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, static_cast<sqlite3_int64>(value));
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Result<bool, JournalErrc> Stmt::next(const char* what) {
  if (bind_rc_ != SQLITE_OK) return db_->error(bind_rc_, what);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->error(rc, what);
}

Status<JournalErrc> Stmt::run(const char* what) {
  auto r = next(what);
  if (!r) return r.error();
  return Unit{};
}

std::string Stmt::text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

double Stmt::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::int64_t Stmt::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

Result<std::unique_ptr<Db>, JournalErrc> Db::open(const std::string& file, int flags,
                                                  const std::string& label) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
  // sqlite3_open_v2 hands back a handle even on failure; Db closes it either way.
  std::unique_ptr<Db> db(new Db(label.empty() ? file : label, raw));
  if (rc != SQLITE_OK) return db->error(rc, "open");
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  return db;
}

Db::~Db() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Result<Stmt, JournalErrc> Db::prepare(const char* sql, const char* what) const {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    if (stmt != nullptr) sqlite3_finalize(stmt);
    return error(rc, what);
  }
  return Stmt(*this, stmt);
}

Status<JournalErrc> Db::exec(const char* sql, const char* what) const {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error(rc, what);
  return Unit{};
}

Error<JournalErrc> Db::error(int rc, const char* what) const {
  int primary = rc & 0xff;
  JournalErrc code = (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) ? JournalErrc::kCorrupt
                                                                             : JournalErrc::kIo;
  // The connection's message is the most specific, but only if it is about this failure.
  const char* detail =
      (db_ != nullptr && sqlite3_errcode(db_) == rc) ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  return make_error(code, "journal " + path_ + ": cannot " + what + ": " + detail);
}

}  // namespace hitless::journal
