#include "lab/spec/spec_reader.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/durations.hpp"
#include "model/version.hpp"

namespace hitless::lab::detail {

namespace {

const char* describe(const YAML::Node& n) {
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "nothing";
  return "a scalar";
}

bool parse_port(std::string_view text, std::uint16_t& out) {
  if (text.empty() || text.size() > 5) return false;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > 65535) return false;
  out = static_cast<std::uint16_t>(value);
  return true;
}

bool is_hostname(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') return false;
  for (const char c : host)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
  return true;
}

}  // namespace

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (const std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

bool is_ipv4(std::string_view host) {
  int parts = 0;
  std::size_t i = 0;
  while (i <= host.size()) {
    const std::size_t dot = std::min(host.find('.', i), host.size());
    const std::string_view part = host.substr(i, dot - i);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || part.size() > 3 || ec != std::errc() || end != part.data() + part.size() ||
        value > 255)
      return false;
    ++parts;
    i = dot + 1;
  }
  return parts == 4;
}

bool is_name(std::string_view text) {
  bool ok = !text.empty() && text.size() <= 64 && std::isalnum(static_cast<unsigned char>(text[0]));
  for (const char c : text)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  return ok;
}

bool SpecReader::fail(SpecErrc code, int line, const std::string& path,
                      const std::string& message) {
  if (!error_) {
    std::string text = file_ + ":" + std::to_string(line) + ": ";
    if (!path.empty()) text += path + ": ";
    error_ = make_error(code, text + message);
  }
  return false;
}

std::optional<std::vector<Field>> SpecReader::entries(const Field& map,
                                                      std::span<const std::string_view> allowed) {
  if (!map.node.IsMap()) {
    fail(SpecErrc::kWrongType, map, std::string("expected a map, got ") + describe(map.node));
    return std::nullopt;
  }
  std::vector<Field> out;
  std::map<std::string, int> first_line;
  for (auto it = map.node.begin(); it != map.node.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: `*it` is a temporary pair
    const int line = key.Mark().line >= 0 ? key.Mark().line + 1 : map.line;
    if (!key.IsScalar()) {
      fail(SpecErrc::kWrongType, line, map.path,
           "a key must be a plain word, got " + std::string(describe(key)));
      return std::nullopt;
    }
    const std::string name = key.Scalar();
    const std::string path = map.path.empty() ? name : map.path + "." + name;
    bool known = allowed.empty();
    for (const std::string_view a : allowed) known = known || a == name;
    if (!known) {
      fail(SpecErrc::kUnknownField, line, path,
           "unknown field '" + name + "' (allowed: " + join(allowed) + ")");
      return std::nullopt;
    }
    if (const auto seen_at = first_line.find(name); seen_at != first_line.end()) {
      fail(SpecErrc::kDuplicate, line, path,
           "field given twice (first at line " + std::to_string(seen_at->second) + ")");
      return std::nullopt;
    }
    first_line.emplace(name, line);
    lines_[path] = line;
    out.push_back(Field{it->second, path, name, line});
  }
  return out;
}

std::optional<std::vector<Field>> SpecReader::items(const Field& seq, const char* what) {
  if (!seq.node.IsSequence()) {
    fail(SpecErrc::kWrongType, seq,
         std::string("expected a list of ") + what + ", got " + describe(seq.node));
    return std::nullopt;
  }
  std::vector<Field> out;
  std::size_t i = 0;
  for (const YAML::Node& item : seq.node) {
    const int line = item.Mark().line >= 0 ? item.Mark().line + 1 : seq.line;
    const std::string path = seq.path + "[" + std::to_string(i++) + "]";
    lines_[path] = line;
    out.push_back(Field{item, path, "", line});
  }
  return out;
}

bool SpecReader::read_scalar(const Field& f, const char* expected, std::string& out) {
  if (!f.node.IsScalar())
    return fail(SpecErrc::kWrongType, f,
                std::string("expected ") + expected + ", got " + describe(f.node));
  out = f.node.Scalar();
  return true;
}

bool SpecReader::read_string(const Field& f, std::string& out) {
  if (!read_scalar(f, "a string", out)) return false;
  if (out.empty()) return fail(SpecErrc::kWrongType, f, "expected a string, got an empty one");
  return true;
}

bool SpecReader::read_name(const Field& f, std::string& out) {
  if (!read_scalar(f, "a name", out)) return false;
  if (!is_name(out))
    return fail(SpecErrc::kWrongType, f,
                "'" + out + "' is not a valid name (letters, digits, '.', '_', '-'; up to 64)");
  return true;
}

bool SpecReader::read_version(const Field& f, std::string& out) {
  if (!read_scalar(f, "a version", out)) return false;
  if (!Version::parse(out))
    return fail(SpecErrc::kWrongType, f,
                "'" + out + "' is not a version (such as 7.2.0 or 23.2R1)");
  return true;
}

bool SpecReader::read_duration(const Field& f, double& out) {
  std::string text;
  if (!read_scalar(f, "a duration", text)) return false;
  const std::optional<double> seconds = parse_duration(text);
  if (!seconds)
    return fail(
        SpecErrc::kWrongType, f,
        "'" + text + "' is not a duration (such as 90s, 30m, 1h30m, 250ms; bare = seconds)");
  out = *seconds;
  return true;
}

bool SpecReader::read_number(const Field& f, double min, bool min_inclusive, double& out) {
  std::string text;
  if (!read_scalar(f, "a number", text)) return false;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value))
    return fail(SpecErrc::kWrongType, f, "'" + text + "' is not a number");
  if (value < min || (!min_inclusive && value == min)) {
    const std::string bound = (min_inclusive ? "at least " : "greater than ") +
                              std::to_string(static_cast<long long>(min));
    return fail(SpecErrc::kWrongType, f, "'" + text + "' is out of range (must be " + bound + ")");
  }
  out = value;
  return true;
}

bool SpecReader::read_count(const Field& f, int& out) {
  std::string text;
  if (!read_scalar(f, "a whole number", text)) return false;
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0)
    return fail(SpecErrc::kWrongType, f, "'" + text + "' is not a whole number >= 0");
  out = value;
  return true;
}

bool SpecReader::read_bool(const Field& f, bool& out) {
  std::string text;
  if (!read_scalar(f, "true or false", text)) return false;
  if (text == "true")
    out = true;
  else if (text == "false")
    out = false;
  else
    return fail(SpecErrc::kWrongType, f, "expected true or false, got '" + text + "'");
  return true;
}

bool SpecReader::read_endpoint(const Field& f, Endpoint& out) {
  std::string text;
  if (!read_scalar(f, "an address", text)) return false;
  Endpoint ep;
  const std::size_t colon = text.rfind(':');
  ep.host = text.substr(0, colon);
  const bool port_ok = colon == std::string::npos || parse_port(text.substr(colon + 1), ep.port);
  if (!port_ok || !is_hostname(ep.host))
    return fail(SpecErrc::kWrongType, f,
                "'" + text + "' is not an address (host or host:port, port 0-65535)");
  out = ep;
  return true;
}

bool SpecReader::read_choice(const Field& f, std::span<const std::string_view> allowed,
                             std::string& out) {
  std::string text;
  if (!read_scalar(f, "one of a fixed set of words", text)) return false;
  for (const std::string_view a : allowed) {
    if (a == text) {
      out = text;
      return true;
    }
  }
  return fail(SpecErrc::kWrongType, f,
              "unknown " + f.key + " '" + text + "' (allowed: " + join(allowed) + ")");
}

int SpecReader::line_of(std::string path) const {
  while (!path.empty()) {
    if (const auto it = lines_.find(path); it != lines_.end()) return it->second;
    const std::size_t cut = path.find_last_of(".[");
    if (cut == std::string::npos) break;
    path.resize(cut);
  }
  return 1;
}

}  // namespace hitless::lab::detail
