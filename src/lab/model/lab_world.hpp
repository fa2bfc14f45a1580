#pragma once
// LabWorld: every emulated node of one lab plus what lies between them: the inter-appliance
// network used by failover relations and sync, the shared-IP ownership (one owner per address),
// and the lab's package signing key that nodes trust. Built from a LabSpec; runs on one
// Scheduler. Not thread-safe: use from the scheduler's thread.

#include <memory>
#include <string>
#include <vector>

#include "common/scheduler.hpp"
#include "lab/model/node.hpp"
#include "lab/spec/lab_spec.hpp"

namespace hitless::lab {

class LabWorld {
 public:
  // `shared_ips` maps cluster name -> resolved "host:port" of its shared IP (ports may have been
  // chosen at start-up); clusters missing from it use the spec's address.
  LabWorld(LabSpec spec, Scheduler& clock, std::string trusted_public_key_b64,
           const std::map<std::string, std::string>& shared_ips = {});

  const LabSpec& spec() const { return spec_; }
  Scheduler& clock() { return clock_; }
  const std::string& trusted_key() const { return trusted_key_; }
  Node* find(const std::string& name);
  const std::vector<std::unique_ptr<Node>>& nodes() const { return nodes_; }

  // --- failover relation (BeyondTrust "Failover" page; SPS "High Availability") ----------------
  // Run on the node meant to take `self_role`; the peer takes the other role. Refused unless both
  // run, neither is in a relation, inter-appliance keys are equal and the installed packages
  // (active slots) are equal. Copies no data: the next sync does.
  NodeStatus establish(Node& self, const std::string& peer, HaRole self_role);
  // Works even when the peer cannot be reached (then only this side forgets the relation).
  NodeStatus break_relation(Node& self);
  // When it completes, the backup's configuration (users, settings) becomes the primary's and
  // both end with the union of their recordings; takes data size / sync rate of model time.
  // Refused when the two nodes' installed packages differ.
  NodeStatus sync(Node& self);
  // Role change inside the relation; the shared IP follows the primary. `force` lets a node
  // become backup when its peer cannot be contacted.
  NodeStatus become(Node& self, HaRole role, bool force);

  // --- shared IP -----------------------------------------------------------------------------
  NodeStatus set_shared_ip(Node& self, bool enabled);
  Node* shared_ip_owner(const std::string& address);

  // Called by a node that stops running: syncs involving it are aborted.
  void node_went_down(Node& node);

  // --- seed 000 clusters (active-active, active-passive); cluster_rules.cpp ------------------
  // Disable: the member is no longer pushed to (if it holds the VIP, the VIP and its sessions
  // move to another enabled serving member first). Enable (re-join): a member on an older
  // version than the cluster is upgraded by the cluster; one on a newer version is refused with
  // kMemberVersionNewer's text.
  NodeStatus set_member_enabled(Node& self, bool enabled);
  // The version the enabled members run ("" when none is enabled besides `except`).
  std::string cluster_version(const Node& self, const Node* except = nullptr) const;
  // Called by a member whose install completed: it pushes its package to every other enabled
  // member on an older version, which install at once (after receiving the initiator's
  // revision when theirs differs).
  void cluster_install_completed(Node& initiator);
  // Active/passive: move the VIP to `to` (a serving member), transferring the owner's sessions.
  // The manual failback of seed 000 and the failover the push causes both come here.
  NodeStatus move_vip(Node& to);
  // Called by a VIP owner that stops serving (install, reboot, power-off): the VIP and its
  // sessions fail over to another enabled serving member, when there is one.
  void vip_owner_stops_serving(Node& owner);

  // --- seed 001 Atlas clusters (S6, S7); atlas_rules.cpp ------------------------------------
  // The master whose cluster configuration is in force: the primary of the masters' failover
  // relation, or the only master when there is no relation. Null when it is not running.
  Node* atlas_primary(const std::string& cluster);
  // "Distribute to Cluster" on the primary master: every other node of the cluster receives the
  // staged package (size / sync rate of model time each) and holds it staged; nothing installs.
  NodeStatus distribute(Node& self, const std::string& package_id);
  // Management > Cluster on the primary master: a traffic node's "Accepting New Client
  // Connections". The change is saved in the primary's configuration and sent to the node.
  NodeStatus set_traffic_accepting(Node& self, const std::string& traffic, bool accepting);
  // Cluster :: Status > Sync Now on the primary master: every traffic node takes the primary's
  // configuration (its accepting flag); with backup operations enabled, the backup master is
  // data-synced too (refused while it runs other software: disable backup operations first).
  NodeStatus cluster_sync_now(Node& self);
  // Failover > Enable Backup Operations, a setting of the masters' relation (either master).
  NodeStatus set_backup_operations(Node& self, bool enabled);
  bool backup_operations(const std::string& cluster) const;
  // Called by a node whose install completed: a master marks every traffic node not accepting
  // in its own copy of the cluster configuration (seed 001's warning); nothing is sent.
  void atlas_install_completed(Node& node);
  // Where the cluster's service address of `region` sends a new client: the serving, accepting
  // traffic node of that region with the fewest open sessions; null when there is none.
  Node* route_client(const std::string& cluster, const std::string& region);

  // --- seed 003 SPS HA pairs and search roles (S12, S13); sps_rules.cpp ---------------------
  // Firmware uploaded to an HA primary reaches its secondary (when that one is up).
  void sps_staged(Node& self, const StagedPackage& pkg);
  // "After reboot" selected on an HA primary: the secondary writes the same firmware to its other
  // slot and boots it at its next start ("verify that the new firmware is active on the
  // secondary node").
  void sps_after_reboot_selected(Node& self, const std::string& package_id);
  // A node finished writing firmware to its other slot. When the firmware came from its HA
  // peer and the node has the wedge-after-peer-firmware fault, its management plane wedges.
  void sps_firmware_written(Node& self);
  // What `self`'s HA page shows as its peer's firmware after reboot ("" none, or not connected).
  std::string sps_peer_after_reboot(const Node& self);
  // Called by every node that finished booting. A secondary reconnects to its primary and syncs
  // (heartbeat unavailable meanwhile) and waits for Activate Slave. A search master that boots
  // newer firmware than a minion still runs: that minion creates a legacy index and the
  // cluster's search enters the critical error state.
  void sps_node_booted(Node& self);
  // Basic Settings > High Availability: "standalone" (no relation), "degraded" (the other node is
  // off or down), "syncing" (heartbeat unavailable), "version-mismatch", "waiting-activation"
  // (connected, Activate Slave not clicked yet), "ok".
  std::string sps_ha_status(const Node& self);
  // "Activate Slave" on the primary: refused unless the secondary is connected, synced and runs
  // the primary's firmware.
  NodeStatus activate_slave(Node& self);
  // High Availability > Other node > Shutdown, on either member: the other node shuts down
  // cleanly over the HA link. Refused when this node cannot reach it (off, rebooting, or cut
  // off the network: the `unreachable` fault) or it does not act on it (its management plane
  // is wedged); out-of-band power is the way then.
  NodeStatus shutdown_other(Node& self);
  // The cluster's search state: "" when healthy, else the critical error (seed 003).
  std::string search_critical(const std::string& cluster) const;
  // A minion pushes a document into the master's index: refused in the critical state.
  NodeStatus search_push(Node& self);

 private:
  Node* peer_of(Node& self);
  void finish_sync(const std::string& primary, const std::string& backup);
  void push_to(Node& from, Node& to);
  void install_pushed(const std::string& from, const std::string& to,
                      const std::string& package_id);

  LabSpec spec_;
  Scheduler& clock_;
  std::string trusted_key_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::map<std::string, Node*> by_name_;
  std::map<std::string, bool> backup_operations_;       // atlas cluster -> enabled
  std::map<std::string, std::string> search_critical_;  // cluster -> critical error text
};

}  // namespace hitless::lab
