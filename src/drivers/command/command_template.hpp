#pragma once
// Command templates: text with {placeholders} (`{node.address}`, `{params.package}`,
// `{secret.token}`, ...) filled from a node's fields and an action's parameters. A value always
// stays one argv element, whatever it holds (quotes, spaces, ';', `$(...)`); in a shell script
// template every value is single-quoted for the shell, so it is data, never code. `{NAME|json}`
// gives the value as a JSON string (quoted and escaped) for request bodies. `{{` and `}}` stand
// for literal braces. Pure functions.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hitless::drivers {

// The names a template refers to, in order; nullopt with `error` set when a brace is unbalanced
// or a name is empty.
std::optional<std::vector<std::string>> template_placeholders(const std::string& text,
                                                              std::string& error);

// The template with every placeholder replaced by its value from `values` (shell-quoted when
// `for_shell`). nullopt with `missing` set to the first name without a value.
std::optional<std::string> fill_template(const std::string& text,
                                         const std::map<std::string, std::string>& values,
                                         bool for_shell, std::string& missing);

// 'text' for a POSIX shell: single quotes, an embedded ' written as '\''.
std::string shell_quote(const std::string& text);

}  // namespace hitless::drivers
