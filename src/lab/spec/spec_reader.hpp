#pragma once
// SpecReader: the strict YAML-reading toolkit behind the lab definition parser. It turns yaml-cpp
// nodes into typed values, remembers the line of every field it has seen (so the validation pass
// can point at it) and keeps the first error as "FILE:LINE: FIELD: message".
// Internal to lab/spec; one instance per parse, not thread-safe.

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "lab/spec/lab_spec.hpp"
#include "lab/spec/lab_spec_parser.hpp"

namespace hitless::lab::detail {

// A value in the document with its path ("clusters[0].nodes[1].name") and 1-based line (the
// line of its key, or of the item for sequence items).
struct Field {
  YAML::Node node;
  std::string path;
  std::string key;  // the map key naming it; "" for sequence items and the document
  int line = 1;
};

template <class E>
struct EnumName {
  std::string_view name;
  E value;
};

// "a, b, c": for "allowed: ..." in messages.
std::string join(std::span<const std::string_view> names);
bool is_ipv4(std::string_view host);
// [A-Za-z0-9][A-Za-z0-9._-]*, up to 64 characters: node, cluster, package and region names.
bool is_name(std::string_view text);

class SpecReader {
 public:
  explicit SpecReader(std::string file) : file_(std::move(file)) {}

  // Keeps the error if it is the first one; always returns false so callers can
  // `return r.fail(...)`.
  bool fail(SpecErrc code, int line, const std::string& path, const std::string& message);
  bool fail(SpecErrc code, const Field& f, const std::string& message) {
    return fail(code, f.line, f.path, message);
  }
  bool failed() const { return error_.has_value(); }
  const Error<SpecErrc>& error() const { return *error_; }

  // A map's entries in file order, checked against the allowed keys (unknown or repeated keys
  // fail; an empty `allowed` takes any key). nullopt after a failure.
  std::optional<std::vector<Field>> entries(const Field& map,
                                            std::span<const std::string_view> allowed);
  // A sequence's items. `what` names the items in messages ("nodes").
  std::optional<std::vector<Field>> items(const Field& seq, const char* what);

  bool read_scalar(const Field& f, const char* expected, std::string& out);
  bool read_string(const Field& f, std::string& out);  // any non-empty scalar
  bool read_name(const Field& f, std::string& out);    // [A-Za-z0-9][A-Za-z0-9._-]*
  bool read_version(const Field& f, std::string& out);
  bool read_duration(const Field& f, double& out);
  bool read_number(const Field& f, double min, bool min_inclusive, double& out);
  bool read_count(const Field& f, int& out);  // a non-negative integer
  bool read_bool(const Field& f, bool& out);
  bool read_endpoint(const Field& f, Endpoint& out);  // host or host:port
  bool read_choice(const Field& f, std::span<const std::string_view> allowed, std::string& out);
  template <class E>
  bool read_enum(const Field& f, std::span<const EnumName<E>> names, E& out) {
    std::string text;
    if (!read_scalar(f, "one of a fixed set of words", text)) return false;
    std::vector<std::string_view> spelled;
    for (const auto& n : names) {
      if (n.name == text) {
        out = n.value;
        return true;
      }
      spelled.push_back(n.name);
    }
    return fail(SpecErrc::kWrongType, f,
                "unknown " + f.key + " '" + text + "' (allowed: " + join(spelled) + ")");
  }

  // The line where `path` was declared, else that of its nearest recorded parent, else 1.
  int line_of(std::string path) const;
  bool seen(const std::string& path) const { return lines_.count(path) > 0; }

 private:
  std::string file_;
  std::optional<Error<SpecErrc>> error_;
  std::map<std::string, int> lines_;
};

}  // namespace hitless::lab::detail
