#pragma once
// How a command's output becomes an answer: the JSON document (optionally reduced to named fields
// by path), the named captures of a regular expression, or nothing but the exit status; and how
// the `status` answer becomes an ObservedNode. Nothing is assumed: output that matches no pattern
// or is not JSON is an error quoting its first lines. Pure functions.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "drivers/command/profile.hpp"
#include "drivers/drivers.hpp"
#include "model/observed_state.hpp"

namespace hitless::drivers {

// The value at `path` in `doc`: keys separated by '.', "[N]" for an item, "[*]" for every item
// (giving an array). nullopt when something on the way is absent.
std::optional<nlohmann::json> json_at(const nlohmann::json& doc, const std::string& path);

// The answer a command's stdout gives under `c`. The error says what did not match and shows the
// output's first lines.
Result<nlohmann::json, DriverErrc> read_output(const CommandTemplate& c, const std::string& out);

// A boolean as devices print it: true/false, yes/no, on/off, 1/0, enabled/disabled, up/down (any
// case; "" is false); nullopt for anything else.
std::optional<bool> as_bool(const nlohmann::json& v);

// The first `lines` lines of `text` (for error messages), each prefixed with "  | ".
std::string first_lines(const std::string& text, int lines = 5);

// An ObservedNode from a status answer whose keys are ObservedNode field names (see
// status_field_names(); "packages.NAME" entries, "lab_*" counters). `version` is required.
Result<ObservedNode, DriverErrc> observed_from_answer(const std::string& node,
                                                      const nlohmann::json& answer);

}  // namespace hitless::drivers
