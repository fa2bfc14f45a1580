#include "model/yaml_reader.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/durations.hpp"
#include "model/version.hpp"
#include "model/yaml_documents.hpp"

namespace hitless {

namespace {

const char* describe(const YAML::Node& n) {
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "nothing";
  return "a scalar";
}

int line_of_mark(const YAML::Mark& mark, int fallback) {
  return mark.line >= 0 ? mark.line + 1 : fallback;
}

}  // namespace

std::string join_names(std::span<const std::string_view> names) {
  std::string out;
  for (const std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

bool is_plain_name(std::string_view text) {
  bool ok = !text.empty() && text.size() <= 64 && std::isalnum(static_cast<unsigned char>(text[0]));
  for (const char c : text)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  return ok;
}

bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') return false;
  for (const char c : host)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
  return true;
}

bool split_host_port(std::string_view text, std::string& host, std::uint16_t& port) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view digits = text.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || digits.size() > 5 || ec != std::errc() ||
      end != digits.data() + digits.size() || value < 1 || value > 65535)
    return false;
  if (!is_host_name(text.substr(0, colon))) return false;
  host = std::string(text.substr(0, colon));
  port = static_cast<std::uint16_t>(value);
  return true;
}

std::optional<YamlField> YamlReader::load(const std::string& yaml, const std::string& empty_hint) {
  YAML::Node doc;
  if (auto bad = load_single_yaml_document(yaml, doc)) {
    fail(YamlErrc::kSyntax, bad->line, "",
         bad->second_document ? "more than one YAML document; the file holds exactly one"
                              : bad->message);
    return std::nullopt;
  }
  if (doc.IsNull()) {
    fail(YamlErrc::kMissingField, 1, "", "empty file (" + empty_hint + ")");
    return std::nullopt;
  }
  return YamlField{doc, "", "", line_of_mark(doc.Mark(), 1)};
}

bool YamlReader::fail(YamlErrc code, int line, const std::string& path,
                      const std::string& message) {
  if (!error_) {
    std::string text = file_ + ":" + std::to_string(line) + ": ";
    if (!path.empty()) text += path + ": ";
    error_ = make_error(code, text + message);
  }
  return false;
}

bool YamlReader::missing(const YamlField& map, const std::string& key, const std::string& hint) {
  return fail(YamlErrc::kMissingField, map.line, map.path.empty() ? key : map.path + "." + key,
              "required field missing" + (hint.empty() ? "" : " (" + hint + ")"));
}

std::optional<std::vector<YamlField>> YamlReader::entries(
    const YamlField& map, std::span<const std::string_view> allowed) {
  if (!map.node.IsMap()) {
    fail(YamlErrc::kWrongType, map, std::string("expected a map, got ") + describe(map.node));
    return std::nullopt;
  }
  std::vector<YamlField> out;
  std::map<std::string, int> first_line;
  for (auto it = map.node.begin(); it != map.node.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: `*it` is a temporary pair
    const int line = line_of_mark(key.Mark(), map.line);
    if (!key.IsScalar()) {
      fail(YamlErrc::kWrongType, line, map.path,
           "a key must be a plain word, got " + std::string(describe(key)));
      return std::nullopt;
    }
    const std::string name = key.Scalar();
    const std::string path = map.path.empty() ? name : map.path + "." + name;
    bool known = allowed.empty();
    for (const std::string_view a : allowed) known = known || a == name;
    if (!known) {
      fail(YamlErrc::kUnknownField, line, path,
           "unknown field '" + name + "' (allowed: " + join_names(allowed) + ")");
      return std::nullopt;
    }
    if (const auto seen_at = first_line.find(name); seen_at != first_line.end()) {
      fail(YamlErrc::kDuplicate, line, path,
           "field given twice (first at line " + std::to_string(seen_at->second) + ")");
      return std::nullopt;
    }
    first_line.emplace(name, line);
    lines_[path] = line;
    out.push_back(YamlField{it->second, path, name, line});
  }
  return out;
}

std::optional<std::vector<YamlField>> YamlReader::items(const YamlField& seq, const char* what) {
  if (!seq.node.IsSequence()) {
    fail(YamlErrc::kWrongType, seq,
         std::string("expected a list of ") + what + ", got " + describe(seq.node));
    return std::nullopt;
  }
  std::vector<YamlField> out;
  std::size_t i = 0;
  for (const YAML::Node& item : seq.node) {
    const int line = line_of_mark(item.Mark(), seq.line);
    const std::string path = seq.path + "[" + std::to_string(i++) + "]";
    lines_[path] = line;
    out.push_back(YamlField{item, path, "", line});
  }
  return out;
}

bool YamlReader::read_scalar(const YamlField& f, const char* expected, std::string& out) {
  if (!f.node.IsScalar())
    return fail(YamlErrc::kWrongType, f,
                std::string("expected ") + expected + ", got " + describe(f.node));
  out = f.node.Scalar();
  return true;
}

bool YamlReader::read_string(const YamlField& f, std::string& out) {
  if (!read_scalar(f, "a string", out)) return false;
  if (out.empty()) return fail(YamlErrc::kWrongType, f, "expected a string, got an empty one");
  return true;
}

bool YamlReader::read_name(const YamlField& f, std::string& out) {
  if (!read_scalar(f, "a name", out)) return false;
  if (!is_plain_name(out))
    return fail(YamlErrc::kWrongType, f,
                "'" + out + "' is not a valid name (letters, digits, '.', '_', '-'; up to 64)");
  return true;
}

bool YamlReader::read_version(const YamlField& f, std::string& out) {
  if (!read_scalar(f, "a version", out)) return false;
  if (!Version::parse(out))
    return fail(YamlErrc::kWrongType, f,
                "'" + out + "' is not a version (such as 7.2.0 or 23.2R1)");
  return true;
}

bool YamlReader::read_duration(const YamlField& f, double& out) {
  std::string text;
  if (!read_scalar(f, "a duration", text)) return false;
  const std::optional<double> seconds = parse_duration(text);
  if (!seconds)
    return fail(
        YamlErrc::kWrongType, f,
        "'" + text + "' is not a duration (such as 90s, 30m, 1h30m, 250ms; bare = seconds)");
  out = *seconds;
  return true;
}

bool YamlReader::read_number(const YamlField& f, double min, bool min_inclusive, double& out) {
  std::string text;
  if (!read_scalar(f, "a number", text)) return false;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value))
    return fail(YamlErrc::kWrongType, f, "'" + text + "' is not a number");
  if (value < min || (!min_inclusive && value == min)) {
    const std::string bound = (min_inclusive ? "at least " : "greater than ") +
                              std::to_string(static_cast<long long>(min));
    return fail(YamlErrc::kWrongType, f, "'" + text + "' is out of range (must be " + bound + ")");
  }
  out = value;
  return true;
}

bool YamlReader::read_count(const YamlField& f, int& out) {
  std::string text;
  if (!read_scalar(f, "a whole number", text)) return false;
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0)
    return fail(YamlErrc::kWrongType, f, "'" + text + "' is not a whole number >= 0");
  out = value;
  return true;
}

bool YamlReader::read_bool(const YamlField& f, bool& out) {
  std::string text;
  if (!read_scalar(f, "true or false", text)) return false;
  if (text == "true")
    out = true;
  else if (text == "false")
    out = false;
  else
    return fail(YamlErrc::kWrongType, f, "expected true or false, got '" + text + "'");
  return true;
}

bool YamlReader::read_host_port(const YamlField& f, std::string& out) {
  std::string text;
  if (!read_scalar(f, "an address", text)) return false;
  std::string host;
  std::uint16_t port = 0;
  if (!split_host_port(text, host, port))
    return fail(YamlErrc::kWrongType, f,
                "'" + text + "' is not an address (host:port, port 1-65535)");
  out = text;
  return true;
}

bool YamlReader::read_choice(const YamlField& f, std::span<const std::string_view> allowed,
                             std::string& out) {
  std::string text;
  if (!read_scalar(f, "one of a fixed set of words", text)) return false;
  for (const std::string_view a : allowed) {
    if (a == text) {
      out = text;
      return true;
    }
  }
  return fail(YamlErrc::kWrongType, f,
              "unknown " + f.key + " '" + text + "' (allowed: " + join_names(allowed) + ")");
}

int YamlReader::line_of(std::string path) const {
  while (!path.empty()) {
    if (const auto it = lines_.find(path); it != lines_.end()) return it->second;
    const std::size_t cut = path.find_last_of(".[");
    if (cut == std::string::npos) break;
    path.resize(cut);
  }
  return 1;
}

}  // namespace hitless
