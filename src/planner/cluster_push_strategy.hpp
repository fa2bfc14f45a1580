#pragma once
// Seed 000 clusters (Pulse Secure, S1 active/passive with a VIP, S3 membership rules; S2's
// load-balancer order lives elsewhere): stage on every enabled member, upgrade one member (the
// passive node, not the VIP owner, in an active/passive cluster), let its push upgrade the rest,
// re-enable disabled members so the cluster upgrades them, and fail the VIP back by policy.
// Pure.

#include "planner/strategy.hpp"

namespace hitless::plan {

class ClusterPushStrategy final : public Strategy {
 public:
  const char* name() const override { return "cluster-push"; }
  const char* summary() const override {
    return "passive member first, its push upgrades the others, VIP fails over with sessions; "
           "disabled members upgraded on re-join (S1, S3)";
  }
  bool fits(const std::string& kind) const override {
    return kind == "active-passive" || kind == "active-active";
  }
  Status<PlanningErrc> build(PlanBuilder& b, const StrategyInput& in) const override;
};

// Seed 000's membership rule at plan time: a disabled member on a version newer than `target`
// would be refused when it re-joins the upgraded cluster; the plan cannot continue. Says so in
// the appliance's own words. Unit for other kinds of cluster.
Status<PlanningErrc> check_members_can_rejoin(const InventoryCluster& cluster,
                                              const ObservedState& observed,
                                              const std::string& target);

}  // namespace hitless::plan
