#pragma once
// SimChassis: a chassis cluster (seed 002, S10) in the simulator: the lab's Chassis model built
// from what the plan observed (engines, versions, mastership, the redundancy statements), driven
// with the requests the junos profile's commands make (stage, validate, in-service upgrade,
// reboot, mastership switch), on the virtual clock. The in-service upgrade takes the package's
// install time plus a reboot, during which the backup engine is not there (no redundancy).
// Accounts the chassis' downtime (no forwarding) and exposure (not two engines up).
// Single-threaded (the virtual scheduler's thread).

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "catalog/catalog.hpp"
#include "drivers/drivers.hpp"
#include "lab/model/chassis.hpp"
#include "model/inventory.hpp"
#include "model/observed_state.hpp"

namespace hitless::sim {

class SimChassis {
 public:
  SimChassis(Scheduler& clock, const InventoryCluster& cluster, const ObservedState& observed);

  const std::string& cluster() const { return cluster_; }
  bool has(const std::string& node) const { return engines_.count(node) > 0; }
  Result<ObservedNode, drivers::DriverErrc> observe(const std::string& node) const;
  // `reply` gets the answer after `delay_s` model seconds (the model's own time for the action).
  using Reply = std::function<void(double delay_s, Result<nlohmann::json, drivers::DriverErrc>)>;
  void perform(const std::string& node, const drivers::Action& action,
               const catalog::Catalog& catalog, const Reply& reply);

  // `simulate --fault ENGINE=boot-fail`: the engine does not come up on new software.
  void fail_boot(const std::string& node) { chassis_->engine(engines_.at(node)).boot_fails = true; }

  double downtime_s() { return account(), downtime_s_; }
  double exposure_s() { return account(), exposure_s_; }
  long dropped_sessions() const { return chassis_->dropped_sessions(); }

 private:
  void account();
  bool protected_now() const;

  Scheduler& clock_;
  std::string cluster_;
  std::string package_;  // the main package's name ("junos")
  std::map<std::string, int> engines_;
  std::map<std::string, double> install_s_;  // per node, from its profile
  double reboot_s_ = 0;
  std::unique_ptr<lab::Chassis> chassis_;
  double last_ = 0, downtime_s_ = 0, exposure_s_ = 0;
  bool was_forwarding_ = true, was_protected_ = true;
};

}  // namespace hitless::sim
