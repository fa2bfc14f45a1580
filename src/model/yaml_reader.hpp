#pragma once
// YamlReader: a strict YAML-reading toolkit for the project's file formats (the inventory now, the
// lab definition later). It turns yaml-cpp nodes into typed values, remembers the line of every
// field it has seen and keeps the first error as "FILE:LINE: FIELD: message" with a YamlErrc that
// each format maps to its own error enum. One instance per parse; not thread-safe.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace hitless {

enum class YamlErrc { kSyntax, kUnknownField, kWrongType, kMissingField, kDuplicate, kConflict };

// A value in the document with its path ("clusters[0].nodes[1].name") and 1-based line (the
// line of its key, or of the item for sequence items).
struct YamlField {
  YAML::Node node;
  std::string path;
  std::string key;  // the map key naming it; "" for sequence items and the document
  int line = 1;
};

// "a, b, c": for "allowed: ..." in messages.
std::string join_names(std::span<const std::string_view> names);
// [A-Za-z0-9][A-Za-z0-9._-]*, up to 64 characters.
bool is_plain_name(std::string_view text);
// A DNS name or dotted IPv4 address (letters, digits, '.', '-').
bool is_host_name(std::string_view host);

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  // The single document of `yaml`; nullopt (and an error) on a syntax error, more than one
  // document or an empty one. `empty_hint` ends the empty-file message.
  std::optional<YamlField> load(const std::string& yaml, const std::string& empty_hint);

  // Keeps the error if it is the first one; always returns false so callers can
  // `return r.fail(...)`.
  bool fail(YamlErrc code, int line, const std::string& path, const std::string& message);
  bool fail(YamlErrc code, const YamlField& f, const std::string& message) {
    return fail(code, f.line, f.path, message);
  }
  // A required key absent from `map` (reported at the map's line).
  bool missing(const YamlField& map, const std::string& key, const std::string& hint = "");
  bool failed() const { return error_.has_value(); }
  const Error<YamlErrc>& error() const { return *error_; }

  // A map's entries in file order, checked against the allowed keys (unknown or repeated keys
  // fail; an empty `allowed` takes any key). nullopt after a failure.
  std::optional<std::vector<YamlField>> entries(const YamlField& map,
                                                std::span<const std::string_view> allowed);
  // A sequence's items. `what` names the items in messages ("nodes").
  std::optional<std::vector<YamlField>> items(const YamlField& seq, const char* what);

  bool read_scalar(const YamlField& f, const char* expected, std::string& out);
  bool read_string(const YamlField& f, std::string& out);  // any non-empty scalar
  bool read_name(const YamlField& f, std::string& out);    // is_plain_name
  bool read_version(const YamlField& f, std::string& out);
  bool read_duration(const YamlField& f, double& out);  // seconds
  bool read_number(const YamlField& f, double min, bool min_inclusive, double& out);
  bool read_count(const YamlField& f, int& out);  // a non-negative integer
  bool read_bool(const YamlField& f, bool& out);
  // "host:port" with port 1..65535; `out` keeps the text as written.
  bool read_host_port(const YamlField& f, std::string& out);
  bool read_choice(const YamlField& f, std::span<const std::string_view> allowed, std::string& out);

  // The line where `path` was declared, else that of its nearest recorded parent, else 1.
  int line_of(std::string path) const;
  // Whether the document had a field at `path` (entries() and items() record every one).
  bool seen(const std::string& path) const { return lines_.count(path) > 0; }

 private:
  std::string file_;
  std::optional<Error<YamlErrc>> error_;
  std::map<std::string, int> lines_;
};

// "host:port" split; false unless the port is 1..65535 and the host is_host_name.
bool split_host_port(std::string_view text, std::string& host, std::uint16_t& port);

}  // namespace hitless
