// PlanBuilder blocks for seed 002 (S10, JunOS in-service software upgrade on a chassis with two
// routing engines): the in-service upgrade itself, the old master's reboot and the switch back.
// Pure.
#include "planner/plan_builder.hpp"

namespace hitless::plan {
namespace {
constexpr double kIssuCommandS = 5;  // a CLI command and its confirmation
}

std::string PlanBuilder::in_service_upgrade(const std::string& master, const std::string& backup,
                                            const catalog::CatalogPackage& pkg,
                                            const std::string& seed_ref) {
  const auto& prof = profile(backup);
  const double install_s = pkg.manifest.install_s > 0 ? pkg.manifest.install_s : prof.install_s;
  Step& s = add(Verb::kInstall, {master}, "issu-" + master + "-" + pkg.id(),
                "In-service upgrade to " + pkg.id() + " from the master " + master + ": " + backup +
                    " installs it, reboots and takes mastership (GRES + NSR keep every "
                    "session); " +
                    master + " stays on its software as backup");
  // `activate: in-service`: the engine it runs on keeps serving (no guard, nothing out of
  // service); the chassis does the rest.
  s.params = {{"package", pkg.id()},
              {"activate", "in-service"},
              {"name", pkg.manifest.name},
              {"version", pkg.manifest.version},
              {"backup_engine", backup}};
  s.preconditions = {{Cond::kStaged, master, pkg.id()},
                     {Cond::kHaRole, master, "primary"},
                     {Cond::kHaRole, backup, "backup"}};
  s.gate = {{Cond::kVersion, backup, pkg.manifest.version},
            {Cond::kHaRole, backup, "primary"},
            {Cond::kHaRole, master, "backup"}};
  s.estimate_s = install_s + prof.reboot_s + kIssuCommandS;
  s.repeat_safe = false;  // never blind: the engines' versions and roles say how far it got
  s.undo = Undo{Verb::kSetRole,
                {master},
                {{"role", "primary"}, {"force", false}},
                "Give " + master + " mastership back (it still runs the software it had)"};
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::reboot_engine(const std::string& node, const std::string& version,
                                       const std::string& seed_ref) {
  Step& s = add(Verb::kReboot, {node}, "reboot-" + node,
                "Reboot the old master " + node + " into " + version + " (it stays backup)");
  s.preconditions = {{Cond::kReachable, node, ""}, {Cond::kHaRole, node, "backup"}};
  guard_out_of_service(s, node);
  s.gate = {{Cond::kVersion, node, version}, {Cond::kServing, node, ""}};
  s.params = {{"version", version}};
  s.estimate_s = profile(node).reboot_s + kIssuCommandS;
  s.repeat_safe = false;
  s.no_return = "after it both routing engines run " + version +
                "; going back is JunOS' `request system software rollback` on each engine, which "
                "hitless does not run";
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::switch_mastership(const std::string& node, const std::string& seed_ref) {
  Step& s =
      add(Verb::kSetRole, {node}, "switch-mastership-" + node, "Switch mastership back to " + node);
  s.params = {{"role", "primary"}, {"force", false}};
  s.preconditions = {{Cond::kHaRole, node, "backup"}};
  s.gate = {{Cond::kHaRole, node, "primary"}};
  s.estimate_s = kIssuCommandS;
  s.seed_ref = seed_ref;
  return s.id;
}

}  // namespace hitless::plan
