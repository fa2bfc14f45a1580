#pragma once
// PlanBuilder: the shared vocabulary of building blocks that every strategy composes (backup,
// sync, break/establish the relation, stage, compatibility test, install, reboot, verify,
// approval, traffic switch). Each block appends one step with its estimate, preconditions,
// gate, guards, repeat-safety and undo filled in the same way for every strategy. The plan is a
// DAG: a step waits for the step added before it unless `after()` names its predecessors, and
// `parallel()` adds branches that start together and are joined by the next step. Pure; not
// thread-safe.

#include <functional>
#include <map>
#include <optional>
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
  // Ends the last phase (the planner calls it after the strategy): approvals the policy asks for.
  void finish();
  // The id of the last step added ("" before the first).
  const std::string& last() const { return last_; }
  // The next step waits for exactly these steps (a join, or a branch from an earlier step).
  void after(std::vector<std::string> ids) { next_after_ = std::move(ids); }
  // Each function adds one branch; all branches start after the current last step and run in
  // parallel; the next step added waits for every branch. Returns the branches' last steps.
  std::vector<std::string> parallel(const std::vector<std::function<void()>>& branches);

  std::string check(const std::vector<std::string>& nodes, std::vector<Condition> conditions,
                    const std::string& seed_ref);
  std::string backup(const std::string& node, const std::string& seed_ref);
  // "Sync Now" run on `node`; waits until `backup_node` finished a sync.
  std::string sync(const std::string& node, const std::string& backup_node,
                   const std::string& seed_ref);
  std::string break_ha(const std::string& node, const std::string& peer, const std::string& primary,
                       const std::string& seed_ref);
  std::string establish(const std::string& primary, const std::string& backup,
                        const std::string& seed_ref);
  std::string stage(const std::string& node, const catalog::CatalogPackage& pkg,
                    const std::string& seed_ref);
  std::string compat_test(const std::string& node, const catalog::CatalogPackage& pkg,
                          const std::string& seed_ref);
  // activate_now: the node stops serving, installs and reboots into the package.
  // Otherwise the package is written to the other slot and activated at the next reboot.
  std::string install(const std::string& node, const catalog::CatalogPackage& pkg,
                      bool activate_now, std::vector<Condition> preconditions,
                      const std::string& seed_ref);
  std::string reboot(const std::string& node, const std::string& expect_version,
                     std::vector<Condition> preconditions, const std::string& seed_ref);
  // The catalog's soak time after `done` on `node` (seed 004: wait 24 hours after installing
  // each package): the executor waits it out, journaled, before the next hop.
  std::string soak(const std::string& node, const std::string& done, double seconds,
                   const std::string& seed_ref);
  std::string verify(const std::string& node, const std::string& version,
                     const std::string& seed_ref);
  std::string approval(const std::string& what, const std::string& seed_ref);
  // Shared-IP switch: disable on `from`, enable on `to`.
  std::string switch_shared_ip(const std::string& from, const std::string& to,
                               const std::string& seed_ref);

 private:
  Step& add(Verb verb, std::vector<std::string> targets, std::string slug, std::string title);
  const NodeProfile& profile(const std::string& node) const;
  // Guards for a step that takes `node` out of service: never both members of a pair down.
  void guard_out_of_service(Step& s, const std::string& node) const;
  // Counts the slot writes per node; the write that overwrites the pre-run slot is marked.
  void note_slot_write(Step& s, const std::string& node, const std::string& what);
  // policy.approval_phases: whether the current phase ends with a person's approval.
  bool phase_wants_approval() const;
  bool phase_allows_approval() const;
  void close_phase();

  Plan& plan_;
  const InventoryCluster& cluster_;
  int phase_ = -1;
  int counter_ = 0;
  std::string last_;
  std::optional<std::vector<std::string>> next_after_;
  std::map<std::string, int> slot_writes_;  // node -> installs planned so far
};

}  // namespace hitless::plan
