// Software verbs (seeds 000-004): upload a signed package, the compatibility test, install
// (activate now, or into the other slot for the next reboot), reboot, choose the boot slot, and
// rollback's restore of a node's pre-run software. Installs and reboots are never repeated
// blindly after a crash: what the node shows decides.
#include <algorithm>

#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {
namespace {

using plan::Cond;
using Channel = DriverCall::Channel;

std::string packages_text(const std::map<std::string, std::string>& pk) {
  std::string s;
  for (const auto& [name, v] : pk) s += (s.empty() ? "" : ", ") + name + " " + v;
  return s.empty() ? "nothing" : s;
}

const ObservedNode* seen_node(const VerbContext& c, const std::string& node) {
  auto it = c.evidence.nodes.find(node);
  return it == c.evidence.nodes.end() ? nullptr : &it->second;
}

class Stage : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kStage; }
  const char* summary() const override {
    return "uploads a signed package (or an air-gapped node's offline bundle) to a node";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    const auto& p = c.step.params;
    if (p.contains("bundle")) return bundle_calls(c);
    const std::string id = p.at("package");
    const catalog::CatalogPackage* pkg = c.catalog ? c.catalog->find(id) : nullptr;
    if (!pkg)
      return make_error(VerbErrc::kRefused, "package " + id + " is no longer in the repository");
    if (p.contains("digest") && p["digest"] != pkg->digest)
      return make_error(
          VerbErrc::kRefused,
          "package " + id + " changed since the plan was made (digest differs); make a new plan");
    return std::vector<DriverCall>{
        {Channel::kAppliance,
         c.step.targets.at(0),
         {"stage", {{"package", id}, {"file", pkg->path}, {"signature", pkg->signature_b64}}}}};
  }
  // Verified on arrival: the node checks the signature itself; what it reports having staged must
  // also be the bytes the catalog lists (a driver that reports no digest is judged by its check).
  std::optional<std::string> judge_answers(const VerbContext& c) const override {
    if (c.step.params.contains("bundle")) return judge_bundle(c);
    const auto r = c.answers.value("stage", nlohmann::json::object());
    const std::string id = c.step.params.at("package");
    const catalog::CatalogPackage* pkg = c.catalog ? c.catalog->find(id) : nullptr;
    if (!pkg || !r.is_object() || !r.contains("digest") || r["digest"] == pkg->digest)
      return std::nullopt;
    return "package " + id + " arrived on " + c.step.targets.at(0) + " as other bytes (sha256 " +
           r["digest"].get<std::string>() + ", the catalog lists " + pkg->digest +
           "); not installing it";
  }

 private:
  // Seed 004 air-gapped node: the offline bundle (checked against the catalog and bound to the
  // node at plan time) goes over whole; its packages must still be the catalog's.
  static Result<std::vector<DriverCall>, VerbErrc> bundle_calls(const VerbContext& c) {
    const auto& p = c.step.params;
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& pk : p.at("packages")) {
      const std::string id = pk.at("id");
      const catalog::CatalogPackage* pkg = c.catalog ? c.catalog->find(id) : nullptr;
      if (!pkg || pkg->digest != pk.at("digest"))
        return make_error(VerbErrc::kRefused,
                          "package " + id + " of the offline bundle is no longer in the catalog " +
                              "as planned; make a new plan");
      ids.push_back(id);
    }
    return std::vector<DriverCall>{
        {Channel::kAppliance,
         c.step.targets.at(0),
         {"stage-bundle",
          {{"file", p.at("bundle")}, {"sha256", p.at("bundle_sha256")}, {"packages", ids}}}}};
  }
  // Verified on arrival: every planned package staged as the catalog's bytes.
  static std::optional<std::string> judge_bundle(const VerbContext& c) {
    const auto r = c.answers.value("stage-bundle", nlohmann::json::object());
    if (!r.is_object() || !r.contains("staged")) return std::nullopt;  // judged by the gate
    const std::string node = c.step.targets.at(0);
    for (const auto& pk : c.step.params.at("packages")) {
      const std::string id = pk.at("id");
      const auto staged = std::find_if(r["staged"].begin(), r["staged"].end(),
                                       [&](const auto& s) { return s.value("id", "") == id; });
      if (staged == r["staged"].end())
        return "the offline bundle staged no " + id + " on " + node + "; not installing it";
      if (staged->contains("digest") && (*staged)["digest"] != pk.at("digest"))
        return "package " + id + " arrived on " + node + " as other bytes (sha256 " +
               (*staged)["digest"].get<std::string>() + ", the catalog lists " +
               pk.at("digest").get<std::string>() + "); not installing it";
    }
    return std::nullopt;
  }
};

class CompatTest : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kCompatTest; }
  const char* summary() const override {
    return "runs the pre-upgrade compatibility test; it must pass";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    return std::vector<DriverCall>{{Channel::kAppliance,
                                    c.step.targets.at(0),
                                    {"compat-test", {{"package", c.step.params.at("package")}}}}};
  }
  std::optional<std::string> judge_answers(const VerbContext& c) const override {
    const auto r = c.answers.value("compat-test", nlohmann::json::object());
    if (r.value("passed", false)) return std::nullopt;
    std::string problems;
    for (const auto& p : r.value("problems", nlohmann::json::array()))
      problems += (problems.empty() ? "" : "; ") + p.get<std::string>();
    return "compatibility test failed: " + problems;
  }
};

// Install and reboot share how a crash is reconciled: the journaled observation from before the
// request is compared with the node now.
Reconcile reconcile_install_or_reboot(const VerbContext& c,
                                      const std::vector<plan::Condition>& gate) {
  auto done = reconcile_by_gate(c, gate);
  if (done.kind == Reconciled::kAlreadyDone) return done;
  const std::string node = c.step.targets.at(0);
  const ObservedNode* n = seen_node(c, node);
  if (!n) return {Reconciled::kInProgress, node + " was not observed; waiting for it"};
  const auto before = c.intent_detail.is_object() && c.intent_detail.contains(node)
                          ? c.intent_detail[node]
                          : nlohmann::json::object();
  bool in_progress = !n->reachable || n->phase == "installing" || n->phase == "rebooting";
  // Lab appliances count installs and boots: a request taken shows as a higher count than the
  // one journaled with the intent. Other drivers are judged by the install state alone.
  const bool counted = n->lab && before.contains("installs");
  if (c.step.verb == plan::Verb::kInstall) {
    const std::string pkg = c.step.params.value("package", "");
    if (n->reachable && n->install_package == pkg && n->install_state == "failed")
      return {Reconciled::kFailed,
              "install of " + pkg + " on " + node + " failed: " + n->install_error};
    in_progress = in_progress ||
                  (counted && n->lab->installs > before.value("installs", n->lab->installs)) ||
                  (n->install_package == pkg &&
                   (n->install_state == "installing" || n->install_state == "pending-reboot" ||
                    n->install_state == "done"));
  } else {
    in_progress = in_progress || (counted && n->lab->boots > before.value("boots", n->lab->boots));
  }
  if (in_progress)
    return {Reconciled::kInProgress,
            "the node took the request before the restart; waiting for it, not repeating it"};
  return {Reconciled::kResend, "the request never reached the node; sending it now"};
}

class Install : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kInstall; }
  const char* summary() const override {
    return "installs a staged package (now, or into the other slot for the next reboot)";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    const auto& p = c.step.params;
    return std::vector<DriverCall>{
        {Channel::kAppliance,
         c.step.targets.at(0),
         {"install", {{"package", p.at("package")}, {"activate", p.value("activate", "now")}}}}};
  }
  std::optional<std::string> early_failure(const VerbContext& c) const override {
    const ObservedNode* n = seen_node(c, c.step.targets.at(0));
    if (!n || !n->reachable) return std::nullopt;
    if (n->install_package == c.step.params.value("package", "") && n->install_state == "failed")
      return "install of " + n->install_package + " on " + n->name + " failed: " + n->install_error;
    return std::nullopt;
  }
  Reconcile reconcile(const VerbContext& c) const override {
    return reconcile_install_or_reboot(c, c.gate);
  }
  std::vector<std::string> takes_out_of_service(const plan::Step& s) const override {
    if (s.params.value("activate", "now") == "now") return {s.targets.at(0)};
    return {};
  }
};

class Reboot : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kReboot; }
  const char* summary() const override { return "reboots a node into its selected slot"; }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    return std::vector<DriverCall>{{Channel::kAppliance, c.step.targets.at(0), {"reboot", {}}}};
  }
  std::optional<std::string> early_failure(const VerbContext& c) const override {
    const ObservedNode* n = seen_node(c, c.step.targets.at(0));
    if (!n || !n->reachable) return std::nullopt;
    const std::string want = c.step.params.value("version", n->version);
    if (n->install_state == "failed" && n->phase == "running" && !n->install_error.empty() &&
        n->version != want)
      return n->name + " did not come up on " + want + ": " + n->install_error;
    return std::nullopt;
  }
  Reconcile reconcile(const VerbContext& c) const override {
    return reconcile_install_or_reboot(c, c.gate);
  }
  std::vector<std::string> takes_out_of_service(const plan::Step& s) const override {
    return {s.targets.at(0)};
  }
};

// Boots the other slot (its previous firmware); with `reboot`, reboots into it at once.
class SelectBootSlot : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kSelectBootSlot; }
  const char* summary() const override {
    return "boots the other firmware slot (the previous image)";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    const std::string node = c.step.targets.at(0);
    const ObservedNode* n = seen_node(c, node);
    if (!n || !n->reachable)
      return make_error(VerbErrc::kRefused, node + " does not answer; cannot choose its boot slot");
    const int slot = 1 - n->active_slot;
    if (slot >= static_cast<int>(n->slot_versions.size()) || n->slot_versions[slot].empty())
      return make_error(VerbErrc::kRefused, node + " has no previous firmware image to boot");
    std::vector<DriverCall> out{
        {Channel::kAppliance, node, {"select-boot-slot", {{"slot", slot}}}}};
    if (c.step.params.value("reboot", false))
      out.push_back({Channel::kAppliance, node, {"reboot", {}}});
    return out;
  }
  // Judged once, before acting (the executor keeps it, and journals it with the intent): the
  // image of the slot it is about to boot.
  std::vector<plan::Condition> gate(const VerbContext& c) const override {
    const std::string node = c.step.targets.at(0);
    const ObservedNode* n = seen_node(c, node);
    if (!c.step.params.value("reboot", false)) return {};
    if (!n || n->slot_versions.size() < 2) return c.step.gate;
    return {{Cond::kVersion, node, n->slot_versions[1 - n->active_slot]},
            {Cond::kServing, node, ""}};
  }
  std::vector<std::string> takes_out_of_service(const plan::Step& s) const override {
    if (s.params.value("reboot", false)) return {s.targets.at(0)};
    return {};
  }
};

// Rollback: return a node to the software it ran before the run (params: version, packages),
// booting whichever slot still holds it; a node with no such slot is named, never papered over.
class RestoreSoftware : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kRestoreSoftware; }
  const char* summary() const override {
    return "boots the slot that holds the node's pre-run software";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    const std::string node = c.step.targets.at(0);
    const auto want = c.step.params.value("packages", std::map<std::string, std::string>{});
    const ObservedNode* n = seen_node(c, node);
    if (!n || !n->reachable)
      return make_error(VerbErrc::kRefused,
                        node + " does not answer; its software cannot be restored now");
    if (n->packages == want) {  // already runs it; make sure it also boots it next time
      if (n->boot_slot == n->active_slot) return std::vector<DriverCall>{};
      return std::vector<DriverCall>{
          {Channel::kAppliance, node, {"select-boot-slot", {{"slot", n->active_slot}}}}};
    }
    for (int slot = 0; slot < static_cast<int>(n->slot_packages.size()); ++slot)
      if (slot != n->active_slot && n->slot_packages[slot] == want)
        return std::vector<DriverCall>{
            {Channel::kAppliance, node, {"select-boot-slot", {{"slot", slot}}}},
            {Channel::kAppliance, node, {"reboot", {}}}};
    return make_error(VerbErrc::kRefused,
                      node + " runs " + packages_text(n->packages) +
                          "; no firmware slot still holds its software from before the run (" +
                          packages_text(want) + "): restore it from the backup and reinstall");
  }
  std::vector<plan::Condition> implied_gate(const plan::Step& s) const override {
    std::vector<plan::Condition> g{{Cond::kVersion, s.targets.at(0), s.params.value("version", "")},
                                   {Cond::kServing, s.targets.at(0), ""}};
    for (const auto& [name, v] : s.params.value("packages", std::map<std::string, std::string>{}))
      g.push_back({Cond::kPackage, s.targets.at(0), name + "=" + v});
    return g;
  }
  std::vector<plan::Condition> gate(const VerbContext& c) const override {
    return implied_gate(c.step);
  }
  std::vector<std::string> takes_out_of_service(const plan::Step& s) const override {
    return {s.targets.at(0)};
  }
};

}  // namespace

void register_package_verbs(VerbRegistry& r) {
  r.add(std::make_unique<Stage>());
  r.add(std::make_unique<CompatTest>());
  r.add(std::make_unique<Install>());
  r.add(std::make_unique<Reboot>());
  r.add(std::make_unique<SelectBootSlot>());
  r.add(std::make_unique<RestoreSoftware>());
}

}  // namespace hitless::exec
