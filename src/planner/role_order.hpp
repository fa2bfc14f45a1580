#pragma once
// Role ordering: the order in which a cluster's roles are upgraded, from the vendor's own rules
// (seed 003: Search Minions before the Search Master) and the policy's `role_order`, as one
// directed graph sorted topologically. A cycle is refused naming it, with where each of its
// edges comes from. Pure.

#include <string>
#include <vector>

#include "planner/strategy.hpp"

namespace hitless::plan {

struct RoleRule {
  std::string before;
  std::string after;
  std::string source;  // "seed 003: ..." or "policy role_order"
};

// The `present` roles in an order that satisfies every rule (rules naming an absent role still
// count for cycles); ties keep `present`'s order. `policy` is a chain: each role before the next.
// kBadPolicy: "role_order: cycle search-master -> search-minion -> search-master: ..." naming
// where each edge of the cycle comes from.
Result<std::vector<std::string>, PlanningErrc> order_roles(
    const std::vector<std::string>& present, const std::vector<std::string>& policy,
    const std::vector<RoleRule>& vendor_rules);

}  // namespace hitless::plan
