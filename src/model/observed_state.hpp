#pragma once
// ObservedState: what hitless saw of a cluster's appliances just before planning (and again
// before applying). A plan embeds it with a content hash over the fields that planning depends
// on, so `apply` can refuse a stale plan and say exactly what changed. Plain values.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace hitless {

// What only the lab's emulated appliances report: counters a real appliance has no reason to
// expose. Drivers for real devices leave ObservedNode::lab empty; the executor uses the counters
// when they are there (reconciliation can then see that a request was taken) and does without.
struct LabDiagnostics {
  int boots = 0;
  int installs = 0;  // installs started since the node came up (a second install shows here)
  int sessions_open = 0;
  bool operator==(const LabDiagnostics&) const = default;
};

// Seed 004 hardware migration (S9): what Security :: Certificates, Status > Basics and the disk
// show. Absent for devices whose driver does not report them.
struct MigrationFacts {
  std::string certificate;  // issued to ("" = no certificate)
  std::string certificate_fingerprint;
  std::string certificate_ip;  // the IP it is assigned to ("" = none)
  bool factory_defaults = false;
  double data_mb = 0;  // configuration data and recordings a backup carries
  double disk_mb = 0;  // room for data
  bool operator==(const MigrationFacts&) const = default;
};

// What every appliance reports (version, packages, slots, serving, role and relation, data
// checksums, install state), plus lab-only diagnostics when the driver has them.
struct ObservedNode {
  std::string name;
  bool reachable = false;  // the management API answered
  std::string error;       // why not, when unreachable
  std::string version;     // main package version
  std::map<std::string, std::string> packages;
  int active_slot = 0;
  int boot_slot = 0;
  std::vector<std::string> slot_versions;  // per firmware slot; "" when empty
  std::vector<std::map<std::string, std::string>>
      slot_packages;  // per slot; empty when not bootable
  std::string phase;  // running, installing, rebooting, off
  bool serving = false;
  bool accepting = false;
  bool powered = true;
  std::string ha_role = "none";  // none, primary, backup
  std::string ha_peer;
  bool syncing = false;
  double last_sync_at = -1;
  // Seed 003 SPS HA status: standalone, degraded, syncing, version-mismatch, waiting-activation,
  // ok; "" when the driver cannot tell. A live reading, not part of the observed-state hash.
  std::string ha_status;
  // Seed 003 step 5: the firmware package its HA page shows the other node will boot after
  // reboot (read on the primary: it comes over the HA link, so a peer whose management API does
  // not answer still shows it); "" when none or the driver cannot tell. Live, not hashed.
  std::string ha_peer_after_reboot;
  std::string shared_ip;  // "" when none configured
  bool shared_ip_enabled = false;
  std::string install_state;  // idle, installing, pending-reboot, done, failed
  std::string install_package;
  std::string install_error;
  std::vector<std::string> staged;
  // Package id -> revision of each staged package (seed 000: the initiator's revision overwrites a
  // different one on the other members). Empty when the driver cannot tell.
  std::map<std::string, std::string> staged_revisions;
  // Seed 000 cluster membership: "" when the node is not a member of such a cluster, else
  // "enabled" or "disabled".
  std::string membership;
  std::string data_checksum;
  std::string
      config_checksum;  // configuration only (users, settings), not recordings; "" if unknown
  // Seed 001: the Connected Clients table (/login > Status > Information): open client and
  // representative sessions. A live reading, not part of the observed-state hash; -1 unknown.
  int connected_clients = -1;
  // Configuration statements a device reports as set, name -> value (seed 002: the redundancy
  // statements an in-service upgrade needs, "graceful-switchover": "true"). Empty when the
  // driver reads none; planning depends on them, so they are hashed when present.
  std::map<std::string, std::string> settings;
  // The node's clock minus this host's, in seconds, as the driver read it (seed 004: a wrong
  // time breaks updates). A live reading, not hashed; nullopt when the driver cannot tell.
  std::optional<double> clock_skew_s;
  // Seed 004: the appliance ID its download key and offline bundles are bound to; "" when the
  // driver cannot tell. Read at plan time to refuse a bundle made for another appliance.
  std::string appliance_id;
  std::optional<LabDiagnostics> lab;
  std::optional<MigrationFacts> migration;
};

struct ObservedState {
  std::map<std::string, ObservedNode> nodes;  // by name

  const ObservedNode* find(const std::string& name) const;
  // Canonical hash (sha256 hex) of the fields planning depends on: reachability, versions and
  // packages, slots, HA roles and peers, shared-IP ownership, power. Not sessions, not data.
  std::string hash() const;
  // Human lines describing what differs in those fields ("b: version 7.1.0 -> 7.2.0").
  std::vector<std::string> differences(const ObservedState& now) const;
};

class JsonWriter;

nlohmann::json to_json(const ObservedNode& n);
// The same JSON as to_json, written straight to text; `hash` is s.hash(), passed in because the
// caller usually needs it too.
void write_json(JsonWriter& w, const ObservedNode& n);
void write_json(JsonWriter& w, const ObservedState& s, const std::string& hash);
ObservedNode observed_node_from_json(const nlohmann::json& j);  // throws nlohmann::json::exception
nlohmann::json to_json(const ObservedState& s);
ObservedState observed_state_from_json(
    const nlohmann::json& j);  // throws nlohmann::json::exception

}  // namespace hitless
