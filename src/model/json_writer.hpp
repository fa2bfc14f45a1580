#pragma once
// JsonWriter: writes JSON text straight from values, without building an nlohmann tree, in
// nlohmann's canonical form: callers give object keys in sorted order, and the output equals
// `json::dump()` (indent < 0) or `json::dump(indent)` of the same document. Used where the text is
// large (plans of many steps) or hashed (plan_hash, observed_hash). Optionally drains its buffer
// into a sink as it grows, so a hash can be taken without holding the whole text. One thread.

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace hitless {

class JsonWriter {
 public:
  using Sink = std::function<void(std::string_view)>;
  // indent < 0: compact; otherwise pretty with that many spaces a level (as dump(indent)), except
  // that containers opened at nesting depth `one_line_depth` or deeper (0: the document) are
  // written on one line, members separated by ", " (not canonical; for long files of many
  // similar records, one record a line).
  explicit JsonWriter(int indent = -1, Sink sink = nullptr, std::size_t one_line_depth = SIZE_MAX)
      : indent_(indent), one_line_depth_(one_line_depth), sink_(std::move(sink)) {}

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view k);  // keys must come in sorted order for canonical output

  void str(std::string_view s);
  void boolean(bool b);
  void integer(std::int64_t i);
  void number(double d);
  void null();
  void json(const nlohmann::json& j);
  void strings(const std::vector<std::string>& v);
  void string_map(const std::map<std::string, std::string>& m);

  // The text written so far (all of it when there is no sink). finish() drains the rest.
  std::string& text() { return out_; }
  void finish();

 private:
  void before_value();
  void escaped(std::string_view s);
  void newline_indent(std::size_t depth);
  void drain_if_large();

  bool one_line() const { return indent_ < 0 || counts_.size() > one_line_depth_; }

  int indent_;
  std::size_t one_line_depth_;
  Sink sink_;
  std::string out_;
  std::vector<std::size_t> counts_;  // members written so far, per open container
  bool after_key_ = false;
};

}  // namespace hitless
