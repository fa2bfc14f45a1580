#pragma once
// The little HTTP/1.1 the probe speaks to an appliance's data plane: its two GET requests, the
// response's status line and head (only Content-Length matters), the JSON body's node name and the
// session body's lines. Pure functions on bytes, no I/O; thread-compatible.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hitless::probe::detail {

// Heads larger than this are treated as malformed, so a broken server cannot grow our buffers.
inline constexpr std::size_t kMaxHeadBytes = 16 * 1024;
// Bodies are read up to this size for the node name; the rest is ignored.
inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;

// "GET <path> HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
std::string build_get(std::string_view path);
// "/session" or "/session?lifetime_s=<seconds>" when lifetime_s > 0.
std::string session_path(double lifetime_s);

enum class Parse { kIncomplete, kComplete, kMalformed };

struct ResponseHead {
  int status = 0;
  std::optional<std::size_t> content_length;
  std::size_t size = 0;  // bytes of status line and headers, blank line included
};

// Status line only ("HTTP/1.1 200 OK\r\n"): enough to judge a request.
Parse parse_status_line(std::string_view data, int& status);
// Status line and headers, up to and including the blank line.
Parse parse_response_head(std::string_view data, ResponseHead& head);

// The "node" member of a JSON object body ({"node":"a",...}); "?" for anything else.
std::string node_from_body(std::string_view body);

// kTransferred: "transferred ID NODE", the session moved to another node (seed 000 VIP failover).
enum class SessionLine { kOpen, kEndCompleted, kTransferred, kOther };
// One line of a /session body, without its '\n' ("open 17 a", "end completed").
SessionLine classify_session_line(std::string_view line);

}  // namespace hitless::probe::detail
