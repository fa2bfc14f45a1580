#pragma once
// Seed 001 Atlas clusters: S6 (primary and backup masters in failover) and S7 (one master),
// traffic nodes in regions. The seed's order: Distribute to Cluster, half of each region's
// traffic nodes offline and drained, upgraded (with the backup master in S6), the master failover
// (S6) or the master's install (S7), the upgraded nodes accepting again and Sync Now, the rest
// drained and upgraded, accepting again, and the cluster configuration restored. Pure.

#include "planner/strategy.hpp"

namespace hitless::plan {

class AtlasStrategy final : public Strategy {
 public:
  const char* name() const override { return "atlas"; }
  const char* summary() const override {
    return "half of each region's traffic nodes drained and upgraded first, masters by the seed "
           "(failover in S6), then the other half (S6, S7)";
  }
  bool fits(const std::string& kind) const override { return kind == "atlas"; }
  Status<PlanningErrc> build(PlanBuilder& b, const StrategyInput& in) const override;
};

// The traffic nodes of each region taken offline in the first wave: floor(n / 2), raised to the
// region's floor and lowered so that as many stay accepting: a region of 3 gives 1 first and 2
// later, a region of 1 gives none first (it upgrades in the second wave, alone). Nodes in
// inventory order. kBadPolicy when a region cannot keep its floor in either wave.
Result<std::map<std::string, std::vector<std::string>>, PlanningErrc> atlas_first_wave(
    const InventoryCluster& cluster);

}  // namespace hitless::plan
