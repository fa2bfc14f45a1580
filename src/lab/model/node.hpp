#pragma once
// Node: one emulated appliance, as the seeds describe them. Two firmware slots, staged packages
// (signature checked on arrival), installs and reboots that take model time during which the
// node does not serve, package requirements, an HA relation (kept by LabWorld), a shared-IP
// setting, an accepting-new-connections flag, client sessions that end by themselves, a
// configuration store, power, and injected faults.
// Seed 001: a member of a failover or HA pair refuses installs while it is in its relation.
// Seed 004: backups and installs take longer with more data (constants below).
// Time comes only from the Scheduler, so the daemon (real clock) and the simulator (virtual
// clock) run this very code. Not thread-safe: use from the scheduler's thread.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "catalog/package.hpp"
#include "common/result.hpp"
#include "common/scheduler.hpp"
#include "lab/model/certificate.hpp"
#include "lab/model/config_store.hpp"
#include "lab/model/faults.hpp"
#include "lab/spec/lab_spec.hpp"

namespace hitless::lab {

class Node;
class LabWorld;

enum class NodeErrc {
  kBadRequest,    // malformed or impossible request
  kNotFound,      // unknown package, peer, ...
  kBusy,          // installing, rebooting, syncing
  kRefused,       // a precondition of the appliance does not hold (versions, keys, requirements)
  kConflict,      // the shared IP is held by another node
  kBadSignature,  // staged package failed its digest or signature check
  kDiskFull,      // no room to stage
  kPoweredOff,    // node is off
};
using NodeStatus = Status<NodeErrc>;

enum class Phase { kRunning, kInstalling, kRebooting, kOff };
enum class InstallState { kIdle, kInstalling, kPendingReboot, kDone, kFailed };
enum class HaRole { kNone, kPrimary, kBackup };
const char* to_string(Phase p);
const char* to_string(InstallState s);
const char* to_string(HaRole r);

using SessionId = std::uint64_t;

// Time grows with data (seed 004). A configuration backup takes kBackupFixedS plus the data size
// at kBackupMbPerS; an install adds the data size at kMigrateMbPerS (the data store migration)
// to the package's install time. Model seconds and MB.
inline constexpr double kBackupFixedS = 2;
inline constexpr double kBackupMbPerS = 200;
inline constexpr double kMigrateMbPerS = 1000;

// Told about changes the network front must act on (bind/unbind, close session sockets).
class NodeObserver {
 public:
  virtual ~NodeObserver() = default;
  virtual void node_changed(Node& node) = 0;
  virtual void session_ended(Node& node, SessionId id, bool dropped) = 0;
  // Seed 000: the session moved to `to` (VIP failover) and continues there as `new_id`.
  virtual void session_transferred(Node& from, SessionId id, Node& to, SessionId new_id) {
    (void)from, (void)id, (void)to, (void)new_id;
  }
};

struct Slot {
  std::string version;                          // main product / firmware version
  std::map<std::string, std::string> packages;  // every installed package (incl. base)
  bool bootable = true;
};

// The file and signature are kept so that a seed 000 cluster member can push the package it
// installed to the other members. The digest is the package's revision: two builds of one version
// differ in it (seed 000: "the service package revision at the node where you first start the
// installation process overwrites the service package revision at the other cluster's nodes").
struct StagedPackage {
  catalog::PackageManifest manifest;
  std::string digest;  // sha256 of the file as it arrived
  std::string file;
  std::string signature_b64;
  std::string revision() const { return digest.substr(0, 12); }
};

struct HaState {
  HaRole role = HaRole::kNone;
  std::string peer;
  bool syncing = false;
  TimerId sync_timer = 0;
  double last_sync_at = -1;  // model time, -1 = never
  std::string last_sync_error;
};

class Node {
 public:
  // `kind`: the kind of the node's cluster (decides whether its relation blocks installs).
  Node(const NodeSpec& spec, ClusterKind kind, std::string main_package, Scheduler& clock,
       LabWorld& world);
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  void set_observer(NodeObserver* o) { observer_ = o; }

  // --- queries -------------------------------------------------------------------------
  const std::string& name() const { return spec_.name; }
  const NodeSpec& spec() const { return spec_; }
  ClusterKind cluster_kind() const { return kind_; }
  const Slot& active() const { return slots_[active_slot_]; }
  const std::string& version() const { return active().version; }
  int active_slot() const { return active_slot_; }
  int boot_slot() const { return boot_slot_; }
  const Slot& slot(int i) const { return slots_[i]; }
  Phase phase() const { return phase_; }
  bool powered() const { return phase_ != Phase::kOff; }
  // Management API up: powered and not in the middle of a reboot.
  bool management_up() const { return phase_ == Phase::kRunning || phase_ == Phase::kInstalling; }
  // The management plane hangs (fault wedge-after-peer-firmware): it takes requests and never
  // answers, and does not act on Other node > Shutdown; the data plane is unaffected. Only a
  // power cycle ends it.
  bool management_wedged() const { return management_wedged_; }
  bool serving() const { return phase_ == Phase::kRunning; }
  bool accepting() const { return accepting_; }
  InstallState install_state() const { return install_state_; }
  const std::string& install_package() const { return install_package_; }
  const std::string& last_error() const { return last_error_; }
  // How the node last went off: "power" (its BMC or management API) or "other-node:PEER" (seed
  // 003's Other node > Shutdown on its HA peer); "" if it never did.
  const std::string& last_shutdown() const { return last_shutdown_; }
  const std::map<std::string, StagedPackage>& staged() const { return staged_; }
  const HaState& ha() const { return ha_; }
  const ConfigStore& store() const { return store_; }
  const std::set<Fault>& faults() const { return faults_; }
  bool has_fault(Fault f) const { return faults_.count(f) > 0; }
  const std::string& shared_ip() const { return shared_ip_; }  // "" when the cluster has none
  bool shared_ip_enabled() const { return shared_ip_enabled_; }
  std::size_t sessions_open() const { return sessions_.size(); }
  std::uint64_t sessions_dropped() const { return sessions_dropped_; }
  std::uint64_t sessions_completed() const { return sessions_completed_; }
  int boot_count() const { return boots_; }
  int install_count() const { return installs_; }  // installs accepted since the lab started
  // Seed 000 clusters (active-active, active-passive) --------------------------------------
  bool cluster_member() const {
    return kind_ == ClusterKind::kActiveActive || kind_ == ClusterKind::kActivePassive;
  }
  bool member_enabled() const { return member_enabled_; }
  std::uint64_t sessions_transferred() const { return sessions_transferred_; }
  // The package this node last installed (what it pushes); nullopt before its first install.
  const std::optional<StagedPackage>& installed_package() const { return installed_package_; }
  // What happened to the last push this node received ("" = none): the revision replaced, etc.
  const std::string& last_push() const { return last_push_; }
  // Seed 001 Atlas clusters (atlas_rules.cpp) -----------------------------------------------
  bool atlas_master() const {
    return kind_ == ClusterKind::kAtlas &&
           (spec_.role == "master" || spec_.role == "backup-master");
  }
  bool atlas_traffic() const { return kind_ == ClusterKind::kAtlas && spec_.role == "traffic"; }
  // A master's copy of the cluster configuration: per traffic node, "Accepting New Client
  // Connections". The primary master's copy is the one in force.
  const std::map<std::string, bool>& atlas_accepting_config() const { return atlas_config_; }
  // Seed 004 hardware migration (migration_rules.cpp) ------------------------------------------
  // The certificate assigned to the node's IP (none on a spare in factory state).
  const std::optional<Certificate>& certificate() const { return certificate_; }
  // Factory state: first-time login credentials (admin / password), no data restored yet.
  bool factory_defaults() const { return factory_defaults_; }
  double disk_mb() const { return spec_.data.disk_mb; }
  // Seed 003 SPS (sps_rules.cpp) ------------------------------------------------------------
  // An HA secondary serves as hot standby only after "Activate Slave" following its last boot.
  bool slave_active() const { return slave_active_; }
  bool search_master() const { return spec_.role == "search-master"; }
  bool search_minion() const { return spec_.role == "search-minion"; }
  // The HA status and the cluster's search state as the SPS web interface shows them
  // (LabWorld::sps_ha_status, LabWorld::search_critical).
  std::string ha_status() const;
  std::string search_state() const;
  // Basic Settings > High Availability on this node: the firmware its HA peer will boot after
  // reboot (seed 003 step 5, read on the primary), "" when none or the peer is not connected.
  std::string ha_peer_after_reboot() const;
  // Model seconds a configuration backup of the current data takes.
  double backup_duration_s() const { return kBackupFixedS + store_.size_mb() / kBackupMbPerS; }

  // --- management operations ---------------------------------------------------------------
  // Staging: `file` is the package as uploaded; the signature is checked against the lab key.
  Result<StagedPackage, NodeErrc> stage(const std::string& file, const std::string& signature_b64);
  NodeStatus unstage(const std::string& package_id);
  // Pre-upgrade compatibility test of a staged package (S11): lists what blocks the install.
  Result<std::vector<std::string>, NodeErrc> compatibility_test(
      const std::string& package_id) const;
  // activate_now: stop serving, install, reboot into it (appliance style).
  // Otherwise write the other slot while serving and boot it at the next reboot (A/B firmware).
  NodeStatus install(const std::string& package_id, bool activate_now);
  NodeStatus reboot();
  // Boot the other slot at the next reboot (the way back after an upgrade).
  NodeStatus select_boot_slot(int slot);
  NodeStatus set_accepting(bool accepting);
  // Seed 000 membership: see LabWorld::set_member_enabled for the version rules on re-enable.
  NodeStatus power(bool on);  // out-of-band: works whatever the node's state
  ConfigStore& mutable_store() { return store_; }
  // Configuration writes (management API), stamped with the model time. They work while the
  // node installs: its management API stays up.
  void put_user(const std::string& name, const std::string& role) {
    store_.put_user(name, role, clock_.now());
  }
  void put_setting(const std::string& key, const std::string& value) {
    store_.put_setting(key, value, clock_.now());
  }
  void add_recording(const std::string& id, double size_mb) { store_.add_recording(id, size_mb); }
  // Software :: Restore Settings. Refused onto software older than the backup's (install that
  // version first), onto a disk smaller than the data, and under the refuses-restore fault.
  NodeStatus restore(const std::string& backup);
  // Security :: Certificates: export (certificate, chain, private key encrypted under the
  // passphrase), import (decrypted and checked against the certificate), Assign IP.
  Result<std::string, NodeErrc> export_certificate(const std::string& passphrase) const;
  NodeStatus import_certificate(const std::string& bundle, const std::string& passphrase);
  NodeStatus assign_certificate_ip(const std::string& ip);
  // Status > Basics > Reset Appliance to Factory Defaults: data, certificate and credentials go;
  // the installed software stays.
  NodeStatus factory_reset();

  // --- sessions (data plane) ---------------------------------------------------------------
  Result<SessionId, NodeErrc> open_session(double lifetime_override_s = 0);
  void close_session(SessionId id);  // the client went away
  // The session's connection was cut on the node's side (its shared IP moved away): a drop.
  void drop_session(SessionId id);
  // VIP failover (seed 000): every open session leaves this node and continues on `to` for the
  // rest of its lifetime. Returns how many moved.
  std::size_t transfer_sessions_to(Node& to);

  // --- faults -----------------------------------------------------------------------------
  void inject(Fault f) {
    faults_.insert(f);
    notify();
  }
  void clear_faults() {
    faults_.clear();
    notify();
  }

 private:
  friend class LabWorld;
  NodeStatus require_management() const;
  std::optional<std::string> blocks_install(const catalog::PackageManifest& m) const;
  std::optional<std::string> relation_blocks_install(bool activate_now) const;
  void migrate_store();
  void enter(Phase p);
  void start_boot();
  void finish_boot();
  void finish_install(bool activate_now);
  void fail_install(const std::string& why);
  void drop_sessions();
  void cancel_timers();
  void notify();
  SessionId start_session(double lifetime_s);
  void session_lifetime_ended(SessionId id);

  NodeSpec spec_;
  ClusterKind kind_;
  std::string main_package_;
  Scheduler& clock_;
  LabWorld& world_;
  NodeObserver* observer_ = nullptr;

  Slot slots_[2];
  int active_slot_ = 0;
  int boot_slot_ = 0;
  Phase phase_ = Phase::kRunning;
  InstallState install_state_ = InstallState::kIdle;
  std::string install_package_;
  std::string last_error_;
  std::string last_shutdown_;
  bool install_from_peer_ = false;  // the current install was "After reboot" on the HA primary
  bool management_wedged_ = false;
  int install_slot_ = 1;  // the slot the current install writes
  TimerId install_timer_ = 0;
  TimerId boot_timer_ = 0;
  int boots_ = 0;
  int installs_ = 0;

  std::map<std::string, StagedPackage> staged_;
  HaState ha_;
  std::string shared_ip_;
  bool shared_ip_enabled_ = false;
  bool accepting_ = true;
  ConfigStore store_;
  std::set<Fault> faults_;

  struct Session {
    TimerId timer;
    double ends_at = 0;  // model time
  };
  std::map<SessionId, Session> sessions_;
  SessionId next_session_ = 1;
  std::uint64_t sessions_dropped_ = 0;
  std::uint64_t sessions_completed_ = 0;
  std::uint64_t sessions_transferred_ = 0;

  bool member_enabled_ = true;
  std::map<std::string, bool> atlas_config_;
  bool slave_active_ = true;  // masters only: traffic node -> accepting
  std::optional<StagedPackage> installed_package_;
  std::string last_push_;
  std::optional<Certificate> certificate_;
  bool factory_defaults_ = false;
};

}  // namespace hitless::lab
