#pragma once
// Inventory: the clusters and appliances an operator hands to `hitless plan/apply` (YAML; the
// lab writes one for itself in DIR/inventory.yaml, operators write their own for real devices).
// It says how to reach each node (driver, address, credentials by file reference), how traffic
// reaches each cluster, each node's timing profile (used for estimates and the simulator) and the
// upgrade policy (model/policy.hpp), at the top level and per cluster.
// Parsing reads one file; everything else is plain values. Thread-compatible.

#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/policy.hpp"

namespace hitless {

enum class InventoryErrc {
  kUnreadable,
  kSyntax,
  kUnknownField,
  kWrongType,
  kMissingField,
  kDuplicate,
  kConflict
};

// What a node's upgrade costs, in model seconds; defaults are typical appliance figures.
struct NodeProfile {
  double install_s = 1200;  // when the package does not say
  double reboot_s = 120;
  double boot_timeout_s = 600;
  double sync_mb_per_s = 100;
  double data_mb = 500;
  double session_lifetime_s = 300;
};

struct PowerAccess {
  std::string driver;      // "lab-bmc" (the lab's REST BMC) or "ipmi" (ipmitool, IPMI 2.0 lanplus)
  std::string address;     // host:port (for ipmi: the BMC's UDP port)
  std::string path;        // lab-bmc: e.g. "/bmc/b/power"
  std::string token_file;  // lab-bmc: absolute after loading
  std::string user;        // ipmi: the BMC user
  std::string password_file;  // ipmi: absolute after loading; must not be readable by others
};

struct InventoryNode {
  std::string name;
  std::string role;  // as in the lab format: primary, backup, standalone, master, traffic, ...
  std::string region;
  std::string chassis;
  std::string slot;
  std::string driver = "lab";  // appliance driver: "lab" or "command" (vendor_profile)
  std::string address;         // host:port of the management API
  std::string token_file;      // absolute after loading; optional with driver: command
  std::optional<PowerAccess> power;
  NodeProfile profile;
  int line = 0;
  // driver: command: the vendor profile (profiles/); absolute after loading. Last, so that
  // positional initialisers of the fields above stay valid.
  std::string vendor_profile;
  // Seed 004 air-gapped appliance: packages reach it only in an offline bundle made from its
  // download key (`bundle`, absolute after loading; setting it implies air_gapped).
  bool air_gapped = false;
  std::string bundle{};  // initialised here so positional InventoryNode{...} stay warning-free
};

// traffic kind dns: the record clients resolve and how hitless updates it (RFC 2136 + TSIG).
struct DnsTraffic {
  std::string server;    // host:port of the DNS server that takes the updates (IPv4)
  std::string zone;      // example.test
  std::string record;    // support.example.test
  double ttl_s = 0;      // the record's TTL (required): clients may keep the old answer this long
  std::string key_file;  // "algorithm:name:secret", private to its owner; absolute after loading
  int line = 0;
};

// traffic kind nat: the nftables DNAT rule that sends the public address to the current node.
struct NatTraffic {
  std::string netns;  // network namespace of the gateway ("" = this one)
  std::string table;  // nft table (family ip)
  std::string chain;  // the chain that holds only this cluster's DNAT rule
  int line = 0;
};

struct InventoryCluster {
  std::string name;
  std::string kind;  // single, failover-pair, ha-pair, active-passive, active-active, atlas,
                     // chassis, migration
  std::string traffic_kind;  // none, shared-ip, load-balancer, dns, nat
  std::string service;       // where clients connect (host:port; dns: record:port)
  // load-balancer: HAProxy's runtime API socket (absolute after loading) and the backend whose
  // servers are named after the cluster's nodes.
  std::string lb_runtime_socket;
  std::string lb_backend;
  std::optional<DnsTraffic> dns;
  std::optional<NatTraffic> nat;
  std::vector<InventoryNode> nodes;
  // Effective policy: the inventory's `policy:` with this cluster's `policy:` fields on top.
  Policy policy;
  int line = 0;
  // migration (S9): the file holding the passphrase the certificate export is encrypted under
  // (owner-only; absolute after loading). Last, for positional initialisers.
  std::string passphrase_file;

  const InventoryNode* find(const std::string& node) const;
};

struct Inventory {
  std::string name;
  std::string file;       // the path it was read from
  std::string base_dir;   // relative paths are relative to this (absolute after loading)
  double time_scale = 1;  // wall seconds per model second (lab inventories; 1 for real devices)
  std::string repository_dir;   // absolute after loading
  std::string public_key_file;  // absolute after loading
  Policy policy;  // the top-level `policy:` (defaults when absent); clusters start from it
  std::vector<InventoryCluster> clusters;

  const InventoryCluster* find_cluster(const std::string& name) const;
  const InventoryNode* find_node(const std::string& name) const;
};

// Errors read "inventory.yaml:12: clusters[0].nodes[1].address: ...". Nothing is contacted.
Result<Inventory, InventoryErrc> load_inventory(const std::string& path);
Result<Inventory, InventoryErrc> parse_inventory_text(const std::string& yaml,
                                                      const std::string& file_name,
                                                      const std::string& default_base_dir);

}  // namespace hitless
