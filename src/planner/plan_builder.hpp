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

#include "catalog/bundle_check.hpp"
#include "catalog/catalog.hpp"
#include "model/inventory.hpp"
#include "planner/plan.hpp"

namespace hitless::plan {

// Seed 004: "make sure the time ... is correct" before updating: how far (seconds) a node's
// clock may be from this host's at the checklist.
inline constexpr const char* kClockToleranceS = "300";
// Estimate of a management API (or IPMI) call and its confirmation, for steps that make one.
inline constexpr double kApiCallS = 5;
// The same check for every node a strategy installs on, appended to its pre-flight checklist
// (a driver that cannot read a node's clock lets the condition pass).
void add_clock_checks(std::vector<Condition>& checklist, const std::vector<std::string>& nodes);

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
  // On a node given an offline bundle (use_bundle), the first stage() uploads the bundle, which
  // stages every hop at once; later calls for the node add nothing and return that step.
  std::string stage(const std::string& node, const catalog::CatalogPackage& pkg,
                    const std::string& seed_ref);
  // Seed 004 air-gapped node: its packages arrive in `bundle` (checked and bound to it by the
  // planner), which must outlive the builder; `hops` are what the node installs from it.
  void use_bundle(const std::string& node, const catalog::BundleSummary& bundle,
                  std::vector<const catalog::CatalogPackage*> hops);
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
  // Seed 000 clusters. The wait for the push `initiator` started when it came up on `pkg`: the
  // `members` install it at once (each after receiving the package, `push_s`, where needed);
  // with `vip`, the VIP ends on the initiator and it answers the service address.
  std::string cluster_push(const std::string& initiator, const std::vector<std::string>& members,
                           const catalog::CatalogPackage& pkg, double push_s, bool vip,
                           const std::string& seed_ref);
  // Re-enables a disabled member; when it runs an older version than `version` the cluster
  // upgrades it (`push_s` + install + reboot) and the gate waits for that.
  std::string enable_member(const std::string& node, const std::string& version,
                            const catalog::CatalogPackage* upgraded_with, double push_s,
                            const std::string& seed_ref);
  // `to` takes the VIP from `from`, sessions transferred (seed 000's manual failover).
  std::string take_vip(const std::string& from, const std::string& to, const std::string& seed_ref);
  // Disables a member: the cluster no longer pushes to it; it keeps serving (seed 000: "If you
  // disable or remove any cluster nodes, then upgrade the cluster, these devices will be
  // automatically upgraded ... when they are re-enabled").
  std::string disable_member(const std::string& node, const std::string& seed_ref);
  // A member's state at the cluster's load balancer (plan_builder_lb.cpp). Checks every member
  // is known to it; drains one (waiting for its sessions within the policy's drain timeout, then
  // the policy's action); puts one in maintenance; waits until the balancer's own health check
  // sees it up again (still drained); lets new sessions in.
  std::string lb_check(const std::vector<std::string>& members, const std::string& seed_ref);
  std::string lb_drain(const std::string& node, const std::string& seed_ref);
  std::string lb_maint(const std::string& node, const std::string& seed_ref);
  std::string lb_health(const std::string& node, const std::string& seed_ref);
  std::string lb_ready(const std::string& node, const std::string& seed_ref);
  // Seed 001 Atlas clusters (plan_builder_atlas.cpp). "Distribute to Cluster" on the primary
  // master: `pkg` staged on every one of `nodes`.
  std::string distribute(const std::string& master, const catalog::CatalogPackage& pkg,
                         const std::vector<std::string>& nodes, const std::string& seed_ref);
  // Management > Cluster on `master`: traffic node `node`'s "Accepting New Client Connections".
  std::string set_traffic_accepting(const std::string& master, const std::string& node,
                                    bool accepting, const std::string& seed_ref);
  // Waits until `node`'s connected clients ended, bounded by the policy's drain_timeout_s, then
  // its on_drain_timeout.
  std::string wait_drained(const std::string& node, const std::string& seed_ref);
  // Sync Now on `master`: each traffic node ends accepting as `expect` says; `backup_master`
  // (when not empty) finished a data sync.
  std::string cluster_sync(const std::string& master, const std::map<std::string, bool>& expect,
                           const std::string& backup_master, const std::string& seed_ref);
  std::string backup_operations(const std::string& master, bool enabled,
                                const std::string& seed_ref);
  // Failover page: `node` becomes `role` ("primary" | "backup"); with force even if the peer
  // cannot be contacted.
  std::string set_role(const std::string& node, const std::string& role, bool force,
                       const std::string& seed_ref);
  // Seed 003 SPS (plan_builder_sps.cpp). Out-of-band power through the node's BMC (IPMI): off
  // waits until it answers no more; on waits for `gate` (what booting means for this node).
  std::string power(const std::string& node, bool on, std::vector<Condition> gate,
                    double estimate_s, const std::string& title, const std::string& seed_ref);
  // Basic Settings > High Availability > Activate Slave on `primary`: `backup` is the standby
  // again; waits for the HA status ok.
  // Seed 003 step 6, "Other node > Shutdown" on `through` (the HA peer of `node`); out-of-band
  // power off is the fallback, chosen when the step acts, when either does not answer.
  std::string shut_down_other(const std::string& node, const std::string& through,
                              const std::string& seed_ref);
  std::string activate_slave(const std::string& primary, const std::string& backup,
                             const std::string& seed_ref);
  // The seed's own downtime: step `id` may take the pair down (the secondary is already shut
  // down by the procedure). Its pair-up / max-out / floor guards are lifted and the plan's notes
  // say so; other steps keep theirs.
  void planned_downtime(const std::string& id, const std::string& why);
  // One more condition the gate of step `id` waits for (what else the step causes elsewhere).
  void add_gate(const std::string& id, Condition c);
  // Step `id` also writes a firmware slot of `node` (seed 003: the primary's upload and "After
  // reboot" reach the secondary too), counted like the node's own installs.
  void also_writes_slot(const std::string& id, const std::string& node, const std::string& what);
  // The region guard of an Atlas traffic node: how many of its region must stay accepting.
  static int region_floor(const Policy& policy, int region_size);
  // Seed 002 chassis (plan_builder_issu.cpp). `request system software in-service-upgrade` run
  // on `master`: `backup` installs `pkg`, reboots, and takes mastership; `master` stays on its
  // software as the backup. The gate: `backup` runs the new version as master.
  std::string in_service_upgrade(const std::string& master, const std::string& backup,
                                 const catalog::CatalogPackage& pkg, const std::string& seed_ref);
  // `request system reboot` on the old master engine (now the backup): it comes back on the
  // software the upgrade left pending for it. No undo in the run (JunOS' own `request system
  // software rollback` is outside the profile): the step names that.
  std::string reboot_engine(const std::string& node, const std::string& version,
                            const std::string& seed_ref);
  // `request chassis routing-engine master switch`, run on `node`, which becomes master; with
  // GRES and NSR configured no session is lost.
  std::string switch_mastership(const std::string& node, const std::string& seed_ref);
  // A line for the operator in the plan's notes.
  void note(const std::string& text) { plan_.notes.push_back(text); }
  // A DNS swing (via "dns": clients holding the old answer may reach `from` for up to `gap_s`,
  // the record's TTL) or a NAT swing (via "nat": new connections move at once, gap_s 0).
  std::string switch_traffic(const std::string& from, const std::string& to, const std::string& via,
                             double gap_s, const std::string& what, const std::string& seed_ref);
  // Seed 004 hardware migration (plan_builder_migration.cpp). Certificate, chain and key leave
  // `from` encrypted under the passphrase in `passphrase_file` and are imported into `to`.
  std::string cert_transfer(const std::string& from, const std::string& to,
                            const std::string& issued_to, const std::string& passphrase_file,
                            const std::string& seed_ref);
  // Assign IP: the certificate issued to `issued_to` serves `node`'s own address.
  std::string cert_assign_ip(const std::string& node, const std::string& issued_to,
                             const std::string& seed_ref);
  // A fresh backup of `from` restored onto `to` (which must run `version`).
  std::string restore(const std::string& to, const std::string& from, const std::string& version,
                      const std::string& seed_ref);
  // `to` serves at `version` with `from`'s data (checksums equal) and its certificate assigned.
  std::string verify_migrated(const std::string& to, const std::string& from,
                              const std::string& version, const std::string& issued_to,
                              const std::string& seed_ref);
  // A person confirms the new appliance works; unlike approval() the policy cannot drop it.
  std::string required_approval(const std::string& what, const std::string& seed_ref);
  // Reset to factory defaults once clients are served by `successor`; then Shut Down.
  std::string factory_reset(const std::string& node, const std::string& successor,
                            const std::string& seed_ref);
  std::string shut_down(const std::string& node, const std::string& seed_ref);
  // After a cut-over away from `old_box`: it keeps serving while the cut-over propagates. Waits
  // `wall_s` (the record's TTL; wall seconds, as DNS caches keep time) so every cached answer has
  // expired, then, where `old_box` reports its connected clients, until the sessions still on it
  // have ended (bounded by the drain timeout). Returns the last step's id.
  std::string cutover_propagation(const std::string& old_box, const std::string& successor,
                                  double wall_s, bool clients_known, const std::string& seed_ref);
  // Before anything leaves service: the DNS server takes our signed updates / the NAT chain is
  // there, so a refusal stops the run while every node still serves.
  std::string check_traffic(const std::vector<std::string>& nodes, const std::string& via,
                            const std::string& seed_ref);

 private:
  Step& add(Verb verb, std::vector<std::string> targets, std::string slug, std::string title);
  const NodeProfile& profile(const std::string& node) const;
  // Guards for a step that takes `node` out of service: never both members of a pair down.
  void guard_out_of_service(Step& s, const std::string& node) const;
  // Atlas: a traffic node's region keeps region_floor() accepting nodes; masters serve no
  // clients themselves and need no guard.
  void guard_region(Step& s, const std::string& node) const;
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
  struct AirGapped {
    const catalog::BundleSummary* bundle = nullptr;
    std::vector<const catalog::CatalogPackage*> hops;
    std::string step;  // the bundle's stage step, once added
  };
  std::map<std::string, AirGapped> air_gapped_;  // node -> its offline bundle
};

}  // namespace hitless::plan
