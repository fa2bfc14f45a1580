#pragma once
// The planner: a pure, deterministic function from (inventory, observed state, catalog, target,
// strategy, policy) to a Plan. It checks each cluster's policy against its size
// (policy_checks.hpp), that the inventory matches what was observed (roles, reachability,
// relations) and that the target makes sense, then lets each cluster's strategy compose the
// steps. The policy comes from the inventory's clusters (the command line applies `--policy`
// overrides to them first). No I/O.

#include <map>
#include <string>
#include <vector>

#include "catalog/bundle_check.hpp"
#include "catalog/catalog.hpp"
#include "model/inventory.hpp"
#include "model/observed_state.hpp"
#include "planner/plan.hpp"
#include "planner/policy_checks.hpp"
#include "planner/strategy.hpp"

namespace hitless::plan {

struct PlanRequest {
  const Inventory* inventory = nullptr;
  const ObservedState* observed = nullptr;
  const catalog::Catalog* catalog = nullptr;
  std::string target = "latest";      // a version, or "latest"
  std::string strategy;               // "" = the default for each cluster's kind
  std::vector<std::string> clusters;  // "" = every cluster of the inventory
  // Seed 004: the offline bundles of air-gapped nodes (inventory `bundle:`), by node, already
  // checked against the catalog (catalog/bundle_check.hpp); the planner checks each is bound to
  // its node's appliance and holds its hops. Null: no node has one.
  const std::map<std::string, catalog::BundleSummary>* bundles = nullptr;
};

Result<Plan, PlanningErrc> make_plan(const PlanRequest& request);

}  // namespace hitless::plan
