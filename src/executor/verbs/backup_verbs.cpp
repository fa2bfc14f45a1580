// Backup: download a node's configuration backup and read its configuration items, so the run
// knows what the node held at its start (the baseline the nothing-lost check compares against
// before any step overwrites that node's configuration). Safe to repeat; nothing to undo.
#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {
namespace {

class Backup : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kBackup; }
  const char* summary() const override {
    return "downloads a configuration backup and records the configuration items";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    const std::string node = c.step.targets.at(0);
    return std::vector<DriverCall>{{DriverCall::Channel::kAppliance, node, {"backup", {}}}};
  }
  std::vector<std::string> records_configuration_of(const plan::Step& s) const override {
    return {s.targets.at(0)};
  }
  std::optional<std::string> judge_answers(const VerbContext& c) const override {
    const auto b = c.answers.value("backup", nlohmann::json::object());
    if (!b.contains("backup")) return "the backup of " + c.step.targets.at(0) + " came back empty";
    return std::nullopt;
  }
};

}  // namespace

void register_backup_verbs(VerbRegistry& r) { r.add(std::make_unique<Backup>()); }

}  // namespace hitless::exec
