#pragma once
// SpecReader: the project's strict YAML reader (model/yaml_reader.hpp) with the lab definition's
// own error codes and the two readers only the lab file needs (addresses as host[:port], enums
// spelled by a table). Everything else (paths, lines, unknown keys, scalars, durations, versions)
// is YamlReader's, so the inventory and the lab file report bad input the same way.
// Internal to lab/spec; one instance per parse, not thread-safe.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "lab/spec/lab_spec.hpp"
#include "lab/spec/lab_spec_parser.hpp"
#include "model/yaml_reader.hpp"

namespace hitless::lab::detail {

using Field = YamlField;

template <class E>
struct EnumName {
  std::string_view name;
  E value;
};

inline std::string join(std::span<const std::string_view> names) { return join_names(names); }
inline bool is_name(std::string_view text) { return is_plain_name(text); }
bool is_ipv4(std::string_view host);

class SpecReader : public YamlReader {
 public:
  explicit SpecReader(std::string file) : YamlReader(std::move(file)) {}

  // The lab file's codes over YamlReader's; kUnreadable never reaches the reader (the file
  // could not be read at all).
  bool fail(SpecErrc code, int line, const std::string& path, const std::string& message) {
    return YamlReader::fail(to_yaml_errc(code), line, path, message);
  }
  bool fail(SpecErrc code, const Field& f, const std::string& message) {
    return fail(code, f.line, f.path, message);
  }
  Error<SpecErrc> error() const {
    const Error<YamlErrc>& e = YamlReader::error();
    return Error<SpecErrc>{to_spec_errc(e.code), e.message};
  }

  bool read_endpoint(const Field& f, Endpoint& out);  // host or host:port (port 0-65535)
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

 private:
  static YamlErrc to_yaml_errc(SpecErrc code);
  static SpecErrc to_spec_errc(YamlErrc code);
};

}  // namespace hitless::lab::detail
