#pragma once
// Vendor profile: how the command driver carries out each management action on one kind of
// appliance (docs/profile-format.md). Each action is one or more command templates: an argv (or a
// shell script whose values are quoted), optional stdin, a timeout, how the output is read (exit
// status, a regular expression with named captures, or JSON) and which fields of it form the
// answer. `status` is required; its fields are ObservedNode's. Loading checks everything that can
// be checked without a node: unknown action or field, a regex that does not compile, a missing
// timeout, a placeholder that no node or action provides; errors read "FILE:LINE: FIELD: ...".
// Plain values after loading.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace hitless::drivers {

enum class ProfileErrc { kUnreadable, kInvalid };

enum class OutputKind { kExitStatus, kRegex, kJson };
const char* to_string(OutputKind k);

struct CommandTemplate {
  std::vector<std::string> argv;  // each element a template, run here; or
  std::string shell;              // a script for /bin/sh -c here, values shell-quoted; or
  std::string exec;  // a command line run on the node over the profile's SSH transport; values
                     // must be plain words (letters, digits, . _ - : / @ + = ,), never quoted
  std::string stdin_text;  // template; secrets go here rather than on the command line
  double timeout_s = 0;
  OutputKind output = OutputKind::kExitStatus;
  std::string regex;  // kRegex: searched in stdout; named captures are the answer
  // Answer field -> where it comes from: a JSON path ("ha.role", "slots[*].version") for kJson,
  // a capture name for kRegex. Empty: the whole document (JSON) or every capture (regex).
  std::map<std::string, std::string> fields;
  // Answer field -> device wording -> value ("ha_role": {"Master": "primary"}; "true"/"false"
  // become booleans). A field whose text is not listed is an error, never a guess.
  std::map<std::string, std::map<std::string, std::string>> values;
  int line = 0;
};

struct ProfileAction {
  std::string kind;
  std::vector<CommandTemplate> commands;  // run in order; their answers merged
  bool repeat_safe = false;
  int line = 0;
};

// How `exec` commands reach the node: SSH (libssh) to the node's address, key authentication,
// the host key pinned in known_hosts. Each text is a template (e.g. '{secret.token_file}').
struct SshTransport {
  std::string user;
  std::string key_file;
  std::string known_hosts;
  double keepalive_s = 15;
  double connect_timeout_s = 10;
};

struct Profile {
  std::string name;
  std::string file;
  std::string description;
  std::optional<SshTransport> ssh;
  std::map<std::string, ProfileAction> actions;  // by kind

  const ProfileAction* find(const std::string& kind) const;
  // Every placeholder some command of the profile uses ("secret.token", "env.API_KEY", ...).
  std::vector<std::string> placeholders() const;
};

// The action kinds a profile may define, and the params each may use as {params.NAME}.
const std::map<std::string, std::vector<std::string>>& profile_action_kinds();
// The ObservedNode fields `status` may fill.
const std::vector<std::string>& status_field_names();

Result<Profile, ProfileErrc> load_profile(const std::string& path);
Result<Profile, ProfileErrc> parse_profile_text(const std::string& yaml, const std::string& file);

}  // namespace hitless::drivers
