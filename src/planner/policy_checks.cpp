#include "planner/policy_checks.hpp"

#include <algorithm>

namespace hitless::plan {

Result<Policy, PlanningErrc> effective_policy(const InventoryCluster& c,
                                              std::vector<std::string>& notes) {
  Policy p = c.policy;
  const int size = static_cast<int>(c.nodes.size());
  const std::string members = std::to_string(size) + (size == 1 ? " member" : " members");
  const int floor = capacity_floor_count(p, size);
  if (p.capacity_floor) {
    const std::string given = to_string(*p.capacity_floor);
    const std::string as_count =
        p.capacity_floor->percent ? " (" + std::to_string(floor) + " of " + members + ")" : "";
    if (floor > size)
      return make_error(PlanningErrc::kBadPolicy,
                        "cluster " + c.name + ": policy.capacity_floor: " + given +
                            " is above the cluster's size (" + members +
                            "); lower it or give this cluster its own policy");
    if (floor == size && floor > 0)
      return make_error(PlanningErrc::kBadPolicy,
                        "cluster " + c.name + ": policy.capacity_floor: " + given + as_count +
                            " keeps every member of the cluster serving, so no member can be "
                            "taken out of service to upgrade it; lower it to at most " +
                            std::to_string(size - 1) + " of " + members);
  }
  if (p.max_unavailable > size) {
    notes.push_back("cluster " + c.name + ": policy.max_unavailable " +
                    std::to_string(p.max_unavailable) + " is more than its " + members +
                    "; planned with " + std::to_string(size));
    p.max_unavailable = size;
  }
  return p;
}

Status<PlanningErrc> check_against_plan(const std::string& cluster, const Policy& policy,
                                        const Plan& plan) {
  if (policy.approval_phases.mode != ApprovalPhases::Mode::kList) return Unit{};
  const int phases = static_cast<int>(plan.phases.size());
  for (const int n : policy.approval_phases.phases)
    if (n > phases)
      return make_error(PlanningErrc::kBadPolicy,
                        "cluster " + cluster + ": policy.approval_phases: phase " +
                            std::to_string(n) + " does not exist (the plan has " +
                            std::to_string(phases) + (phases == 1 ? " phase)" : " phases)"));
  return Unit{};
}

Status<PlanningErrc> check_policies(const Inventory& inv,
                                    const std::vector<std::string>& clusters) {
  std::vector<std::string> notes;
  for (const InventoryCluster& c : inv.clusters) {
    if (!clusters.empty() && std::find(clusters.begin(), clusters.end(), c.name) == clusters.end())
      continue;
    if (auto p = effective_policy(c, notes); !p) return p.error();
  }
  return Unit{};
}

}  // namespace hitless::plan
