#pragma once
// S2 (seed 000, Active/Active scenario): a Pulse Secure cluster behind a load balancer with a
// health check (HAProxy). Every member leaves service the same way: drained at the balancer
// (its sessions end), in maintenance, upgraded, seen up by the balancer's own health check, then
// ready again. The seed's push makes the order matter, so there are two orders:
//  - lb-push, the seed's order: one member upgrades and its push upgrades every other enabled
//    member at once, leaving 1 of N serving; refused below the capacity floor, naming the figure.
//  - lb-rejoin, the order that keeps the floor where membership can be disabled: the members that
//    must keep serving are disabled first (no push reaches them), a core of at most
//    min(max_unavailable, N - floor) members is upgraded (one installs, its push does the rest),
//    then the disabled members are re-enabled in batches of that size, each upgraded by the
//    cluster on re-join. Members that report no membership (no push) are installed batch by
//    batch instead.
// An active/active cluster with no load balancer is refused (check_load_balancer, made by the
// planner for every strategy): nothing could drain its members.
// Pure.

#include "planner/strategy.hpp"

namespace hitless::plan {

class LbRejoinStrategy final : public Strategy {
 public:
  const char* name() const override { return "lb-rejoin"; }
  const char* summary() const override {
    return "active/active behind a load balancer: keeps the capacity floor by disabling members "
           "and re-enabling them in batches (S2)";
  }
  bool fits(const std::string& kind) const override { return kind == "active-active"; }
  Status<PlanningErrc> build(PlanBuilder& b, const StrategyInput& in) const override;
};

class LbPushStrategy final : public Strategy {
 public:
  const char* name() const override { return "lb-push"; }
  const char* summary() const override {
    return "active/active behind a load balancer in the seed's order: one member, then its push "
           "upgrades the rest at once (1 of N serving) (S2)";
  }
  bool fits(const std::string& kind) const override { return kind == "active-active"; }
  Status<PlanningErrc> build(PlanBuilder& b, const StrategyInput& in) const override;
};

// An active/active cluster must sit behind a load balancer (whatever the strategy): kMismatch
// naming the cluster and what to configure otherwise.
Status<PlanningErrc> check_load_balancer(const InventoryCluster& cluster);

// The members serving while an lb-rejoin plan upgrades `members` enabled members under `policy`
// (N - batch), and the batch size; the seed's order leaves 1.
struct RejoinShape {
  int batch = 1;
  int serving = 0;
};
RejoinShape rejoin_shape(const Policy& policy, int members);

}  // namespace hitless::plan
