#include "drivers/command/command_driver.hpp"

#include <cctype>
#include <cstdlib>
#include <sstream>

#include "drivers/command/command_output.hpp"
#include "drivers/command/command_template.hpp"

namespace hitless::drivers {
namespace {

bool split(const std::string& address, std::string& host, std::string& port) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  host = address.substr(0, colon);
  port = address.substr(colon + 1);
  return true;
}

std::string param_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// Words a device CLI reads as one token without quoting: `exec` values must be such.
bool plain_word(const std::string& v) {
  if (v.empty()) return false;
  for (unsigned char ch : v)
    if (!std::isalnum(ch) &&
        std::string("._-:/@+=,").find(static_cast<char>(ch)) == std::string::npos)
      return false;
  return true;
}

std::string seconds(double s) {
  std::ostringstream o;
  o << s;
  return o.str();
}

}  // namespace

Result<std::map<std::string, std::shared_ptr<const Profile>>, DriverErrc> load_node_profiles(
    const Inventory& inv) {
  std::map<std::string, std::shared_ptr<const Profile>> by_file, by_node;
  for (const auto& c : inv.clusters)
    for (const auto& n : c.nodes) {
      if (n.driver != "command") continue;
      if (n.vendor_profile.empty())
        return make_error(DriverErrc::kUnsupported,
                          inv.file + ":" + std::to_string(n.line) + ": clusters[" + c.name +
                              "].nodes[" + n.name +
                              "]: driver: command needs vendor_profile: PATH (see profiles/)");
      auto& p = by_file[n.vendor_profile];
      if (!p) {
        auto loaded = load_profile(n.vendor_profile);
        if (!loaded)
          return make_error(DriverErrc::kUnsupported, "node " + n.name + ": " + loaded.message());
        p = std::make_shared<const Profile>(std::move(*loaded));
      }
      by_node[n.name] = p;
    }
  return by_node;
}

Result<std::unique_ptr<CommandApplianceDriver>, DriverErrc> CommandApplianceDriver::create(
    boost::asio::io_context& io, const Inventory& inv) {
  auto profiles = load_node_profiles(inv);
  if (!profiles) return profiles.error();
  std::unique_ptr<CommandApplianceDriver> d(new CommandApplianceDriver(io));
  for (const auto& c : inv.clusters)
    for (const auto& n : c.nodes) {
      if (n.driver != "command") continue;
      NodeContext ctx;
      ctx.profile = profiles->at(n.name);
      auto& v = ctx.values;
      v["node.name"] = n.name;
      v["node.address"] = n.address;
      split(n.address, v["node.host"], v["node.port"]);
      v["node.role"] = n.role;
      v["node.chassis"] = n.chassis;
      v["node.slot"] = n.slot;
      v["inventory.dir"] = inv.base_dir;
      v["node.token_file"] = n.token_file;
      v["cluster.name"] = c.name;
      v["cluster.service"] = c.service;
      split(c.service, v["cluster.service_host"], v["cluster.service_port"]);
      if (n.power) {
        v["power.address"] = n.power->address;
        split(n.power->address, v["power.host"], v["power.port"]);
        v["power.path"] = n.power->path;
        v["power.token_file"] = n.power->token_file;
      }
      // Secrets are read only when the profile uses them, and only from safe places.
      const std::string who = "node " + n.name;
      // The profile's power-on/off run only for a node whose power no other driver serves: an
      // `ipmi` node is switched by the IPMI driver (DriverSet::set_power), with its own password
      // file, and a node without out-of-band power never runs them (plans refuse it).
      const bool profile_powers = n.power && n.power->driver != "ipmi";
      for (const std::string& name : ctx.profile->placeholders()) {
        Result<std::string, DriverErrc> secret = std::string();
        if (name == "secret.token") {
          if (n.token_file.empty())
            return make_error(DriverErrc::kUnsupported,
                              who + ": profile " + ctx.profile->name +
                                  " uses {secret.token} but the node has no token_file");
          secret = read_secret_file(n.token_file, who + ": token_file");
        } else if (name == "secret.power_token") {
          if (!profile_powers) continue;
          secret = read_secret_file(n.power->token_file, who + ": power.token_file");
        } else if (name == "secret.token_file" || name == "secret.power_token_file") {
          // A path handed to a program that reads it (ssh -i, ipmitool -f): checked, not read.
          const bool power = name == "secret.power_token_file";
          if (power && !profile_powers) continue;
          const std::string path = power ? n.power->token_file : n.token_file;
          if (path.empty())
            return make_error(DriverErrc::kUnsupported, who + ": profile " + ctx.profile->name +
                                                            " uses {" + name +
                                                            "} but the node has no token_file");
          auto checked =
              read_secret_file(path, who + (power ? ": power.token_file" : ": token_file"));
          if (!checked) return checked.error();
          v[name] = path;
          continue;
        } else if (name.rfind("env.", 0) == 0) {
          secret = read_secret_env(name.substr(4), who + ": profile " + ctx.profile->name);
        } else {
          continue;
        }
        if (!secret) return secret.error();
        d->redactor_.add(*secret);
        v[name] = std::move(*secret);
      }
      d->cluster_node_.emplace(c.name, n.name);
      d->nodes_[n.name] = std::move(ctx);
    }
  return d;
}

void CommandApplianceDriver::run(const std::string& node, const std::string& kind,
                                 const nlohmann::json& params, Callback<nlohmann::json> done) {
  auto it = nodes_.find(node);
  if (it == nodes_.end()) return done(make_error(DriverErrc::kUnsupported, "unknown node " + node));
  const auto& profile = it->second.profile;
  const ProfileAction* action = profile->find(kind);
  if (!action)
    return done(make_error(DriverErrc::kUnsupported, node + ": profile " + profile->name + " (" +
                                                         profile->file + ") has no action '" +
                                                         kind + "'"));
  auto values = it->second.values;
  if (params.is_object())
    for (const auto& [k, v] : params.items()) values["params." + k] = param_text(v);
  run_command(profile, *action, 0, std::move(values), node, nlohmann::json::object(),
              std::move(done));
}

void CommandApplianceDriver::run_command(std::shared_ptr<const Profile> profile,
                                         const ProfileAction& action, std::size_t index,
                                         std::map<std::string, std::string> values,
                                         std::string node, nlohmann::json answer,
                                         Callback<nlohmann::json> done) {
  if (index >= action.commands.size()) return done(redactor_.redact_json(answer));
  const CommandTemplate& c = action.commands[index];
  const std::string where =
      node + ": " + action.kind + " (" + profile->file + ":" + std::to_string(c.line) + ")";
  net::ProcessRequest rq;
  std::string missing;
  const auto fill = [&](const std::string& text, bool for_shell) {
    auto filled = fill_template(text, values, for_shell, missing);
    return filled ? std::optional<std::string>(std::move(*filled)) : std::nullopt;
  };
  std::optional<std::string> remote;  // exec: the command line for the node
  if (!c.exec.empty()) {
    std::string ignored;
    for (std::string n :
         template_placeholders(c.exec, ignored).value_or(std::vector<std::string>{})) {
      auto it = values.find(n);
      if (it != values.end() && !plain_word(it->second))
        return done(make_error(DriverErrc::kRejected,
                               where + ": {" + n + "} = '" + redactor_.redact(it->second) +
                                   "' is not a plain word; exec sends values unquoted, so only "
                                   "letters, digits and . _ - : / @ + = , are allowed"));
    }
    remote = fill(c.exec, false);
  } else if (c.shell.empty()) {
    for (const auto& arg : c.argv) {
      auto filled = fill(arg, false);
      if (!filled) break;
      rq.argv.push_back(std::move(*filled));
    }
  } else if (auto script = fill(c.shell, true)) {
    rq.argv = {"/bin/sh", "-c", std::move(*script)};
  }
  std::optional<std::string> in = fill(c.stdin_text, false);
  net::SshTarget target;
  if (remote) {
    const SshTransport& t = *profile->ssh;
    auto user = fill(t.user, false), key = fill(t.key_file, false),
         known = fill(t.known_hosts, false);
    if (user && key && known) {
      target = {values["node.name"],
                values["node.host"],
                std::atoi(values["node.port"].c_str()),
                *user,
                *key,
                *known,
                t.connect_timeout_s,
                t.keepalive_s};
    }
  }
  if (!missing.empty() || !in)
    return done(make_error(
        DriverErrc::kUnsupported,
        where + ": no value for {" + missing + "} (is it a parameter of " + action.kind + "?)"));
  auto next = [this, profile, &action, &c, index, values = std::move(values),
               node = std::move(node), answer = std::move(answer), where,
               done = std::move(done)](const std::string& program, net::ProcessResult r) mutable {
    auto got = judge(c, where, program, std::move(r));
    if (!got) return done(got.error());
    if (got->is_object() && answer.is_object())
      answer.update(*got);
    else
      answer = std::move(*got);
    run_command(profile, action, index + 1, std::move(values), std::move(node), std::move(answer),
                std::move(done));
  };
  if (remote) {
    const std::string program = "ssh " + target.user + "@" + target.host;
    return ssh_.run(target, {*remote, std::move(*in), c.timeout_s, 1 << 20},
                    [next = std::move(next), program](net::ProcessResult r) mutable {
                      next(program, std::move(r));
                    });
  }
  rq.stdin_data = std::move(*in);
  rq.timeout_s = c.timeout_s;
  const std::string program = rq.argv.empty() ? "?" : rq.argv.front();
  runner_.run(std::move(rq), [next = std::move(next), program](net::ProcessResult r) mutable {
    next(program, std::move(r));
  });
}

Result<nlohmann::json, DriverErrc> CommandApplianceDriver::judge(const CommandTemplate& c,
                                                                 const std::string& where,
                                                                 const std::string& program,
                                                                 net::ProcessResult r) {
  if (!r.started)
    return make_error(r.unreachable ? DriverErrc::kUnreachable : DriverErrc::kRejected,
                      where + ": " + redactor_.redact(r.spawn_error));
  if (r.timed_out)
    return make_error(DriverErrc::kUnreachable, where + ": " + program + " did not finish within " +
                                                    seconds(c.timeout_s) + " s (killed)" +
                                                    redactor_.redact(first_lines(r.err + r.out)));
  if (r.connection_lost) {
    // A reboot drops the connection as it goes: what arrived first may be all the answer there
    // is. Read it as usual; only an answer the output does not give is a failure.
    if (c.output != OutputKind::kExitStatus)
      if (auto got = read_output(c, r.out)) return redactor_.redact_json(*got);
    return make_error(DriverErrc::kUnreachable, where + ": the connection dropped before " +
                                                    program + " finished" +
                                                    redactor_.redact(first_lines(r.err + r.out)));
  }
  if (r.exit_code != 0)
    return make_error(DriverErrc::kRejected,
                      where + ": " + program + " exited with status " +
                          std::to_string(r.exit_code) +
                          redactor_.redact(first_lines(r.err.empty() ? r.out : r.err + r.out)));
  auto got = read_output(c, r.out);
  if (!got)
    return make_error(DriverErrc::kProtocol, where + ": " + redactor_.redact(got.message()));
  return redactor_.redact_json(*got);
}

void CommandApplianceDriver::observe(const std::string& node, Callback<ObservedNode> done) {
  run(node, "status", nlohmann::json::object(),
      [this, node, done = std::move(done)](Result<nlohmann::json, DriverErrc> r) {
        if (!r)
          return done(make_error(
              r.code() == DriverErrc::kProtocol ? DriverErrc::kProtocol : DriverErrc::kUnreachable,
              r.message()));
        auto n = observed_from_answer(node, *r);
        if (!n)
          return done(make_error(
              DriverErrc::kProtocol,
              node + ": status (" + nodes_.at(node).profile->file + "): " + n.message()));
        done(std::move(*n));
      });
}

void CommandApplianceDriver::perform(const std::string& node, const Action& action,
                                     Callback<nlohmann::json> done) {
  run(node, action.kind, action.params, std::move(done));
}

void CommandApplianceDriver::set_power(const std::string& node, bool on, Callback<Unit> done) {
  run(node, on ? "power-on" : "power-off", nlohmann::json::object(),
      [done = std::move(done)](Result<nlohmann::json, DriverErrc> r) {
        if (!r) return done(r.error());
        done(Unit{});
      });
}

void CommandApplianceDriver::power_state(const std::string& node, Callback<bool> done) {
  auto it = nodes_.find(node);
  if (it == nodes_.end() || !it->second.profile->find("power-status"))
    return done(make_error(DriverErrc::kUnsupported,
                           node + ": its profile has no power-status action (no power reading)"));
  run(node, "power-status", nlohmann::json::object(),
      [node, done = std::move(done)](Result<nlohmann::json, DriverErrc> r) {
        if (!r) return done(r.error());
        // Strict: an empty or missing answer is no reading, never "off" (a gate would pass on it).
        const nlohmann::json powered =
            r->is_object() ? r->value("powered", nlohmann::json()) : nullptr;
        const bool blank =
            powered.is_null() || (powered.is_string() && powered.get<std::string>().empty());
        const std::optional<bool> on = blank ? std::nullopt : as_bool(powered);
        if (!on)
          return done(
              make_error(DriverErrc::kProtocol,
                         node + ": power-status gave no readable 'powered' field: " + r->dump()));
        done(*on);
      });
}

void CommandApplianceDriver::who_answers(const std::string& cluster, Callback<std::string> done) {
  auto it = cluster_node_.find(cluster);
  if (it == cluster_node_.end())
    return done(make_error(DriverErrc::kUnsupported, "no command-driven node in " + cluster));
  run(it->second, "who-answers", nlohmann::json::object(),
      [cluster, done = std::move(done)](Result<nlohmann::json, DriverErrc> r) {
        if (!r) return done(r.error());
        if (!r->is_object() || !r->contains("node"))
          return done(
              make_error(DriverErrc::kProtocol, cluster + ": who-answers gave no 'node' field"));
        done((*r)["node"].is_string() ? (*r)["node"].get<std::string>() : r->at("node").dump());
      });
}

}  // namespace hitless::drivers
