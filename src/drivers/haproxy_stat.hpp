#pragma once
// Reading HAProxy's `show stat` answer: CSV whose header line starts with "# ". Columns are found
// by header name (their order differs between HAProxy versions), never by position. Pure.

#include <map>
#include <optional>
#include <string>

namespace hitless::drivers {

// One server line of a backend.
struct HaproxyServerStat {
  long scur = 0;             // current sessions: a drain is done when it reaches 0
  std::string status;        // UP, DOWN, DRAIN, MAINT, "UP 1/2", "DOWN 1/2", "DRAIN 1/2", ...
  std::string check_status;  // L7OK, L4CON, ...; empty while in maintenance (no checks run)
};

// The servers of `backend` by name; nullopt (with `error` set) when the text is not a `show stat`
// answer (no header, no scur/status/check_status column) or names no such backend.
std::optional<std::map<std::string, HaproxyServerStat>> parse_show_stat(const std::string& text,
                                                                        const std::string& backend,
                                                                        std::string* error);

// HAProxy's own health check sees the server up: it left maintenance, its last check passed and
// the status carries no transition marker ("DRAIN 1/2" is a server about to be marked down).
bool check_sees_up(const HaproxyServerStat& s);

}  // namespace hitless::drivers
