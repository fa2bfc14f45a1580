#pragma once
// LabSpec: the parsed, validated form of a lab definition (LAB.yaml). It describes emulated
// appliances in enough detail for every scenario S1-S13 of DESIGN.md: clusters of several kinds,
// roles, regions, chassis with two routing engines, HA relations, shared IPs, out-of-band power,
// the lab's own package repository, timings and data sizes. The format is documented in
// docs/lab-format.md. Plain values; parsing lives in lab_spec_parser.hpp.
// All durations are model seconds (before --time-scale).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hitless::lab {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the lab picks a free port at start-up
  std::string str() const { return host + ":" + std::to_string(port); }
};

enum class PackageKind { kBase, kProduct, kFirmware };

struct Requirement {
  std::string package;      // name of the package that must be installed first
  std::string min_version;  // at least this version ("" = any)
};

// A package in the lab's own repository: what nodes can be upgraded to.
struct PackageSpec {
  std::string name;     // "product", "base", "firmware", ...
  std::string version;  // "7.2.0"
  PackageKind kind = PackageKind::kProduct;
  std::vector<Requirement> requires_;     // installed before this one may install
  std::vector<std::string> upgrade_from;  // version prefixes it installs over; empty = any older
  double install_s = 0;                   // 0: the node's default install time
  double size_mb = 100;
  double soak_s = 0;  // seed 004: wait after installing it before the next hop (the catalog's soak)
  int line = 0;       // where it was declared, for messages
};

enum class ClusterKind {
  kSingle,         // S8, S11: one appliance
  kFailoverPair,   // S4, S5: BeyondTrust primary/backup with failover relation
  kHaPair,         // S12, S13: SPS HA pair (out-of-band power), optional search roles
  kActivePassive,  // S1: Pulse cluster with a VIP
  kActiveActive,   // S2, S3: Pulse cluster behind a load balancer
  kAtlas,          // S6, S7: masters plus traffic nodes per region
  kChassis,        // S10: one router with two routing engines
  kMigration,      // S9: old box and its replacement hardware
};

enum class TrafficSteering { kNone, kSharedIp, kLoadBalancer, kDns, kNat };

struct DataSpec {
  int users = 10;
  int settings = 20;
  int recordings = 50;
  double size_mb = 500;     // drives sync time (size / sync rate)
  double disk_mb = 100000;  // capacity: a restore of more data than this is refused (S9)
};

struct NodeSpec {
  std::string name;     // unique across the lab
  std::string cluster;  // the enclosing cluster's name
  // primary, backup, active, passive, member, master, backup-master, traffic,
  // search-master, search-minion, standalone, spare (S9's new hardware)
  std::string role;
  std::string region;                            // "" when the cluster has no regions
  std::string chassis;                           // S10: both routing engines name the same chassis
  std::string slot;                              // S10: "re0" / "re1"
  std::string version;                           // installed product (or firmware) version
  std::map<std::string, std::string> installed;  // further packages, e.g. {"base": "3.0"}
  Endpoint address;                              // management API and data plane
  bool oob_power = false;                        // reachable through the lab's BMC (IPMI) endpoint
  bool owns_shared_ip = false;                   // binds the cluster's shared IP at start
  // Seed 000 cluster membership (active-active, active-passive): a disabled member is not pushed
  // to; re-enabling it applies the seed's version rules.
  bool enabled = true;
  std::string inter_appliance_key = "lab-inter-appliance-key";
  double reboot_s = 120;
  double boot_timeout_s = 600;  // a boot that does not finish in this time reverts to the old slot
  double install_s = 1200;      // default when the package does not say
  double sync_mb_per_s = 100;
  double session_lifetime_s = 300;
  DataSpec data;
  int line = 0;
  // Seed 004 restricted network: no online updates (package uploads are refused); packages
  // arrive only in an offline bundle made from the appliance's download key.
  bool air_gapped = false;
};

struct DnsSpec {
  std::string zone;    // "example.test"
  std::string record;  // "app.example.test"
  Endpoint server;     // the DNS server that takes RFC 2136 updates
  double ttl_s = 5;    // the record's TTL (wall-clock seconds: DNS caches do not scale)
};

struct ClusterSpec {
  std::string name;
  ClusterKind kind = ClusterKind::kSingle;
  TrafficSteering traffic = TrafficSteering::kNone;
  std::optional<Endpoint> shared_ip;  // kSharedIp: the VIP, bound by its owner only
  // `shared_ip: netns`: the nodes' data planes in network namespaces of their own, the VIP moved
  // with `ip addr` and a gratuitous ARP; the lab picks the address (shared_ip is then 0.0.0.0).
  bool shared_ip_netns = false;
  std::optional<Endpoint> load_balancer;  // kLoadBalancer: where clients connect
  std::optional<DnsSpec> dns;             // kDns
  std::optional<Endpoint> nat;            // kNat: the public address the NAT rule forwards
  bool ha_established = true;             // pairs: the relation exists at start
  // Chassis (seed 002): the redundancy statements configured at start, in the order the seed
  // sets them: chassis redundancy graceful-switchover, routing-options nonstop-routing, system
  // commit synchronize. All off unless the file says so.
  bool graceful_switchover = false;
  bool nonstop_routing = false;
  bool commit_synchronize = false;
  std::vector<std::string> nodes;  // names, in file order
  int line = 0;
};

struct LabSpec {
  std::string name;
  std::string file;  // path it was read from, for messages
  std::vector<PackageSpec> repository;
  std::vector<ClusterSpec> clusters;
  std::vector<NodeSpec> nodes;  // every node of every cluster, in file order

  const NodeSpec* find_node(const std::string& name) const;
  const ClusterSpec* find_cluster(const std::string& name) const;
};

const char* to_string(ClusterKind kind);
const char* to_string(TrafficSteering t);
const char* to_string(PackageKind kind);

}  // namespace hitless::lab
