#pragma once
// Condition: one typed fact the executor checks by observing nodes (a precondition, a gate after a
// step, or a guard before a step takes nodes out of service). Node conditions name one node;
// cluster-wide conditions (min-serving, max-out, pair-up, region-serving) name the members they
// count. The kinds are a closed list: a plan file naming another kind is refused when loaded.
// Plain values and pure functions.

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hitless::plan {

enum class Cond {
  kReachable,       // node answers its management API
  kServing,         // node serves clients
  kVersion,         // node runs `value`
  kPackage,         // node has `value` ("name=version") installed
  kStaged,          // `value` (package id) is staged on node
  kInstallPending,  // node holds `value` in its other slot, active after reboot
  kHaRole,          // node has role `value` in its failover relation
  kHaNone,          // node has no failover relation
  kOwnsSharedIp,    // node holds the shared IP
  kServiceFrom,     // the cluster's service address is answered by node
  kNotSyncing,      // node is not syncing
  kSynced,          // node finished a sync after the step acted
  kPoweredOff,      // node does not answer (powered off)
  kAccepting,       // node accepts new client connections: `value` "yes" or "no"
  kDrained,         // node's Connected Clients table is empty (seed 001)
  // Cluster-wide: count over `nodes`, treating nodes that steps in flight take out as not serving.
  kMinServing,     // at least `value` ("N" or "P%") of `nodes` serving
  kMaxOut,         // at most `value` (K) of `nodes` out of service
  kPairUp,         // never both members of the pair (`nodes`, two names) down
  kRegionServing,  // at least N (value "REGION:N"; "REGION": one) of `nodes` serving and accepting
  // Seed 004 hardware migration (S9):
  kDataEqual,        // node's data checksum equals that of `nodes`[0] (the node it was moved from)
  kCertificate,      // node holds a certificate issued to `value` ("NAME", or "NAME@IP": assigned)
  kFactoryDefaults,  // node is in factory state: no data, no certificate, default credentials
  // Seed 003, one node again: its HA status (Basic Settings > High Availability) is `value`.
  kHaStatus,
  // Seed 004: the node's clock is within `value` seconds of ours ("the Appliance Download Key
  // [and updates] rely on this time being correct"); holds when the driver cannot tell.
  kClockInSync,
  // Seed 003 step 5 ("Navigate to Basic Settings > High Availability, and verify that the new
  // firmware is active on the secondary node"), read on node (the primary): its HA page shows
  // `value` (package id) active after reboot on its peer.
  kPeerInstallPending,
};
const char* to_string(Cond c);
std::optional<Cond> parse_cond(const std::string& s);
// True for the kinds that count members (guards); false for single-node facts.
bool is_cluster_wide(Cond c);

struct Condition {
  Condition() = default;
  Condition(Cond k, std::string n, std::string v, std::vector<std::string> members = {})
      : kind(k), node(std::move(n)), value(std::move(v)), nodes(std::move(members)) {}

  Cond kind = Cond::kReachable;
  std::string node;
  std::string value;
  std::vector<std::string> nodes;  // cluster-wide kinds only
  std::string text() const;
  bool operator==(const Condition&) const = default;
};

// The least number of `total` members that `value` ("N" or "P%") requires; nullopt if malformed.
std::optional<int> required_count(const std::string& value, int total);

}  // namespace hitless::plan
