#include "drivers/command/profile.hpp"

#include <boost/regex.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "drivers/command/command_template.hpp"
#include "model/yaml_reader.hpp"

namespace hitless::drivers {
namespace {

constexpr std::string_view kTopKeys[] = {"profile", "description", "transport", "actions"};
constexpr std::string_view kTransportKeys[] = {"kind",        "user",      "key_file",
                                               "known_hosts", "keepalive", "connect_timeout"};
constexpr std::string_view kTransportKinds[] = {"ssh"};
constexpr std::string_view kCommandKeys[] = {"argv",   "shell", "exec",   "stdin", "timeout",
                                             "output", "regex", "fields", "values"};
constexpr std::string_view kActionOnlyKeys[] = {"repeat_safe", "commands"};
constexpr std::string_view kOutputKinds[] = {"exit-status", "regex", "json"};
// Placeholder namespaces whose names are fixed (params.* depends on the action, env.* is free).
const std::map<std::string, std::set<std::string>>& fixed_placeholders() {
  static const std::map<std::string, std::set<std::string>> names{
      {"node", {"name", "address", "host", "port", "role", "chassis", "slot", "token_file"}},
      {"inventory", {"dir"}},
      {"cluster", {"name", "service", "service_host", "service_port"}},
      {"power", {"address", "host", "port", "path", "token_file"}},
      // *_file: the path, once its owner-only mode is checked (for programs that read it).
      {"secret", {"token", "power_token", "token_file", "power_token_file"}},
  };
  return names;
}

std::vector<std::string_view> action_keys() {
  std::vector<std::string_view> keys(std::begin(kCommandKeys), std::end(kCommandKeys));
  keys.insert(keys.end(), std::begin(kActionOnlyKeys), std::end(kActionOnlyKeys));
  return keys;
}

bool check_placeholders(YamlReader& r, const YamlField& f, const std::string& text,
                        const std::string& kind) {
  std::string error;
  const auto names = template_placeholders(text, error);
  if (!names) return r.fail(YamlErrc::kWrongType, f, error);
  for (std::string n : *names) {
    if (n.ends_with("|json")) n.resize(n.size() - 5);
    const auto dot = n.find('.');
    const std::string space = n.substr(0, dot),
                      rest = dot == std::string::npos ? "" : n.substr(dot + 1);
    if (space == "env" && !rest.empty()) continue;
    if (space == "params") {
      const auto& allowed = profile_action_kinds().at(kind);
      if (std::find(allowed.begin(), allowed.end(), rest) != allowed.end()) continue;
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return r.fail(YamlErrc::kUnknownField, f,
                    "'{" + n + "}': action " + kind + " has no parameter '" + rest + "'" +
                        (list.empty() ? " (it has none)" : " (it has: " + list + ")"));
    }
    auto it = fixed_placeholders().find(space);
    if (it != fixed_placeholders().end() && it->second.count(rest)) continue;
    return r.fail(
        YamlErrc::kUnknownField, f,
        "'{" + n +
            "}' is not a placeholder (node.*, cluster.*, power.*, inventory.dir, secret.*, "
            "env.NAME, params.*; see docs/profile-format.md)");
  }
  return true;
}

bool parse_fields(YamlReader& r, const YamlField& f, const std::string& kind, CommandTemplate& c) {
  const auto es = r.entries(f, {});
  if (!es) return false;
  const auto& known = status_field_names();
  for (const YamlField& e : *es) {
    // `packages.NAME` fills one entry of the packages map.
    const std::string base = e.key.substr(0, e.key.find('.'));
    if (kind == "status" && std::find(known.begin(), known.end(), base) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      return r.fail(YamlErrc::kUnknownField, e,
                    "'" + e.key + "' is not a field of an observed node (fields: " + list + ")");
    }
    if (!r.read_string(e, c.fields[e.key])) return false;
  }
  return true;
}

// One command: the keys of kCommandKeys, at `f` (an action map or a `commands:` item).
bool parse_command(YamlReader& r, const YamlField& f, const std::vector<YamlField>& es,
                   const std::string& kind, CommandTemplate& c) {
  c.line = f.line;
  std::string output = "exit-status";
  const YamlField* fields = nullptr;
  const YamlField* regex = nullptr;
  for (const YamlField& e : es) {
    bool ok = true;
    if (e.key == "argv") {
      const auto items = r.items(e, "argv elements");
      if (!items) return false;
      for (const YamlField& i : *items) {
        if (!r.read_string(i, c.argv.emplace_back())) return false;
        if (!check_placeholders(r, i, c.argv.back(), kind)) return false;
      }
      if (c.argv.empty()) return r.fail(YamlErrc::kMissingField, e, "argv needs a program");
      if (c.argv.front().find('{') != std::string::npos)
        return r.fail(YamlErrc::kWrongType, e, "the program (argv[0]) cannot be a placeholder");
    } else if (e.key == "shell") {
      ok = r.read_string(e, c.shell) && check_placeholders(r, e, c.shell, kind);
    } else if (e.key == "exec") {
      ok = r.read_string(e, c.exec) && check_placeholders(r, e, c.exec, kind);
    } else if (e.key == "stdin") {
      ok = r.read_string(e, c.stdin_text) && check_placeholders(r, e, c.stdin_text, kind);
    } else if (e.key == "timeout") {
      ok = r.read_duration(e, c.timeout_s);
      if (ok && c.timeout_s <= 0) return r.fail(YamlErrc::kWrongType, e, "must be above zero");
    } else if (e.key == "output") {
      ok = r.read_choice(e, kOutputKinds, output);
    } else if (e.key == "regex") {
      regex = &e;
      ok = r.read_string(e, c.regex);
    } else if (e.key == "fields") {
      fields = &e;
    } else if (e.key == "values") {
      const auto per_field = r.entries(e, {});
      if (!per_field) return false;
      for (const YamlField& field : *per_field) {
        const auto words = r.entries(field, {});
        if (!words) return false;
        for (const YamlField& w : *words)
          if (!r.read_string(w, c.values[field.key][w.key])) return false;
      }
    }
    if (!ok) return false;
  }
  const int forms = !c.argv.empty() + !c.shell.empty() + !c.exec.empty();
  if (forms == 0)
    return r.missing(f, "argv",
                     "the command to run (a list), `shell:` for a script, or `exec:` over SSH");
  if (forms > 1) return r.fail(YamlErrc::kConflict, f, "give one of argv, shell or exec");
  if (c.timeout_s <= 0)
    return r.missing(f, "timeout", "how long the command may run before it is killed, e.g. 30s");
  c.output = output == "regex"  ? OutputKind::kRegex
             : output == "json" ? OutputKind::kJson
                                : OutputKind::kExitStatus;
  if (c.output == OutputKind::kRegex) {
    if (!regex) return r.missing(f, "regex", "output: regex needs a pattern with named captures");
    try {
      boost::regex compiled(c.regex, boost::regex::perl);
      if (compiled.mark_count() == 0)
        return r.fail(YamlErrc::kWrongType, *regex, "the pattern has no (?<name>...) capture");
    } catch (const boost::regex_error& e) {
      return r.fail(YamlErrc::kWrongType, *regex,
                    "'" + c.regex + "' does not compile: " + std::string(e.what()));
    }
  } else if (regex) {
    return r.fail(YamlErrc::kConflict, *regex, "a regex needs output: regex");
  }
  if (!c.values.empty() && c.output == OutputKind::kExitStatus)
    return r.missing(f, "output", "values need output: json or regex");
  if (fields) {
    if (c.output == OutputKind::kExitStatus)
      return r.fail(YamlErrc::kConflict, *fields, "fields need output: json or regex");
    if (!parse_fields(r, *fields, kind, c)) return false;
    if (c.output == OutputKind::kRegex)
      for (const auto& [name, capture] : c.fields)
        if (c.regex.find("(?<" + capture + ">") == std::string::npos &&
            c.regex.find("(?P<" + capture + ">") == std::string::npos)
          return r.fail(YamlErrc::kUnknownField, r.line_of(fields->path + "." + name),
                        fields->path + "." + name,
                        "the regex has no capture named '" + capture + "'");
  }
  return true;
}

bool parse_action(YamlReader& r, const YamlField& f, ProfileAction& a) {
  a.kind = f.key;
  a.line = f.line;
  if (!profile_action_kinds().count(a.kind)) {
    std::string list;
    for (const auto& [k, params] : profile_action_kinds()) list += (list.empty() ? "" : ", ") + k;
    return r.fail(YamlErrc::kUnknownField, f,
                  "'" + a.kind + "' is not an action hitless uses (actions: " + list + ")");
  }
  const auto keys = action_keys();
  const auto es = r.entries(f, keys);
  if (!es) return false;
  std::vector<YamlField> own;
  const YamlField* list = nullptr;
  for (const YamlField& e : *es) {
    if (e.key == "repeat_safe") {
      if (!r.read_bool(e, a.repeat_safe)) return false;
    } else if (e.key == "commands") {
      list = &e;
    } else {
      own.push_back(e);
    }
  }
  if (list) {
    if (!own.empty())
      return r.fail(YamlErrc::kConflict, own.front(),
                    "'" + own.front().key + "' belongs inside each item of commands:");
    const auto items = r.items(*list, "commands");
    if (!items) return false;
    if (items->empty()) return r.fail(YamlErrc::kMissingField, *list, "commands is empty");
    for (const YamlField& i : *items) {
      const auto ces = r.entries(i, kCommandKeys);
      if (!ces || !parse_command(r, i, *ces, a.kind, a.commands.emplace_back())) return false;
    }
    return true;
  }
  return parse_command(r, f, own, a.kind, a.commands.emplace_back());
}

}  // namespace

const char* to_string(OutputKind k) {
  switch (k) {
    case OutputKind::kExitStatus:
      return "exit-status";
    case OutputKind::kRegex:
      return "regex";
    case OutputKind::kJson:
      return "json";
  }
  return "?";
}

const std::map<std::string, std::vector<std::string>>& profile_action_kinds() {
  // The driver Actions of drivers.hpp, plus status, power and the service probe.
  static const std::map<std::string, std::vector<std::string>> kinds{
      {"status", {}},
      {"who-answers", {}},
      {"backup", {}},
      {"config-read", {}},
      {"config-set", {"item", "value"}},
      {"stage", {"package", "file", "signature"}},
      {"stage-bundle", {"file", "sha256"}},  // seed 004: an air-gapped node's offline bundle
      {"compat-test", {"package"}},
      {"install", {"package", "activate"}},
      {"reboot", {}},
      {"select-boot-slot", {"slot"}},
      {"ha-break", {}},
      {"ha-establish", {"peer", "role"}},
      {"ha-sync", {}},
      {"ha-role", {"role", "force"}},
      {"shared-ip", {"enabled"}},
      {"accepting", {"accepting"}},
      {"member-enable", {}},
      {"member-disable", {}},
      {"vip-take", {}},
      {"atlas-distribute", {"package"}},
      {"atlas-accepting", {"node", "accepting"}},
      {"atlas-sync", {}},
      {"atlas-backup-ops", {"enabled"}},
      // Seed 004 hardware migration: the passphrase stays in its file (never on a command line).
      {"cert-export", {"passphrase_file"}},
      {"cert-import", {"passphrase_file", "bundle"}},
      {"cert-assign-ip", {"ip"}},
      {"restore", {"backup"}},
      {"factory-reset", {}},
      {"ha-activate-slave", {}},
      {"ha-shutdown-other", {}},
      {"power-on", {}},
      {"power-off", {}},
      // Optional: the BMC's power reading, answering `powered` (on/off). Without it the node has
      // no reading and "powered off" is judged by its management API's silence.
      {"power-status", {}},
  };
  return kinds;
}

const std::vector<std::string>& status_field_names() {
  static const std::vector<std::string> names{
      "version",           "packages",        "active_slot",   "boot_slot",
      "slot_versions",     "slot_packages",   "phase",         "serving",
      "accepting",         "powered",         "ha_role",       "ha_peer",
      "syncing",           "last_sync_at",    "shared_ip",     "shared_ip_enabled",
      "install_state",     "install_package", "install_error", "staged",
      "data_checksum",     "config_checksum", "lab_boots",     "lab_installs",
      "lab_sessions_open", "settings",        "ha_status",     "ha_peer_after_reboot"};
  return names;
}

const ProfileAction* Profile::find(const std::string& kind) const {
  auto it = actions.find(kind);
  return it == actions.end() ? nullptr : &it->second;
}

std::vector<std::string> Profile::placeholders() const {
  std::set<std::string> out;
  std::string ignored;
  const auto add = [&](const std::string& text) {
    if (auto names = template_placeholders(text, ignored))
      for (std::string n : *names) out.insert(n.ends_with("|json") ? n.substr(0, n.size() - 5) : n);
  };
  for (const auto& [kind, a] : actions)
    for (const auto& c : a.commands) {
      for (const auto& arg : c.argv) add(arg);
      add(c.shell);
      add(c.exec);
      add(c.stdin_text);
    }
  if (ssh) {
    add(ssh->user);
    add(ssh->key_file);
    add(ssh->known_hosts);
  }
  return {out.begin(), out.end()};
}

namespace {

bool parse_transport(YamlReader& r, const YamlField& f, Profile& p) {
  const auto es = r.entries(f, kTransportKeys);
  if (!es) return false;
  SshTransport t;
  std::string kind;
  for (const YamlField& e : *es) {
    bool ok = true;
    if (e.key == "kind")
      ok = r.read_choice(e, kTransportKinds, kind);
    else if (e.key == "keepalive")
      ok = r.read_duration(e, t.keepalive_s);
    else if (e.key == "connect_timeout")
      ok = r.read_duration(e, t.connect_timeout_s);
    else {
      std::string& text = e.key == "user"       ? t.user
                          : e.key == "key_file" ? t.key_file
                                                : t.known_hosts;
      ok = r.read_string(e, text) && check_placeholders(r, e, text, "status");
    }
    if (!ok) return false;
  }
  if (kind.empty()) return r.missing(f, "kind", "ssh");
  if (t.user.empty()) return r.missing(f, "user", "the login on the node");
  if (t.key_file.empty())
    return r.missing(f, "key_file", "the private key, e.g. '{secret.token_file}'");
  if (t.known_hosts.empty())
    return r.missing(f, "known_hosts", "the pinned host keys, e.g. '{inventory.dir}/known_hosts'");
  p.ssh = std::move(t);
  return true;
}

}  // namespace

Result<Profile, ProfileErrc> parse_profile_text(const std::string& yaml, const std::string& file) {
  YamlReader r(file);
  const auto fail = [&r] { return make_error(ProfileErrc::kInvalid, r.error().message); };
  const auto root = r.load(yaml, "a profile needs 'profile' and 'actions'");
  if (!root) return fail();
  const auto es = r.entries(*root, kTopKeys);
  if (!es) return fail();
  Profile p;
  p.file = file;
  const YamlField* actions = nullptr;
  for (const YamlField& e : *es) {
    const bool ok = e.key == "profile"       ? r.read_name(e, p.name)
                    : e.key == "description" ? r.read_string(e, p.description)
                    : e.key == "transport"   ? parse_transport(r, e, p)
                                             : (actions = &e, true);
    if (!ok) return fail();
  }
  if (p.name.empty()) return r.missing(*root, "profile", "the profile's name"), fail();
  if (!actions) return r.missing(*root, "actions", "the commands, by action"), fail();
  const auto list = r.entries(*actions, {});
  if (!list) return fail();
  for (const YamlField& a : *list) {
    ProfileAction action;
    if (!parse_action(r, a, action)) return fail();
    for (const auto& c : action.commands)
      if (!c.exec.empty() && !p.ssh)
        return r.fail(YamlErrc::kConflict, c.line, a.path + ".exec",
                      "exec runs on the node over the profile's transport: add "
                      "transport: {kind: ssh, user: ..., key_file: ..., known_hosts: ...}"),
               fail();
    p.actions[action.kind] = std::move(action);
  }
  if (!p.find("status"))
    return r.missing(*actions, "status", "how to read the node's state"), fail();
  return p;
}

Result<Profile, ProfileErrc> load_profile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(ProfileErrc::kUnreadable, path + ": cannot read: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_profile_text(text.str(), path);
}

}  // namespace hitless::drivers
