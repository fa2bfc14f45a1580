#pragma once
// Seed 003 SPS HA pairs (S12) and Search Minion / Search Master ordering (S13). The HA pair is
// upgraded by the seed's steps 1-11: the firmware uploaded to and tested on the primary, "After
// reboot" selected (the secondary follows), the secondary shut down, the primary rebooted (the
// procedure's downtime) and verified, the secondary powered on out of band through its BMC, its
// sync from the primary waited for, versions compared, Activate Slave. With search roles the
// search master is first set to boot the new firmware, the minions are upgraded one after the
// other, then the master reboots. Roles are ordered by the seed's rules plus the policy's
// `role_order`; a cycle is refused naming it; minions without a master are refused. Pure.

#include "planner/strategy.hpp"

namespace hitless::plan {

class SpsHaStrategy final : public Strategy {
 public:
  const char* name() const override { return "sps-ha"; }
  const char* summary() const override {
    return "SPS HA pair by seed 003 steps 1-11 (secondary off, primary rebooted, secondary "
           "powered on out of band, sync, Activate Slave); search minions before the master";
  }
  bool fits(const std::string& kind) const override { return kind == "ha-pair"; }
  Status<PlanningErrc> build(PlanBuilder& b, const StrategyInput& in) const override;
};

// The roles of `cluster` in upgrade order (seed rules + policy role_order), or why not.
Result<std::vector<std::string>, PlanningErrc> sps_role_order(const InventoryCluster& cluster);

}  // namespace hitless::plan
