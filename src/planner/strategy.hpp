#pragma once
// Strategy: how one cluster kind is upgraded, written as a sequence of PlanBuilder blocks that
// follows the vendor procedure step for step. Adding a scenario means adding a Strategy (and
// perhaps a driver), not reshaping the planner or the executor. Strategies are listed
// explicitly in strategy.cpp. Pure.

#include <map>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "model/inventory.hpp"
#include "model/observed_state.hpp"
#include "planner/plan_builder.hpp"

namespace hitless::plan {

enum class PlanningErrc {
  kBadTarget,
  kAlreadyAtTarget,
  kMismatch,
  kUnreachable,
  kNoStrategy,
  kNoPath,
  kBadPolicy
};

struct StrategyInput {
  const InventoryCluster& cluster;
  const ObservedState& observed;
  std::string target_version;
  // Per node: the packages to install, in order (empty when the node is already at target).
  std::map<std::string, std::vector<const catalog::CatalogPackage*>> hops;
  // Pairs: which node is primary and which backup, as observed.
  std::string primary;
  std::string backup;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual const char* name() const = 0;
  virtual const char* summary() const = 0;
  // Whether it can upgrade this kind of cluster.
  virtual bool fits(const std::string& cluster_kind) const = 0;
  virtual Status<PlanningErrc> build(PlanBuilder& b, const StrategyInput& in) const = 0;
};

// The name of the phase that starts after `done`'s soak time: "soak 24h after Bomgar-12.1.0, then
// Bomgar-12.2.0". The catalog's soak time makes a phase boundary between two hops.
std::string soak_phase_name(const catalog::CatalogPackage& done,
                            const catalog::CatalogPackage& next);

const std::vector<const Strategy*>& all_strategies();
const Strategy* find_strategy(const std::string& name);
// The strategy used when none is asked for: the first listed that fits the kind (the least
// downtime), except for an active/active cluster behind a load balancer whose members can all be
// disabled (seed 000 membership): lb-rejoin, the order that keeps the capacity floor, since the
// seed's own push leaves 1 of N serving and an operator expects the load balancer to be used.
const Strategy* default_strategy(const std::string& cluster_kind);
const Strategy* default_strategy(const InventoryCluster& cluster, const ObservedState& observed);

}  // namespace hitless::plan
