#include "drivers/command/command_template.hpp"

#include <nlohmann/json.hpp>

namespace hitless::drivers {
namespace {

// Walks `text`, handing literal runs to `literal` and placeholder names to `name`. False with
// `error` set on a stray brace.
template <class Literal, class Name>
bool walk(const std::string& text, std::string& error, Literal literal, Name name) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal(c);
      ++i;
      continue;
    }
    if (c == '}') {
      error = "a '}' at position " + std::to_string(i) + " closes nothing (write '}}' for a brace)";
      return false;
    }
    if (c != '{') {
      literal(c);
      continue;
    }
    const auto close = text.find('}', i + 1);
    if (close == std::string::npos) {
      error =
          "a '{' at position " + std::to_string(i) + " is never closed (write '{{' for a brace)";
      return false;
    }
    const std::string n = text.substr(i + 1, close - i - 1);
    if (n.empty() || n.find_first_of("{ \t") != std::string::npos) {
      error = "'{" + n + "}' is not a placeholder name";
      return false;
    }
    name(n);
    i = close;
  }
  return true;
}

}  // namespace

std::optional<std::vector<std::string>> template_placeholders(const std::string& text,
                                                              std::string& error) {
  std::vector<std::string> names;
  if (!walk(
          text, error, [](char) {}, [&](const std::string& n) { names.push_back(n); }))
    return std::nullopt;
  return names;
}

std::optional<std::string> fill_template(const std::string& text,
                                         const std::map<std::string, std::string>& values,
                                         bool for_shell, std::string& missing) {
  std::string out, error;
  bool complete = true;
  const bool ok = walk(
      text, error, [&](char c) { out += c; },
      [&](const std::string& n) {
        const bool as_json = n.size() > 5 && n.ends_with("|json");
        auto it = values.find(as_json ? n.substr(0, n.size() - 5) : n);
        if (it == values.end()) {
          if (complete) missing = n;
          complete = false;
          return;
        }
        const std::string value = as_json ? nlohmann::json(it->second).dump() : it->second;
        out += for_shell ? shell_quote(value) : value;
      });
  if (!ok) {
    missing = error;
    return std::nullopt;
  }
  if (!complete) return std::nullopt;
  return out;
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

}  // namespace hitless::drivers
