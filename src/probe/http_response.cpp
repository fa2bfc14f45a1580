// The probe's HTTP/1.1 subset: request bytes and response head parsing. Pure.

#include "probe/http_response.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

namespace hitless::probe::detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string build_get(std::string_view path) {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
}

std::string session_path(double lifetime_s) {
  if (!(lifetime_s > 0)) return "/session";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, lifetime_s);
  return "/session?lifetime_s=" + std::string(buf, ec == std::errc() ? end : buf);
}

Parse parse_status_line(std::string_view data, int& status) {
  auto eol = data.find("\r\n");
  if (eol == std::string_view::npos) {
    return data.size() > kMaxHeadBytes ? Parse::kMalformed : Parse::kIncomplete;
  }
  std::string_view line = data.substr(0, eol);
  // "HTTP/1.x SSS[ reason]"
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ')
    return Parse::kMalformed;
  std::string_view code = line.substr(9, 3);
  int value = 0;
  auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), value);
  if (ec != std::errc() || end != code.data() + 3 || value < 100) return Parse::kMalformed;
  if (line.size() > 12 && line[12] != ' ') return Parse::kMalformed;
  status = value;
  return Parse::kComplete;
}

Parse parse_response_head(std::string_view data, ResponseHead& head) {
  auto status = parse_status_line(data, head.status);
  if (status != Parse::kComplete) return status;
  auto end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    return data.size() > kMaxHeadBytes ? Parse::kMalformed : Parse::kIncomplete;
  }
  if (end + 4 > kMaxHeadBytes) return Parse::kMalformed;
  head.size = end + 4;
  head.content_length.reset();
  std::string_view headers = data.substr(0, end + 2);
  std::size_t pos = headers.find("\r\n") + 2;  // skip the status line
  while (pos < headers.size()) {
    auto eol = headers.find("\r\n", pos);
    std::string_view line = headers.substr(pos, eol - pos);
    pos = eol + 2;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return Parse::kMalformed;
    if (!iequals(trim(line.substr(0, colon)), "content-length")) continue;
    std::string_view value = trim(line.substr(colon + 1));
    std::size_t length = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
    if (value.empty() || ec != std::errc() || p != value.data() + value.size()) {
      return Parse::kMalformed;
    }
    head.content_length = length;
  }
  return Parse::kComplete;
}

std::string node_from_body(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return "?";
  auto it = json.find("node");
  if (it == json.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return "?";
  return it->get<std::string>();
}

SessionLine classify_session_line(std::string_view line) {
  line = trim(line);
  if (line.substr(0, 5) == "open ") return SessionLine::kOpen;
  if (line == "end completed") return SessionLine::kEndCompleted;
  if (line.substr(0, 12) == "transferred ") return SessionLine::kTransferred;
  return SessionLine::kOther;
}

}  // namespace hitless::probe::detail
