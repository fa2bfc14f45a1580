#include "model/inventory.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "model/inventory_passes.hpp"
#include "model/yaml_reader.hpp"

// Three passes: the reading pass (here) checks the document's shape and each field alone; the path
// pass and the validation pass are in inventory_passes.cpp.

namespace hitless {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTopKeys[] = {"inventory",  "base_dir", "time_scale",
                                         "repository", "policy",   "clusters"};
constexpr std::string_view kRepositoryKeys[] = {"dir", "public_key_file"};
constexpr std::string_view kClusterKeys[] = {"name",   "kind",  "traffic",
                                             "policy", "nodes", "passphrase_file"};
constexpr std::string_view kTrafficKeys[] = {"kind", "service",        "dns",
                                             "nat",  "runtime_socket", "backend"};
constexpr std::string_view kDnsKeys[] = {"server", "zone", "record", "ttl", "key_file"};
constexpr std::string_view kNatKeys[] = {"netns", "table", "chain"};
constexpr std::string_view kNodeKeys[] = {
    "name",       "role",  "region",  "chassis",        "slot",       "driver", "address",
    "token_file", "power", "profile", "vendor_profile", "air_gapped", "bundle"};
constexpr std::string_view kPowerKeys[] = {"driver",     "address", "path",
                                           "token_file", "user",    "password_file"};
constexpr std::string_view kProfileKeys[] = {"install",        "reboot",  "boot_timeout",
                                             "sync_rate_mb_s", "data_mb", "session_lifetime"};
constexpr std::string_view kClusterKinds[] = {"single",         "failover-pair", "ha-pair",
                                              "active-passive", "active-active", "atlas",
                                              "chassis",        "migration"};
constexpr std::string_view kTrafficKinds[] = {"none", "shared-ip", "load-balancer", "dns", "nat"};
constexpr std::string_view kRoles[] = {"primary",       "backup",        "active",        "passive",
                                       "member",        "master",        "backup-master", "traffic",
                                       "search-master", "search-minion", "standalone",    "spare"};
constexpr std::string_view kDrivers[] = {"lab", "command"};
constexpr std::string_view kPowerDrivers[] = {"lab-bmc", "ipmi"};

InventoryErrc to_inventory_errc(YamlErrc code) {
  switch (code) {
    case YamlErrc::kSyntax:
      return InventoryErrc::kSyntax;
    case YamlErrc::kUnknownField:
      return InventoryErrc::kUnknownField;
    case YamlErrc::kWrongType:
      return InventoryErrc::kWrongType;
    case YamlErrc::kMissingField:
      return InventoryErrc::kMissingField;
    case YamlErrc::kDuplicate:
      return InventoryErrc::kDuplicate;
    case YamlErrc::kConflict:
      return InventoryErrc::kConflict;
  }
  return InventoryErrc::kSyntax;
}

bool parse_power(YamlReader& r, const YamlField& f, std::optional<PowerAccess>& out) {
  const auto es = r.entries(f, kPowerKeys);
  if (!es) return false;
  PowerAccess p;
  for (const YamlField& e : *es) {
    const bool ok = e.key == "driver"          ? r.read_choice(e, kPowerDrivers, p.driver)
                    : e.key == "address"       ? r.read_host_port(e, p.address)
                    : e.key == "path"          ? r.read_string(e, p.path)
                    : e.key == "user"          ? r.read_string(e, p.user)
                    : e.key == "password_file" ? r.read_string(e, p.password_file)
                                               : r.read_string(e, p.token_file);
    if (!ok) return false;
    if (e.key == "path" && p.path.front() != '/')
      return r.fail(YamlErrc::kWrongType, e, "'" + p.path + "' is not an absolute URL path");
  }
  if (p.driver.empty()) return r.missing(f, "driver", "allowed: " + join_names(kPowerDrivers));
  if (p.address.empty()) return r.missing(f, "address", "host:port of the BMC");
  if (p.driver == "ipmi") {
    // ipmitool speaks IPMI 2.0 lanplus: a user and a password, no URL path or bearer token.
    if (p.user.empty()) return r.missing(f, "user", "the BMC user for ipmitool -U");
    if (p.password_file.empty())
      return r.missing(f, "password_file", "a file holding the BMC password (mode 0600)");
    out = std::move(p);
    return true;
  }
  if (p.path.empty()) return r.missing(f, "path", "such as /bmc/a/power");
  if (p.token_file.empty()) return r.missing(f, "token_file", "");
  out = std::move(p);
  return true;
}

bool parse_profile(YamlReader& r, const YamlField& f, NodeProfile& p) {
  const auto es = r.entries(f, kProfileKeys);
  if (!es) return false;
  for (const YamlField& e : *es) {
    const std::string& k = e.key;
    const bool ok = k == "install"          ? r.read_duration(e, p.install_s)
                    : k == "reboot"         ? r.read_duration(e, p.reboot_s)
                    : k == "boot_timeout"   ? r.read_duration(e, p.boot_timeout_s)
                    : k == "sync_rate_mb_s" ? r.read_number(e, 0, false, p.sync_mb_per_s)
                    : k == "data_mb"        ? r.read_number(e, 0, true, p.data_mb)
                                            : r.read_duration(e, p.session_lifetime_s);
    if (!ok) return false;
  }
  return true;
}

bool parse_node(YamlReader& r, const YamlField& item, InventoryNode& n) {
  const auto es = r.entries(item, kNodeKeys);
  if (!es) return false;
  n.line = item.line;
  for (const YamlField& e : *es) {
    const std::string& k = e.key;
    const bool ok = k == "name"             ? r.read_name(e, n.name)
                    : k == "role"           ? r.read_choice(e, kRoles, n.role)
                    : k == "region"         ? r.read_name(e, n.region)
                    : k == "chassis"        ? r.read_name(e, n.chassis)
                    : k == "slot"           ? r.read_name(e, n.slot)
                    : k == "driver"         ? r.read_choice(e, kDrivers, n.driver)
                    : k == "address"        ? r.read_host_port(e, n.address)
                    : k == "token_file"     ? r.read_string(e, n.token_file)
                    : k == "vendor_profile" ? r.read_string(e, n.vendor_profile)
                    : k == "air_gapped"     ? r.read_bool(e, n.air_gapped)
                    : k == "bundle"         ? r.read_string(e, n.bundle)
                    : k == "power"          ? parse_power(r, e, n.power)
                                            : parse_profile(r, e, n.profile);
    if (!ok) return false;
  }
  if (n.name.empty()) return r.missing(item, "name");
  if (n.role.empty()) return r.missing(item, "role", "one of " + join_names(kRoles));
  if (n.address.empty()) return r.missing(item, "address", "host:port of the management API");
  // A command-driven node's profile says which secrets it needs (checked when it is loaded).
  if (n.token_file.empty() && n.driver != "command")
    return r.missing(item, "token_file", "the node's API token");
  if (n.driver == "command" && n.vendor_profile.empty())
    return r.missing(item, "vendor_profile", "the vendor profile of a command-driven node");
  if (n.driver != "command" && !n.vendor_profile.empty())
    return r.fail(YamlErrc::kConflict, item, "vendor_profile is for driver: command");
  if (!n.bundle.empty()) n.air_gapped = true;  // a node updated from a bundle has no other way
  return true;
}

// A missing key_file is not an error here: plan refuses a DNS cluster without one, naming it.
bool parse_dns(YamlReader& r, const YamlField& f, std::optional<DnsTraffic>& out) {
  const auto es = r.entries(f, kDnsKeys);
  if (!es) return false;
  DnsTraffic d;
  d.line = f.line;
  bool has_ttl = false;
  for (const YamlField& e : *es) {
    const std::string& k = e.key;
    has_ttl = has_ttl || k == "ttl";
    const bool ok = k == "server"   ? r.read_host_port(e, d.server)
                    : k == "zone"   ? r.read_string(e, d.zone)
                    : k == "record" ? r.read_string(e, d.record)
                    : k == "ttl"    ? r.read_duration(e, d.ttl_s)
                                    : r.read_string(e, d.key_file);
    if (!ok) return false;
  }
  if (d.server.empty()) return r.missing(f, "server", "host:port of the DNS server");
  if (d.zone.empty()) return r.missing(f, "zone", "the zone that holds the record");
  if (d.record.empty()) return r.missing(f, "record", "the name clients resolve");
  // Required: the update writes it, so a default would silently change the record's TTL.
  if (!has_ttl) return r.missing(f, "ttl", "the record's TTL, e.g. 30s");
  out = d;
  return true;
}

bool parse_nat(YamlReader& r, const YamlField& f, std::optional<NatTraffic>& out) {
  const auto es = r.entries(f, kNatKeys);
  if (!es) return false;
  NatTraffic n;
  n.line = f.line;
  for (const YamlField& e : *es) {
    const bool ok = e.key == "netns"   ? r.read_name(e, n.netns)
                    : e.key == "table" ? r.read_name(e, n.table)
                                       : r.read_name(e, n.chain);
    if (!ok) return false;
  }
  if (n.table.empty()) return r.missing(f, "table", "the nft table (family ip)");
  if (n.chain.empty()) return r.missing(f, "chain", "the chain holding the DNAT rule");
  out = n;
  return true;
}

bool parse_traffic(YamlReader& r, const YamlField& f, InventoryCluster& c) {
  const auto es = r.entries(f, kTrafficKeys);
  if (!es) return false;
  for (const YamlField& e : *es) {
    const bool ok = e.key == "kind"             ? r.read_choice(e, kTrafficKinds, c.traffic_kind)
                    : e.key == "dns"            ? parse_dns(r, e, c.dns)
                    : e.key == "nat"            ? parse_nat(r, e, c.nat)
                    : e.key == "runtime_socket" ? r.read_string(e, c.lb_runtime_socket)
                    : e.key == "backend"        ? r.read_name(e, c.lb_backend)
                                                : r.read_host_port(e, c.service);
    if (!ok) return false;
  }
  if (c.traffic_kind.empty()) return r.missing(f, "kind", "one of " + join_names(kTrafficKinds));
  if (c.traffic_kind != "none" && c.service.empty())
    return r.missing(f, "service", "host:port where clients connect");
  if (c.traffic_kind == "dns" && !c.dns)
    return r.missing(f, "dns", "{server, zone, record, ttl, key_file}");
  if (c.traffic_kind == "nat" && !c.nat) return r.missing(f, "nat", "{netns, table, chain}");
  if (c.dns && c.traffic_kind != "dns")
    return r.fail(YamlErrc::kConflict, f, "dns: is only for traffic kind dns");
  if (c.nat && c.traffic_kind != "nat")
    return r.fail(YamlErrc::kConflict, f, "nat: is only for traffic kind nat");
  // The load balancer is driven through HAProxy's runtime API: where it is and which backend.
  if (c.traffic_kind == "load-balancer") {
    if (c.lb_runtime_socket.empty())
      return r.missing(f, "runtime_socket",
                       "HAProxy's admin socket (stats socket ... level admin)");
    if (c.lb_backend.empty())
      return r.missing(f, "backend", "the HAProxy backend whose servers are the cluster's nodes");
  }
  return true;
}

bool parse_policy(YamlReader& r, const YamlField& f, const Policy& base, Policy& out) {
  auto p = policy_from_yaml(r, f, base);
  if (!p) return false;  // `r` holds the error
  out = std::move(*p);
  return true;
}

bool parse_cluster(YamlReader& r, const YamlField& item, const Policy& base, InventoryCluster& c) {
  const auto es = r.entries(item, kClusterKeys);
  if (!es) return false;
  c.line = item.line;
  c.policy = base;
  const YamlField* nodes = nullptr;
  for (const YamlField& e : *es) {
    bool ok = true;
    if (e.key == "name")
      ok = r.read_name(e, c.name);
    else if (e.key == "kind")
      ok = r.read_choice(e, kClusterKinds, c.kind);
    else if (e.key == "traffic")
      ok = parse_traffic(r, e, c);
    else if (e.key == "policy")
      ok = parse_policy(r, e, base, c.policy);
    else if (e.key == "passphrase_file")
      ok = r.read_string(e, c.passphrase_file);
    else
      nodes = &e;
    if (!ok) return false;
  }
  if (c.name.empty()) return r.missing(item, "name");
  if (c.kind.empty()) return r.missing(item, "kind", "one of " + join_names(kClusterKinds));
  if (c.traffic_kind.empty()) return r.missing(item, "traffic", "{kind: ..., service: host:port}");
  if (!nodes) return r.missing(item, "nodes", "a list of the cluster's nodes");
  // A passphrase protects the certificate export of a hardware migration (S9) only.
  if (!c.passphrase_file.empty() && c.kind != "migration")
    for (const YamlField& e : *es)
      if (e.key == "passphrase_file")
        return r.fail(YamlErrc::kConflict, e, "passphrase_file: is only for kind migration");
  const auto list = r.items(*nodes, "nodes");
  if (!list) return false;
  if (list->empty())
    return r.fail(YamlErrc::kMissingField, *nodes, "a cluster needs at least one node");
  for (const YamlField& n : *list)
    if (!parse_node(r, n, c.nodes.emplace_back())) return false;
  return true;
}

bool parse_repository(YamlReader& r, const YamlField& f, Inventory& inv) {
  const auto es = r.entries(f, kRepositoryKeys);
  if (!es) return false;
  for (const YamlField& e : *es)
    if (!r.read_string(e, e.key == "dir" ? inv.repository_dir : inv.public_key_file)) return false;
  if (inv.repository_dir.empty()) return r.missing(f, "dir", "the package repository");
  if (inv.public_key_file.empty())
    return r.missing(f, "public_key_file", "the key packages are signed with");
  return true;
}

bool parse_top(YamlReader& r, const YamlField& root, Inventory& inv) {
  const auto es = r.entries(root, kTopKeys);
  if (!es) return false;
  const YamlField* repository = nullptr;
  const YamlField* policy = nullptr;
  const YamlField* clusters = nullptr;
  for (const YamlField& e : *es) {
    bool ok = true;
    if (e.key == "inventory")
      ok = r.read_name(e, inv.name);
    else if (e.key == "base_dir")
      ok = r.read_string(e, inv.base_dir);
    else if (e.key == "time_scale")
      ok = r.read_number(e, 0, false, inv.time_scale);
    else if (e.key == "repository")
      repository = &e;
    else if (e.key == "policy")
      policy = &e;
    else
      clusters = &e;
    if (!ok) return false;
  }
  if (inv.name.empty()) return r.missing(root, "inventory", "the inventory's name");
  if (!repository) return r.missing(root, "repository", "{dir: ..., public_key_file: ...}");
  if (!parse_repository(r, *repository, inv)) return false;
  // Before the clusters, wherever it stands in the file: each cluster's policy starts from it.
  if (policy && !parse_policy(r, *policy, Policy{}, inv.policy)) return false;
  if (!clusters) return r.missing(root, "clusters", "a list of clusters");
  const auto list = r.items(*clusters, "clusters");
  if (!list) return false;
  if (list->empty())
    return r.fail(YamlErrc::kMissingField, *clusters, "an inventory needs at least one cluster");
  for (const YamlField& c : *list)
    if (!parse_cluster(r, c, inv.policy, inv.clusters.emplace_back())) return false;
  return true;
}

}  // namespace

const InventoryNode* InventoryCluster::find(const std::string& node) const {
  for (const InventoryNode& n : nodes)
    if (n.name == node) return &n;
  return nullptr;
}

const InventoryCluster* Inventory::find_cluster(const std::string& cluster) const {
  for (const InventoryCluster& c : clusters)
    if (c.name == cluster) return &c;
  return nullptr;
}

const InventoryNode* Inventory::find_node(const std::string& node) const {
  for (const InventoryCluster& c : clusters)
    if (const InventoryNode* n = c.find(node)) return n;
  return nullptr;
}

Result<Inventory, InventoryErrc> parse_inventory_text(const std::string& yaml,
                                                      const std::string& file_name,
                                                      const std::string& default_base_dir) {
  YamlReader r(file_name);
  const auto fail = [&r]() -> Error<InventoryErrc> {
    return make_error(to_inventory_errc(r.error().code), r.error().message);
  };
  const std::optional<YamlField> root =
      r.load(yaml, "an inventory needs at least 'inventory', 'repository' and 'clusters'");
  if (!root) return fail();
  Inventory inv;
  inv.file = file_name;
  if (!parse_top(r, *root, inv) || !validate_inventory(r, inv)) return fail();
  resolve_inventory_paths(inv, default_base_dir);
  return inv;
}

Result<Inventory, InventoryErrc> load_inventory(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    return make_error(InventoryErrc::kUnreadable, path + ": cannot read: is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(InventoryErrc::kUnreadable, path + ": cannot read: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return make_error(InventoryErrc::kUnreadable, path + ": cannot read: I/O error");
  const fs::path dir = fs::path(path).parent_path();
  return parse_inventory_text(text.str(), path, dir.empty() ? "." : dir.string());
}

}  // namespace hitless
