#include "drivers/command/command_output.hpp"

#include <boost/regex.hpp>
#include <sstream>

namespace hitless::drivers {
namespace {

std::string as_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

}  // namespace

// Booleans as devices print them.
std::optional<bool> as_bool(const nlohmann::json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0;
  std::string s = as_text(v);
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (s == "true" || s == "yes" || s == "on" || s == "1" || s == "enabled" || s == "up")
    return true;
  if (s == "false" || s == "no" || s == "off" || s == "0" || s == "disabled" || s == "down" ||
      s.empty())
    return false;
  return std::nullopt;
}

namespace {

std::optional<double> as_number(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>();
  const std::string s = as_text(v);
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
  return d;
}

std::vector<std::string> as_list(const nlohmann::json& v) {
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const auto& i : v) out.push_back(as_text(i));
    return out;
  }
  std::istringstream words(as_text(v));  // "a b c" from a capture
  for (std::string w; words >> w;) out.push_back(w);
  return out;
}

std::map<std::string, std::string> as_map(const nlohmann::json& v) {
  std::map<std::string, std::string> out;
  if (v.is_object())
    for (const auto& [k, x] : v.items()) out[k] = as_text(x);
  return out;
}

}  // namespace

std::optional<nlohmann::json> json_at(const nlohmann::json& doc, const std::string& path) {
  if (path.empty() || path == ".") return doc;
  // Split "a.b[2].c[*].d" at the first step.
  std::size_t end = path.find_first_of(".[");
  if (end == 0 && path[0] == '[') {
    const auto close = path.find(']');
    if (close == std::string::npos) return std::nullopt;
    const std::string index = path.substr(1, close - 1);
    std::string rest = path.substr(close + 1);
    if (!rest.empty() && rest[0] == '.') rest.erase(0, 1);
    if (!doc.is_array()) return std::nullopt;
    if (index == "*" || index[0] == '?') {
      // "[?key]": items whose `key` is true; the others give null ("" or {} once converted).
      const std::string only_if = index[0] == '?' ? index.substr(1) : "";
      nlohmann::json all = nlohmann::json::array();
      for (const auto& item : doc) {
        const bool wanted = only_if.empty() || (item.is_object() && item.contains(only_if) &&
                                                item[only_if].is_boolean() && item[only_if]);
        auto v = wanted ? json_at(item, rest) : std::nullopt;
        all.push_back(v ? *v : nlohmann::json());
      }
      return all;
    }
    try {
      const std::size_t i = std::stoul(index);
      if (i >= doc.size()) return std::nullopt;
      return json_at(doc[i], rest);
    } catch (...) {
      return std::nullopt;
    }
  }
  const std::string key = path.substr(0, end);
  std::string rest = end == std::string::npos ? "" : path.substr(end);
  if (!rest.empty() && rest[0] == '.') rest.erase(0, 1);
  if (!doc.is_object() || !doc.contains(key)) return std::nullopt;
  return json_at(doc.at(key), rest);
}

std::string first_lines(const std::string& text, int lines) {
  std::istringstream in(text);
  std::string out, line;
  int n = 0;
  while (n < lines && std::getline(in, line)) {
    if (line.size() > 200) line = line.substr(0, 200) + "...";  // one huge line stays readable
    out += "\n  | " + line, ++n;
  }
  if (n == 0) return "\n  | (no output)";
  if (std::getline(in, line)) out += "\n  | ...";
  return out;
}

namespace {

// The answer with the profile's `values:` wording applied to its fields.
Result<nlohmann::json, DriverErrc> translated(const CommandTemplate& c, nlohmann::json answer,
                                              const std::string& out) {
  if (!answer.is_object()) return answer;
  for (const auto& [field, words] : c.values) {
    if (!answer.contains(field)) continue;
    const std::string said = as_text(answer[field]);
    auto it = words.find(said);
    if (it == words.end())
      return make_error(DriverErrc::kProtocol,
                        "the output's " + field + " '" + said +
                            "' is none of the profile's values for it:" + first_lines(out));
    answer[field] = it->second == "true"    ? nlohmann::json(true)
                    : it->second == "false" ? nlohmann::json(false)
                                            : nlohmann::json(it->second);
  }
  return answer;
}

Result<nlohmann::json, DriverErrc> parsed(const CommandTemplate& c, const std::string& out);

}  // namespace

Result<nlohmann::json, DriverErrc> read_output(const CommandTemplate& c, const std::string& out) {
  auto answer = parsed(c, out);
  if (!answer) return answer;
  return translated(c, std::move(*answer), out);
}

namespace {

Result<nlohmann::json, DriverErrc> parsed(const CommandTemplate& c, const std::string& out) {
  nlohmann::json doc = nlohmann::json::object();
  if (c.output == OutputKind::kExitStatus) return doc;
  if (c.output == OutputKind::kJson) {
    doc = nlohmann::json::parse(out, nullptr, false);
    if (doc.is_discarded())
      return make_error(DriverErrc::kProtocol,
                        std::string("the output is not JSON:" + first_lines(out)));
    if (c.fields.empty()) return doc;
    nlohmann::json answer = nlohmann::json::object();
    for (const auto& [name, path] : c.fields) {
      auto v = json_at(doc, path);
      if (!v)
        return make_error(DriverErrc::kProtocol, "the output has no '" + path + "' (for " + name +
                                                     "):" + first_lines(out));
      answer[name] = *v;
    }
    return answer;
  }
  const boost::regex re(c.regex, boost::regex::perl);
  boost::smatch m;
  if (!boost::regex_search(out, m, re))
    return make_error(DriverErrc::kProtocol, "the output matches no pattern (expected /" + c.regex +
                                                 "/):" + first_lines(out));
  // Named captures by name: boost lists them through the pattern's named sub-expressions.
  nlohmann::json captures = nlohmann::json::object();
  const std::string& pat = c.regex;
  for (std::size_t at = pat.find("(?"); at != std::string::npos; at = pat.find("(?", at + 2)) {
    std::size_t start = at + 2;
    if (start < pat.size() && pat[start] == 'P') ++start;
    if (start >= pat.size() || pat[start] != '<') continue;
    const auto close = pat.find('>', start);
    if (close == std::string::npos) continue;
    const std::string name = pat.substr(start + 1, close - start - 1);
    if (name.empty() || name[0] == '=' || name[0] == '!') continue;  // look-behind, not a name
    if (m[name].matched) captures[name] = m[name].str();
  }
  if (c.fields.empty()) return captures;
  nlohmann::json answer = nlohmann::json::object();
  for (const auto& [name, capture] : c.fields)
    if (captures.contains(capture)) answer[name] = captures[capture];
  return answer;
}

}  // namespace

Result<ObservedNode, DriverErrc> observed_from_answer(const std::string& node,
                                                      const nlohmann::json& a) {
  if (!a.is_object())
    return make_error(DriverErrc::kProtocol, std::string("the status answer is not an object"));
  if (!a.contains("version") || as_text(a["version"]).empty())
    return make_error(DriverErrc::kProtocol, std::string("the status answer has no version"));
  ObservedNode n;
  n.name = node;
  n.reachable = true;
  n.phase = "running";
  n.serving = true;
  n.accepting = true;
  std::string bad;
  const auto text = [&](const char* k, std::string& out) {
    if (a.contains(k)) out = as_text(a[k]);
  };
  const auto flag = [&](const char* k, bool& out) {
    if (!a.contains(k)) return;
    if (auto b = as_bool(a[k]))
      out = *b;
    else
      bad = std::string(k) + " '" + as_text(a[k]) + "' is not true/false, yes/no or on/off";
  };
  const auto number = [&](const char* k, auto& out) {
    if (!a.contains(k)) return;
    if (auto d = as_number(a[k]))
      out = static_cast<std::remove_reference_t<decltype(out)>>(*d);
    else
      bad = std::string(k) + " '" + as_text(a[k]) + "' is not a number";
  };
  text("version", n.version);
  if (a.contains("packages")) n.packages = as_map(a["packages"]);
  for (const auto& [k, v] : a.items())
    if (k.rfind("packages.", 0) == 0)
      n.packages[k.substr(9)] = as_text(v);
    else if (k.rfind("settings.", 0) == 0)
      n.settings[k.substr(9)] = as_text(v);
  number("active_slot", n.active_slot);
  n.boot_slot = n.active_slot;
  number("boot_slot", n.boot_slot);
  if (a.contains("slot_versions")) n.slot_versions = as_list(a["slot_versions"]);
  if (a.contains("slot_packages") && a["slot_packages"].is_array())
    for (const auto& s : a["slot_packages"]) n.slot_packages.push_back(as_map(s));
  text("phase", n.phase);
  flag("serving", n.serving);
  flag("accepting", n.accepting);
  flag("powered", n.powered);
  text("ha_role", n.ha_role);
  if (n.ha_role.empty()) n.ha_role = "none";
  text("ha_peer", n.ha_peer);
  text("ha_status", n.ha_status);
  text("ha_peer_after_reboot", n.ha_peer_after_reboot);
  flag("syncing", n.syncing);
  number("last_sync_at", n.last_sync_at);
  text("shared_ip", n.shared_ip);
  flag("shared_ip_enabled", n.shared_ip_enabled);
  text("install_state", n.install_state);
  text("install_package", n.install_package);
  text("install_error", n.install_error);
  if (a.contains("staged")) n.staged = as_list(a["staged"]);
  text("data_checksum", n.data_checksum);
  text("config_checksum", n.config_checksum);
  if (a.contains("lab_boots")) {
    LabDiagnostics d;
    number("lab_boots", d.boots);
    number("lab_installs", d.installs);
    number("lab_sessions_open", d.sessions_open);
    n.lab = d;
  }
  if (!bad.empty()) return make_error(DriverErrc::kProtocol, std::move(bad));
  return n;
}

}  // namespace hitless::drivers
