#pragma once
// VerbRegistry: the one list of verb handlers. The executor, rollback and the simulator find a
// verb's handler here; a plan whose verbs have no handler is refused before anything is contacted.
// Built once from an explicit list (verb_registry.cpp), then read-only: safe to share.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "executor/verbs/verb_handler.hpp"

namespace hitless::exec {

class VerbRegistry {
 public:
  void add(std::unique_ptr<VerbHandler> h);
  const VerbHandler* find(plan::Verb v) const;
  std::vector<const VerbHandler*> all() const;
  // The built-in handlers (every verb the planner uses).
  static const VerbRegistry& builtin();
  // "" when every step (and undo) of the plan has a handler; otherwise which does not.
  std::string unsupported(const plan::Plan& p) const;

 private:
  std::map<plan::Verb, std::unique_ptr<VerbHandler>> handlers_;
};

// Registration functions, one per verb family file.
void register_check_verbs(VerbRegistry& r);   // check, verify, approval
void register_backup_verbs(VerbRegistry& r);  // backup
void register_ha_verbs(VerbRegistry& r);      // sync, break-ha, establish-ha, set-role
void register_package_verbs(
    VerbRegistry& r);  // stage, compat-test, install, reboot, select-boot-slot, restore-software
void register_traffic_verbs(VerbRegistry& r);  // switch-traffic, set-accepting, lb-*
void register_power_verbs(VerbRegistry& r);    // power-off, power-on
void register_cluster_verbs(VerbRegistry& r);  // cluster-push, set-member, take-vip (seed 000)
// distribute, wait-drained, cluster-sync, backup-operations (seed 001 Atlas)
void register_atlas_verbs(VerbRegistry& r);
void register_migration_verbs(VerbRegistry& r);  // seed 004 hardware migration (S9)

}  // namespace hitless::exec
