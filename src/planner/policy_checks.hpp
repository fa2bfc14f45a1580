#pragma once
// Plan-time checks of each cluster's policy against the cluster it governs: a capacity floor the
// cluster cannot meet while any member is out of service is refused (naming cluster, field and
// reason); a max_unavailable above the member count is clamped to it, with a note in the plan.
// Pure: the command line runs these before contacting any node, make_plan runs them again.

#include <string>
#include <vector>

#include "model/inventory.hpp"
#include "planner/strategy.hpp"

namespace hitless::plan {

// The policy the plan carries for `cluster`: its inventory policy (with any --policy overrides
// already applied), max_unavailable clamped to the member count. kBadPolicy when the floor is
// above the member count or leaves no member that could be taken out of service.
Result<Policy, PlanningErrc> effective_policy(const InventoryCluster& cluster,
                                              std::vector<std::string>& notes);

// After the strategies built the plan: approval phases the plan does not have are refused.
Status<PlanningErrc> check_against_plan(const std::string& cluster, const Policy& policy,
                                        const Plan& plan);

// effective_policy for every cluster of `inventory` named in `clusters` (all when empty); the
// first refusal. Unknown cluster names are left to make_plan.
Status<PlanningErrc> check_policies(const Inventory& inventory,
                                    const std::vector<std::string>& clusters);

}  // namespace hitless::plan
