// JunOS ISSU (seed 002, shared/seeds/002_289017073b483250.txt), step for step: the
// prerequisites (graceful switchover, nonstop routing, commit synchronize) checked before
// anything is planned; the image validated; `request system software in-service-upgrade` on the
// master (the backup engine installs, reboots, takes mastership); the old master, still on the
// old code, rebooted into the new one (policy old_master_reboot: now) or left; the optional
// switch back (policy failback).
#include "planner/issu_strategy.hpp"

#include <map>

namespace hitless::plan {
namespace {

constexpr const char* kIssuSeed = "002 JunOS ISSU";

// The engines of each chassis, by chassis name.
std::map<std::string, std::vector<const InventoryNode*>> engines_by_chassis(
    const InventoryCluster& c) {
  std::map<std::string, std::vector<const InventoryNode*>> out;
  for (const auto& n : c.nodes) out[n.chassis].push_back(&n);
  return out;
}

// The statements `node` does not report as set, as the commands that set them.
std::vector<std::string> missing_prerequisites(const ObservedNode& node) {
  std::vector<std::string> missing;
  for (const auto& p : kIssuPrerequisites) {
    auto it = node.settings.find(p.setting);
    if (it == node.settings.end() || it->second != "true") missing.push_back(p.command);
  }
  return missing;
}

}  // namespace

Status<PlanningErrc> IssuStrategy::build(PlanBuilder& b, const StrategyInput& in) const {
  const auto chassis = engines_by_chassis(in.cluster);
  const Policy& policy = in.cluster.policy;
  if (policy.failback && !policy.reboot_old_master)
    return make_error(PlanningErrc::kBadPolicy,
                      "cluster " + in.cluster.name +
                          ": policy failback: true switches mastership back to the old master, "
                          "but old_master_reboot: leave keeps it on the old software; set "
                          "old_master_reboot: now or failback: false");
  for (const auto& [name, engines] : chassis) {
    const std::string who = "cluster " + in.cluster.name + ": chassis " + name;
    // "first and foremost, you need to have a box with two routing engines".
    if (engines.size() != 2)
      return make_error(PlanningErrc::kMismatch,
                        who + " has " + std::to_string(engines.size()) +
                            " routing engine(s); an in-service upgrade needs two");
    const ObservedNode* master = nullptr;
    const ObservedNode* backup = nullptr;
    for (const auto* e : engines) {
      const ObservedNode* o = in.observed.find(e->name);
      if (o->ha_role == "primary") master = o;
      if (o->ha_role == "backup") backup = o;
    }
    if (!master || !backup)
      return make_error(PlanningErrc::kMismatch,
                        who + ": the engines report no master and backup (" + engines[0]->name +
                            ": " + in.observed.find(engines[0]->name)->ha_role + ", " +
                            engines[1]->name + ": " + in.observed.find(engines[1]->name)->ha_role +
                            "); an in-service upgrade needs both up, one master");
    if (master->version != backup->version)
      return make_error(PlanningErrc::kMismatch,
                        who + ": the engines run different software (" + master->name + " " +
                            master->version + ", " + backup->name + " " + backup->version +
                            "); reboot the one left on the old software first");
    // Seed 002: "The boxes need to be running nonstop-routing, they need to be synchronizing
    // the configs, and they need to have graceful-switchover enabled."
    auto missing = missing_prerequisites(*master);
    if (!missing.empty()) {
      std::string commands;
      for (const auto& m : missing) commands += "\n  " + m;
      return make_error(PlanningErrc::kMismatch,
                        who + " (master " + master->name +
                            ") is not ready for an in-service upgrade: without graceful "
                            "switchover and nonstop routing the switchover drops every session. "
                            "Configure, commit, and plan again:" +
                            commands);
    }
  }

  for (const auto& [name, engines] : chassis) {
    std::string master, backup;
    for (const auto* e : engines)
      (in.observed.find(e->name)->ha_role == "primary" ? master : backup) = e->name;
    const std::string original_master = master;
    b.begin_phase("in-service upgrade of chassis " + name);
    std::vector<Condition> ready{{Cond::kServing, master, ""},
                                 {Cond::kServing, backup, ""},
                                 {Cond::kHaRole, master, "primary"},
                                 {Cond::kHaRole, backup, "backup"}};
    add_clock_checks(ready, {master, backup});
    b.check({master, backup}, ready,
            std::string(kIssuSeed) + ": a box with two routing engines; the prerequisites are set");
    b.backup(master, std::string(kIssuSeed) + ": the configuration on record before the upgrade");
    const auto& hops = in.hops.at(master);
    for (std::size_t i = 0; i < hops.size(); ++i) {
      const auto& pkg = *hops[i];
      b.stage(master, pkg, std::string(kIssuSeed) + ": the image in /var/tmp");
      b.compat_test(master, pkg,
                    std::string(kIssuSeed) +
                        ": ISSU: Validating Image, Checking compatibility with "
                        "configuration");
      b.in_service_upgrade(master, backup, pkg,
                           std::string(kIssuSeed) +
                               ": request system software in-service-upgrade (Backup upgrade "
                               "done, Rebooting Backup RE, ISSU: Preparing for Switchover)");
      std::swap(master, backup);
      // "The old master does NOT reboot into the new code": ISSU needs both engines on one
      // version, so between hops it is rebooted whatever the policy says.
      if (i + 1 < hops.size() || policy.reboot_old_master) {
        b.reboot_engine(backup, pkg.manifest.version,
                        std::string(kIssuSeed) + ": request system reboot (the old master)");
      }
    }
    b.verify(master, in.target_version,
             std::string(kIssuSeed) + ": the new master runs the target");
    if (policy.reboot_old_master)
      b.verify(backup, in.target_version, std::string(kIssuSeed) + ": both engines run the target");
    else
      b.note("chassis " + name + ": " + backup +
             " stays backup on its old software (policy old_master_reboot: leave); reboot it "
             "(request system reboot) before the next upgrade");
    if (policy.failback)
      b.switch_mastership(original_master, std::string(kIssuSeed) +
                                               ": request chassis routing-engine master switch");
  }
  return Unit{};
}

}  // namespace hitless::plan
