#include "drivers/haproxy_stat.hpp"

#include <sstream>
#include <vector>

namespace hitless::drivers {
namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

}  // namespace

std::optional<std::map<std::string, HaproxyServerStat>> parse_show_stat(const std::string& text,
                                                                        const std::string& backend,
                                                                        std::string* error) {
  auto fail = [&](const std::string& why) {
    if (error) *error = why;
    return std::nullopt;
  };
  std::istringstream in(text);
  std::string line;
  std::map<std::string, std::size_t> column;
  while (std::getline(in, line)) {
    if (line.rfind("# ", 0) != 0) continue;
    const auto names = split_csv_line(line.substr(2));
    for (std::size_t i = 0; i < names.size(); ++i) column[names[i]] = i;
    break;
  }
  for (const char* needed : {"pxname", "svname", "scur", "status", "check_status"})
    if (!column.count(needed))
      return fail(std::string("HAProxy's show stat answer has no '") + needed +
                  "' column: " + text.substr(0, 200));
  std::map<std::string, HaproxyServerStat> servers;
  bool backend_seen = false;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto f = split_csv_line(line);
    auto at = [&](const char* name) -> std::string {
      const std::size_t i = column[name];
      return i < f.size() ? f[i] : std::string();
    };
    if (at("pxname") != backend) continue;
    backend_seen = true;
    const std::string server = at("svname");
    if (server == "BACKEND" || server == "FRONTEND") continue;
    HaproxyServerStat s;
    try {
      s.scur = std::stol(at("scur"));
    } catch (...) {
      return fail("HAProxy's show stat answer has no number in scur for " + backend + "/" + server);
    }
    s.status = at("status");
    s.check_status = at("check_status");
    servers[server] = s;
  }
  if (!backend_seen) return fail("HAProxy has no backend '" + backend + "'");
  return servers;
}

bool check_sees_up(const HaproxyServerStat& s) {
  return (s.status == "UP" || s.status == "DRAIN") && s.check_status.rfind("L7OK", 0) == 0;
}

}  // namespace hitless::drivers
