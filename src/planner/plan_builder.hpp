#pragma once
// PlanBuilder: the shared vocabulary of building blocks that every strategy composes (backup,
// sync, break/establish the relation, stage, compatibility test, install, reboot, verify,
// approval, traffic switch). Each block appends one step with its estimate, preconditions,
// gate, repeat-safety and undo filled in the same way for every strategy. Steps run one after
// the other unless a block is given explicit predecessors. Pure; not thread-safe.

#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "model/inventory.hpp"
#include "planner/plan.hpp"

namespace hitless::plan {

class PlanBuilder {
 public:
  PlanBuilder(Plan& plan, const InventoryCluster& cluster);

  // Starts the next phase (maintenance window).
  void begin_phase(const std::string& name);
  // The id of the last step added ("" before the first).
  const std::string& last() const { return last_; }

  std::string check(const std::vector<std::string>& nodes, std::vector<Condition> conditions, const std::string& seed_ref);
  std::string backup(const std::string& node, const std::string& seed_ref);
  // "Sync Now" run on `node`; waits until `backup_node` finished a sync.
  std::string sync(const std::string& node, const std::string& backup_node, const std::string& seed_ref);
  std::string break_ha(const std::string& node, const std::string& peer, const std::string& primary,
                       const std::string& seed_ref);
  std::string establish(const std::string& primary, const std::string& backup, const std::string& seed_ref);
  std::string stage(const std::string& node, const catalog::CatalogPackage& pkg, const std::string& seed_ref);
  std::string compat_test(const std::string& node, const catalog::CatalogPackage& pkg, const std::string& seed_ref);
  // activate_now: the node stops serving, installs and reboots into the package.
  // Otherwise the package is written to the other slot and activated at the next reboot.
  std::string install(const std::string& node, const catalog::CatalogPackage& pkg, bool activate_now,
                      std::vector<Condition> preconditions, const std::string& seed_ref);
  std::string reboot(const std::string& node, const std::string& expect_version, std::vector<Condition> preconditions,
                     const std::string& seed_ref);
  std::string verify(const std::string& node, const std::string& version, const std::string& seed_ref);
  std::string approval(const std::string& what, const std::string& seed_ref);
  // Shared-IP switch: disable on `from`, enable on `to`.
  std::string switch_shared_ip(const std::string& from, const std::string& to, const std::string& seed_ref);

 private:
  Step& add(Verb verb, std::vector<std::string> targets, std::string slug, std::string title);
  const NodeProfile& profile(const std::string& node) const;

  Plan& plan_;
  const InventoryCluster& cluster_;
  int phase_ = -1;
  int counter_ = 0;
  std::string last_;
};

}  // namespace hitless::plan
