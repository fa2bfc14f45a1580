#include "lab/model/junos_cli.hpp"

#include <sstream>
#include <vector>

namespace hitless::lab {
namespace {

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return text;
}

bool answered_yes(const std::string& stdin_text) {
  auto words = words_of(stdin_text);
  return !words.empty() && words.front() == "yes";
}

CliReply refused(std::string text) { return CliReply{std::move(text), 1, false}; }

std::string show_version(const Chassis& c, int slot) {
  const auto& re = c.engine(slot);
  return "Hostname: " + c.name() + "\nModel: mx480\nJunos: " + re.version +
         "\nJUNOS Base OS boot [" + re.version + "]\n";
}

std::string show_routing_engine(const Chassis& c, int only_slot) {
  std::string text = "Routing Engine status:\n";
  for (int slot = 0; slot < 2; ++slot) {
    if (only_slot >= 0 && slot != only_slot) continue;
    const auto& re = c.engine(slot);
    text += "  Slot " + std::to_string(slot) + ":\n";
    text += "    Current state                  " + std::string(to_string(re.state)) + "\n";
    text += "    Election priority              " +
            std::string(slot == 0 ? "Master (default)" : "Backup (default)") + "\n";
  }
  return text;
}

}  // namespace

CliReply run_junos_command(Chassis& chassis, int slot, const std::string& command,
                           const std::string& stdin_text) {
  auto w = words_of(command);
  auto is = [&](std::initializer_list<const char*> prefix) {
    if (w.size() < prefix.size()) return false;
    std::size_t i = 0;
    for (const char* p : prefix)
      if (w[i++] != p) return false;
    return true;
  };
  const auto state = chassis.engine(slot).state;
  if (state == EngineState::kRebooting || state == EngineState::kDown)
    return CliReply{"", 255, true};  // nobody home: the session cannot have reached this engine

  if (is({"show", "version"})) return {show_version(chassis, slot), 0, false};
  if (is({"show", "chassis", "routing-engine"}))
    return {show_routing_engine(chassis, w.size() > 3 ? std::stoi(w[3]) : -1), 0, false};
  if (is({"show", "configuration"})) return {chassis.configuration_text(slot), 0, false};
  if (is({"show", "system", "commit"}))
    return {std::to_string(chassis.engine(slot).commits) + " commits\n", 0, false};
  if (is({"file", "list"}) && w.size() == 3) {
    // "file list /var/tmp/": the directory, then one file name a line.
    std::string dir = w[2];
    if (dir.back() != '/') dir += '/';
    std::string text = dir + ":\n";
    for (const auto& path : chassis.staged_paths())
      if (path.rfind(dir, 0) == 0 && path.find('/', dir.size()) == std::string::npos)
        text += path.substr(dir.size()) + "\n";
    return {text, 0, false};
  }
  if ((is({"set"}) || is({"delete"})) && w.size() > 1) {
    // The lab commits each statement at once (configure; set ...; commit).
    std::string statement;
    for (std::size_t i = 1; i < w.size(); ++i) statement += (i > 1 ? " " : "") + w[i];
    auto out = chassis.commit(slot, statement, w[0] == "set");
    return {joined(out.lines), out.ok ? 0 : 1, false};
  }
  if (is({"request", "system", "software", "validate"}) && w.size() == 5) {
    auto out = chassis.validate(w[4]);
    return {joined(out.lines), out.ok ? 0 : 1, false};
  }
  if (is({"request", "system", "software", "in-service-upgrade"}) && w.size() >= 5) {
    if (chassis.master_slot() != slot)
      return refused("error: in-service-upgrade must be run on the master routing engine\n");
    bool reboot = w.size() > 5 && w[5] == "reboot";
    auto out = chassis.in_service_upgrade(w[4], reboot);
    return {joined(out.lines), out.ok ? 0 : 1, false};
  }
  if (is({"request", "system", "reboot"})) {
    std::string text = "Reboot the system ? [yes,no] (no) ";
    if (!answered_yes(stdin_text)) return {text + "no\n", 1, false};
    auto out = chassis.reboot(slot);
    return {text + "yes\n\n" + joined(out.lines), out.ok ? 0 : 1, out.ok};
  }
  if (is({"request", "chassis", "routing-engine", "master", "switch"})) {
    std::string text = "Toggle mastership between routing engines ? [yes,no] (no) ";
    if (!answered_yes(stdin_text)) return {text + "no\n", 1, false};
    auto out = chassis.switch_mastership();
    return {text + "yes\n\n" + joined(out.lines), out.ok ? 0 : 1, false};
  }
  return refused("syntax error, expecting <command>: " + command + "\n");
}

}  // namespace hitless::lab
