#include "model/json_writer.hpp"

#include <charconv>

namespace hitless {

void JsonWriter::newline_indent(std::size_t depth) {
  out_ += '\n';
  out_.append(depth * static_cast<std::size_t>(indent_), ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (counts_.empty()) return;
  const bool first = counts_.back()++ == 0;
  if (one_line()) {
    if (!first) out_ += indent_ < 0 ? "," : ", ";
    return;
  }
  if (!first) out_ += ',';
  newline_indent(counts_.size());
}

void JsonWriter::key(std::string_view k) {
  before_value();
  escaped(k);
  out_ += indent_ >= 0 ? ": " : ":";
  after_key_ = true;
}

void JsonWriter::begin_object() {
  before_value();
  out_ += '{';
  counts_.push_back(0);
}

void JsonWriter::end_object() {
  const bool empty = counts_.back() == 0, newline = !one_line();
  counts_.pop_back();
  if (!empty && newline) newline_indent(counts_.size());
  out_ += '}';
  drain_if_large();
}

void JsonWriter::begin_array() {
  before_value();
  out_ += '[';
  counts_.push_back(0);
}

void JsonWriter::end_array() {
  const bool empty = counts_.back() == 0, newline = !one_line();
  counts_.pop_back();
  if (!empty && newline) newline_indent(counts_.size());
  out_ += ']';
  drain_if_large();
}

// As nlohmann's dump (ensure_ascii off): the short escapes, \u00xx for other control characters,
// everything else (UTF-8 included) as it is.
void JsonWriter::str(std::string_view s) {
  before_value();
  escaped(s);
}

void JsonWriter::escaped(std::string_view s) {
  out_ += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\b':
        out_ += "\\b";
        break;
      case '\f':
        out_ += "\\f";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default: {
        static const char* hex = "0123456789abcdef";
        out_ += "\\u00";
        out_ += hex[c >> 4];
        out_ += hex[c & 15];
      }
    }
  }
  out_.append(s.data() + run, s.size() - run);
  out_ += '"';
}

void JsonWriter::boolean(bool b) {
  before_value();
  out_ += b ? "true" : "false";
}

void JsonWriter::integer(std::int64_t i) {
  before_value();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, i);
  out_.append(buf, r.ptr);
}

void JsonWriter::number(double d) {
  before_value();
  out_ += nlohmann::json(d).dump();  // nlohmann's own float format (shortest round trip, "2.0")
}

void JsonWriter::null() {
  before_value();
  out_ += "null";
}

void JsonWriter::json(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object:
      begin_object();
      for (const auto& [k, v] : j.items()) {
        key(k);
        json(v);
      }
      end_object();
      break;
    case nlohmann::json::value_t::array:
      begin_array();
      for (const auto& v : j) json(v);
      end_array();
      break;
    case nlohmann::json::value_t::string:
      str(j.get_ref<const std::string&>());
      break;
    case nlohmann::json::value_t::boolean:
      boolean(j.get<bool>());
      break;
    case nlohmann::json::value_t::number_integer:
      integer(j.get<std::int64_t>());
      break;
    case nlohmann::json::value_t::number_float:
      number(j.get<double>());
      break;
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      null();
      break;
    default:  // unsigned, binary: rare; nlohmann formats them
      before_value();
      out_ += j.dump();
  }
}

void JsonWriter::strings(const std::vector<std::string>& v) {
  begin_array();
  for (const auto& s : v) str(s);
  end_array();
}

void JsonWriter::string_map(const std::map<std::string, std::string>& m) {
  begin_object();
  for (const auto& [k, v] : m) {
    key(k);
    str(v);
  }
  end_object();
}

void JsonWriter::drain_if_large() {
  if (sink_ && out_.size() >= (1u << 16)) {
    sink_(out_);
    out_.clear();
  }
}

void JsonWriter::finish() {
  if (sink_ && !out_.empty()) {
    sink_(out_);
    out_.clear();
  }
}

}  // namespace hitless
