// `hitless profile check PROFILE...`: validates vendor profiles (docs/profile-format.md) without
// contacting anything, and says which plan verbs each one can carry out.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "drivers/command/profile.hpp"
#include "executor/verbs/action_kinds.hpp"

namespace hitless::cli {
namespace {

// Every verb, and again in each form whose parameters make it call other actions
// (exec::appliance_actions_of): Other node > Shutdown, an offline bundle, ...
std::vector<std::pair<plan::Verb, nlohmann::json>> verb_forms() {
  using plan::Verb;
  std::vector<std::pair<Verb, nlohmann::json>> forms;
  for (Verb v : plan::all_verbs()) forms.emplace_back(v, nlohmann::json::object());
  forms.emplace_back(Verb::kPowerOff, nlohmann::json{{"via", "other-node"}});
  forms.emplace_back(Verb::kStage, nlohmann::json{{"bundle", "FILE"}});
  forms.emplace_back(Verb::kSetAccepting, nlohmann::json{{"master", "NODE"}});
  forms.emplace_back(Verb::kSetMember, nlohmann::json{{"enabled", false}});
  return forms;
}

int run_check(const std::vector<std::string>& files) {
  int rc = kExitOk;
  for (const auto& file : files) {
    auto p = drivers::load_profile(file);
    if (!p) {
      std::cerr << "hitless profile check: " << p.message() << "\n";
      rc = kExitBadInput;
      continue;
    }
    std::string actions, cannot;
    for (const auto& [kind, a] : p->actions) actions += (actions.empty() ? "" : ", ") + kind;
    for (const auto& [verb, params] : verb_forms())
      for (const auto& kind : exec::appliance_actions_of(verb, params))
        if (!p->find(kind)) {
          cannot += std::string(cannot.empty() ? "" : ", ") + plan::to_string(verb) +
                    (params.empty() ? "" : " " + params.dump()) + " (needs " + kind + ")";
          break;
        }
    std::cout << file << ": ok: profile " << p->name << ", " << p->actions.size()
              << " actions: " << actions << "\n";
    if (!cannot.empty())
      std::cout << "  plans using these verbs are refused for its nodes: " << cannot << "\n";
  }
  return rc;
}

}  // namespace

void add_profile_command(CLI::App& app, int& exit_code) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto* profile = app.add_subcommand("profile", "Vendor profiles of the command driver");
  profile->require_subcommand(1);
  auto* check = profile->add_subcommand(
      "check", "Validate vendor profiles (unknown action, bad regex, missing timeout: file:line)");
  check->add_option("PROFILE", *files, "Profile files (YAML), e.g. profiles/junos.yaml")
      ->required();
  check->callback([files, &exit_code] { exit_code = run_check(*files); });
}

}  // namespace hitless::cli
