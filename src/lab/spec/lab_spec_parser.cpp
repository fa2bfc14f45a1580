#include "lab/spec/lab_spec_parser.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lab/spec/spec_reader.hpp"
#include "lab/spec/spec_validate.hpp"
#include "model/version.hpp"
#include "model/yaml_documents.hpp"

// Reading pass: the document's shape, types and required keys, with `defaults` folded into every
// node. Relations between values (roles, shared IPs, ports, requirements) are checked afterwards
// by spec_validate.cpp, so every message here is about one field alone.

namespace hitless::lab {
namespace {

using detail::EnumName;
using detail::Field;
using detail::SpecReader;

constexpr std::string_view kTopKeys[] = {"lab", "defaults", "repository", "clusters"};
// What `defaults` may set and every node may override.
constexpr std::string_view kSettingKeys[] = {"version",          "installed",
                                             "reboot",           "boot_timeout",
                                             "install",          "sync_rate_mb_s",
                                             "session_lifetime", "inter_appliance_key",
                                             "oob_power",        "data"};
constexpr std::string_view kNodeKeys[] = {
    "name",         "role",    "owns_shared_ip", "address",          "region",
    "chassis",      "slot",    "version",        "installed",        "reboot",
    "boot_timeout", "install", "sync_rate_mb_s", "session_lifetime", "inter_appliance_key",
    "oob_power",    "data",    "enabled",        "air_gapped"};
constexpr std::string_view kClusterKeys[] = {"name",          "kind", "traffic", "shared_ip",
                                             "load_balancer", "nat",  "dns",     "ha",
                                             "redundancy",    "nodes"};
constexpr std::string_view kRedundancyKeys[] = {"graceful_switchover", "nonstop_routing",
                                                "commit_synchronize"};
constexpr std::string_view kPackageKeys[] = {"name",    "version",  "kind",         "install",
                                             "size_mb", "requires", "upgrade_from", "soak"};
constexpr std::string_view kDnsKeys[] = {"zone", "record", "server", "ttl"};
constexpr std::string_view kDataKeys[] = {"users", "settings", "recordings", "size_mb", "disk_mb"};
constexpr std::string_view kRoles[] = {"primary",       "backup",        "active",        "passive",
                                       "member",        "master",        "backup-master", "traffic",
                                       "search-master", "search-minion", "standalone",    "spare"};
constexpr std::string_view kSlots[] = {"re0", "re1"};

constexpr EnumName<ClusterKind> kClusterKinds[] = {
    {"single", ClusterKind::kSingle},
    {"failover-pair", ClusterKind::kFailoverPair},
    {"ha-pair", ClusterKind::kHaPair},
    {"active-passive", ClusterKind::kActivePassive},
    {"active-active", ClusterKind::kActiveActive},
    {"atlas", ClusterKind::kAtlas},
    {"chassis", ClusterKind::kChassis},
    {"migration", ClusterKind::kMigration},
};
constexpr EnumName<TrafficSteering> kTraffic[] = {
    {"none", TrafficSteering::kNone},
    {"shared-ip", TrafficSteering::kSharedIp},
    {"load-balancer", TrafficSteering::kLoadBalancer},
    {"dns", TrafficSteering::kDns},
    {"nat", TrafficSteering::kNat},
};
constexpr EnumName<PackageKind> kPackageKinds[] = {
    {"base", PackageKind::kBase},
    {"product", PackageKind::kProduct},
    {"firmware", PackageKind::kFirmware},
};
constexpr EnumName<bool> kHaStates[] = {{"established", true}, {"broken", false}};

bool missing(SpecReader& r, const Field& map, const std::string& key, const std::string& hint) {
  return r.fail(SpecErrc::kMissingField, map.line, map.path.empty() ? key : map.path + "." + key,
                "required field missing" + (hint.empty() ? "" : " (" + hint + ")"));
}

std::string trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(" \t") - b + 1));
}

// "base >= 3.1" or "base".
bool read_requirement(SpecReader& r, const Field& f, Requirement& out) {
  std::string text;
  if (!r.read_string(f, text)) return false;
  const std::size_t op = text.find(">=");
  out.package = trim(std::string_view(text).substr(0, op));
  out.min_version = op == std::string::npos ? "" : trim(std::string_view(text).substr(op + 2));
  const bool ok = detail::is_name(out.package) &&
                  (op == std::string::npos || Version::parse(out.min_version).has_value());
  if (!ok)
    return r.fail(
        SpecErrc::kWrongType, f,
        "'" + text + "' is not a requirement (NAME or NAME >= VERSION, e.g. \"base >= 3.1\")");
  return true;
}

bool read_installed(SpecReader& r, const Field& f, std::map<std::string, std::string>& out) {
  const auto es = r.entries(f, {});
  if (!es) return false;
  for (const Field& e : *es) {
    if (!detail::is_name(e.key))
      return r.fail(SpecErrc::kWrongType, e, "'" + e.key + "' is not a package name");
    if (!r.read_version(e, out[e.key])) return false;
  }
  return true;
}

bool read_data(SpecReader& r, const Field& f, DataSpec& out) {
  const auto es = r.entries(f, kDataKeys);
  if (!es) return false;
  for (const Field& e : *es) {
    const bool ok = e.key == "users"        ? r.read_count(e, out.users)
                    : e.key == "settings"   ? r.read_count(e, out.settings)
                    : e.key == "recordings" ? r.read_count(e, out.recordings)
                    : e.key == "disk_mb"    ? r.read_number(e, 0, false, out.disk_mb)
                                            : r.read_number(e, 0, true, out.size_mb);
    if (!ok) return false;
  }
  return true;
}

// One key of kSettingKeys, in `defaults` or on a node.
bool read_setting(SpecReader& r, const Field& f, NodeSpec& n) {
  const std::string& k = f.key;
  if (k == "version") return r.read_version(f, n.version);
  if (k == "installed") return read_installed(r, f, n.installed);
  if (k == "reboot") return r.read_duration(f, n.reboot_s);
  if (k == "boot_timeout") return r.read_duration(f, n.boot_timeout_s);
  if (k == "install") return r.read_duration(f, n.install_s);
  if (k == "sync_rate_mb_s") return r.read_number(f, 0, false, n.sync_mb_per_s);
  if (k == "session_lifetime") return r.read_duration(f, n.session_lifetime_s);
  if (k == "inter_appliance_key") return r.read_string(f, n.inter_appliance_key);
  if (k == "oob_power") return r.read_bool(f, n.oob_power);
  if (k == "data") return read_data(r, f, n.data);
  return r.fail(SpecErrc::kUnknownField, f, "not a node setting");
}

bool parse_defaults(SpecReader& r, const Field& f, NodeSpec& defaults) {
  const auto es = r.entries(f, kSettingKeys);
  if (!es) return false;
  for (const Field& e : *es)
    if (!read_setting(r, e, defaults)) return false;
  return true;
}

bool parse_package(SpecReader& r, const Field& item, PackageSpec& p) {
  const auto es = r.entries(item, kPackageKeys);
  if (!es) return false;
  p.line = item.line;
  for (const Field& e : *es) {
    bool ok = true;
    if (e.key == "name")
      ok = r.read_name(e, p.name);
    else if (e.key == "version")
      ok = r.read_version(e, p.version);
    else if (e.key == "kind")
      ok = r.read_enum<PackageKind>(e, kPackageKinds, p.kind);
    else if (e.key == "install")
      ok = r.read_duration(e, p.install_s);
    else if (e.key == "size_mb")
      ok = r.read_number(e, 0, true, p.size_mb);
    else if (e.key == "soak")
      ok = r.read_duration(e, p.soak_s);
    else if (e.key == "requires") {
      const auto list = r.items(e, "requirements");
      ok = list.has_value();
      for (std::size_t i = 0; ok && i < list->size(); ++i)
        ok = read_requirement(r, (*list)[i], p.requires_.emplace_back());
    } else {  // upgrade_from
      const auto list = r.items(e, "version prefixes");
      ok = list.has_value();
      for (std::size_t i = 0; ok && i < list->size(); ++i)
        ok = r.read_version((*list)[i], p.upgrade_from.emplace_back());
    }
    if (!ok) return false;
  }
  if (p.name.empty()) return missing(r, item, "name", "");
  if (p.version.empty()) return missing(r, item, "version", "");
  return true;
}

bool parse_node(SpecReader& r, const Field& item, const NodeSpec& defaults,
                const std::string& cluster, LabSpec& lab) {
  const auto es = r.entries(item, kNodeKeys);
  if (!es) return false;
  NodeSpec n = defaults;
  n.cluster = cluster;
  n.line = item.line;
  for (const Field& e : *es) {
    bool ok = true;
    if (e.key == "name")
      ok = r.read_name(e, n.name);
    else if (e.key == "role")
      ok = r.read_choice(e, kRoles, n.role);
    else if (e.key == "owns_shared_ip")
      ok = r.read_bool(e, n.owns_shared_ip);
    else if (e.key == "address")
      ok = r.read_endpoint(e, n.address);
    else if (e.key == "region")
      ok = r.read_name(e, n.region);
    else if (e.key == "chassis")
      ok = r.read_name(e, n.chassis);
    else if (e.key == "slot")
      ok = r.read_choice(e, kSlots, n.slot);
    else if (e.key == "enabled")
      ok = r.read_bool(e, n.enabled);
    else if (e.key == "air_gapped")
      ok = r.read_bool(e, n.air_gapped);
    else
      ok = read_setting(r, e, n);
    if (!ok) return false;
  }
  if (n.name.empty()) return missing(r, item, "name", "");
  if (n.role.empty()) return missing(r, item, "role", "one of " + detail::join(kRoles));
  if (n.version.empty()) return missing(r, item, "version", "give it here or in defaults");
  lab.nodes.push_back(std::move(n));
  return true;
}

bool read_vip(SpecReader& r, const Field& f, std::optional<Endpoint>& out, bool& netns) {
  if (f.node.IsScalar() && f.node.Scalar() == "netns") {
    netns = true;
    out = Endpoint{"0.0.0.0", 0};
    return true;
  }
  Endpoint ep;
  if (!r.read_endpoint(f, ep)) return false;
  if (!detail::is_ipv4(ep.host))
    return r.fail(
        SpecErrc::kWrongType, f,
        "'" + ep.host + "' is not an IPv4 address the lab can bind (such as 127.0.0.100)");
  out = ep;
  return true;
}

bool read_endpoint_opt(SpecReader& r, const Field& f, std::optional<Endpoint>& out) {
  Endpoint ep;
  if (!r.read_endpoint(f, ep)) return false;
  out = ep;
  return true;
}

bool read_dns(SpecReader& r, const Field& f, std::optional<DnsSpec>& out) {
  const auto es = r.entries(f, kDnsKeys);
  if (!es) return false;
  DnsSpec dns;
  for (const Field& e : *es) {
    const bool ok = e.key == "zone"     ? r.read_string(e, dns.zone)
                    : e.key == "record" ? r.read_string(e, dns.record)
                    : e.key == "ttl"    ? r.read_duration(e, dns.ttl_s)
                                        : r.read_endpoint(e, dns.server);
    if (!ok) return false;
  }
  if (dns.zone.empty()) return missing(r, f, "zone", "the DNS zone, such as example.test");
  if (dns.record.empty()) return missing(r, f, "record", "the name clients resolve");
  out = dns;
  return true;
}

// A chassis' redundancy statements: {graceful_switchover, nonstop_routing, commit_synchronize}.
bool read_redundancy(SpecReader& r, const Field& f, ClusterSpec& c) {
  const auto es = r.entries(f, kRedundancyKeys);
  if (!es) return false;
  for (const Field& e : *es) {
    bool& flag = e.key == "graceful_switchover" ? c.graceful_switchover
                 : e.key == "nonstop_routing"   ? c.nonstop_routing
                                                : c.commit_synchronize;
    if (!r.read_bool(e, flag)) return false;
  }
  return true;
}

bool parse_cluster(SpecReader& r, const Field& item, const NodeSpec& defaults, LabSpec& lab) {
  const auto es = r.entries(item, kClusterKeys);
  if (!es) return false;
  ClusterSpec c;
  c.line = item.line;
  const Field* nodes = nullptr;
  bool has_kind = false;
  for (const Field& e : *es) {
    bool ok = true;
    if (e.key == "name")
      ok = r.read_name(e, c.name);
    else if (e.key == "kind")
      ok = has_kind = r.read_enum<ClusterKind>(e, kClusterKinds, c.kind);
    else if (e.key == "traffic")
      ok = r.read_enum<TrafficSteering>(e, kTraffic, c.traffic);
    else if (e.key == "shared_ip")
      ok = read_vip(r, e, c.shared_ip, c.shared_ip_netns);
    else if (e.key == "load_balancer")
      ok = read_endpoint_opt(r, e, c.load_balancer);
    else if (e.key == "nat")
      ok = read_endpoint_opt(r, e, c.nat);
    else if (e.key == "dns")
      ok = read_dns(r, e, c.dns);
    else if (e.key == "ha")
      ok = r.read_enum<bool>(e, kHaStates, c.ha_established);
    else if (e.key == "redundancy")
      ok = read_redundancy(r, e, c);
    else
      nodes = &e;
    if (!ok) return false;
  }
  if (c.name.empty()) return missing(r, item, "name", "");
  if (!has_kind) return missing(r, item, "kind", "one of single, failover-pair, ha-pair, ...");
  if (!nodes) return missing(r, item, "nodes", "a list of the cluster's nodes");
  const auto list = r.items(*nodes, "nodes");
  if (!list) return false;
  if (list->empty())
    return r.fail(SpecErrc::kMissingField, *nodes, "a cluster needs at least one node");
  for (const Field& n : *list) {
    if (!parse_node(r, n, defaults, c.name, lab)) return false;
    c.nodes.push_back(lab.nodes.back().name);
  }
  // Where clients connect when the file does not say: loopback, port picked by the lab.
  if (c.traffic == TrafficSteering::kLoadBalancer && !c.load_balancer) c.load_balancer = Endpoint{};
  if (c.traffic == TrafficSteering::kNat && !c.nat) c.nat = Endpoint{};
  lab.clusters.push_back(std::move(c));
  return true;
}

bool parse_lab(SpecReader& r, const Field& root, LabSpec& lab) {
  const auto es = r.entries(root, kTopKeys);
  if (!es) return false;
  const Field* name = nullptr;
  const Field* defaults = nullptr;
  const Field* repository = nullptr;
  const Field* clusters = nullptr;
  for (const Field& e : *es) {
    if (e.key == "lab")
      name = &e;
    else if (e.key == "defaults")
      defaults = &e;
    else if (e.key == "repository")
      repository = &e;
    else
      clusters = &e;
  }
  if (!name) return missing(r, root, "lab", "the lab's name");
  if (!r.read_name(*name, lab.name)) return false;
  NodeSpec node_defaults;
  if (defaults && !parse_defaults(r, *defaults, node_defaults)) return false;
  if (repository) {
    const auto list = r.items(*repository, "packages");
    if (!list) return false;
    for (const Field& p : *list)
      if (!parse_package(r, p, lab.repository.emplace_back())) return false;
  }
  if (!clusters) return missing(r, root, "clusters", "a list of clusters");
  const auto list = r.items(*clusters, "clusters");
  if (!list) return false;
  if (list->empty())
    return r.fail(SpecErrc::kMissingField, *clusters, "a lab needs at least one cluster");
  for (const Field& c : *list)
    if (!parse_cluster(r, c, node_defaults, lab)) return false;
  return true;
}

}  // namespace

Result<LabSpec, SpecErrc> parse_lab_spec_text(const std::string& yaml,
                                              const std::string& file_name) {
  SpecReader r(file_name);
  const std::optional<Field> root = r.load(yaml, "a lab needs at least 'lab' and 'clusters'");
  if (!root) return r.error();
  LabSpec lab;
  lab.file = file_name;
  if (!parse_lab(r, *root, lab) || !detail::validate_lab(r, lab)) return r.error();
  return lab;
}

Result<LabSpec, SpecErrc> parse_lab_spec_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return make_error(SpecErrc::kUnreadable, path + ": cannot read: is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(SpecErrc::kUnreadable, path + ": cannot read: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return make_error(SpecErrc::kUnreadable, path + ": cannot read: I/O error");
  return parse_lab_spec_text(text.str(), path);
}

}  // namespace hitless::lab
