#include "planner/single_strategy.hpp"

namespace hitless::plan {
namespace {
constexpr const char* kSingleSeed = "003 Upgrading SPS";
}

Status<PlanningErrc> SingleNodeStrategy::build(PlanBuilder& b, const StrategyInput& in) const {
  const std::string& node = in.cluster.nodes.front().name;
  b.begin_phase("upgrade " + node);
  b.check({node}, {{Cond::kServing, node, ""}, {Cond::kClockInSync, node, kClockToleranceS}},
          std::string(kSingleSeed) + " > checklist: SPS is in good condition");
  b.backup(node,
           std::string(kSingleSeed) + " > checklist: you have created a configuration backup");
  const auto& hops = in.hops.at(node);
  // Every hop is uploaded (and verified on arrival) before the first install, so a package the
  // node refuses stops the run while the node still runs its old software untouched.
  for (const auto* pkg : hops)
    b.stage(node, *pkg, std::string(kSingleSeed) + " > Upload the new firmware");
  std::string running = in.observed.find(node)->version;
  for (std::size_t i = 0; i < hops.size(); ++i) {
    const auto& pkg = *hops[i];
    if (pkg.manifest.kind != "base")
      running = pkg.manifest.version;  // Base boots into the same main version
    b.compat_test(
        node, pkg,
        std::string(kSingleSeed) + " > Click Test; proceed only if the upgrade test is successful");
    b.install(node, pkg, false, {},
              std::string(kSingleSeed) + " > For the new firmware, select After reboot");
    b.reboot(node, running, {},
             std::string(kSingleSeed) + " > System control > This node > Reboot");
    if (pkg.soak_s > 0 && i + 1 < hops.size()) {  // the catalog's soak time is a phase boundary
      b.begin_phase(soak_phase_name(pkg, *hops[i + 1]));
      b.soak(node, pkg.manifest.id(), pkg.soak_s,
             "004 > wait at least 24 hours after installing each package");
    }
  }
  b.verify(
      node, in.target_version,
      std::string(kSingleSeed) + " > verify that the upgrade was successful (Version details)");
  return Unit{};
}

}  // namespace hitless::plan
