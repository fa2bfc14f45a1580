#pragma once
// The journal's on-disk format: building a new journal file without ever touching an existing
// one, and recognising a journal when opening a file. Internal to SqliteJournal.
// Stateless; each call uses its own connection or the one it is given, on the caller's thread.

#include <string>

#include "journal/journal.hpp"
#include "journal/sqlite_db.hpp"

namespace hitless::journal::schema {

inline constexpr const char* kMagic = "hitless-journal/1";
inline constexpr int kVersion = 1;

// Builds a complete journal for this plan in a temporary file beside `path`, then links it into
// place, which fails rather than replaces when `path` exists. So `path` is either absent or a
// whole journal, even after a crash, and a file that appeared meanwhile (another `hitless run`)
// is left alone: that case returns success and the caller opens and checks what is there.
Status<JournalErrc> create_file(const std::string& path, const std::string& plan_json,
                                const std::string& plan_hash, double now_wall);

// Checks, reading only, that `db` is a hitless journal of a version we understand, and returns
// its plan hash. kCorrupt, naming the file, for anything else.
Result<std::string, JournalErrc> check(const Db& db);

}  // namespace hitless::journal::schema
