#include "lab/spec/spec_validate.hpp"

#include <map>
#include <span>
#include <unordered_map>

#include "common/durations.hpp"

namespace hitless::lab::detail {
namespace {

std::string cluster_path(std::size_t i) { return "clusters[" + std::to_string(i) + "]"; }
std::string node_path(std::size_t i, std::size_t j) {
  return cluster_path(i) + ".nodes[" + std::to_string(j) + "]";
}
std::string at_line(const SpecReader& r, const std::string& path) {
  return "line " + std::to_string(r.line_of(path));
}

// One cluster with its nodes (a slice of LabSpec::nodes) and its path in the document.
struct ClusterView {
  const ClusterSpec& spec;
  std::span<const NodeSpec> nodes;
  std::string path;
  std::string node(std::size_t j) const { return path + ".nodes[" + std::to_string(j) + "]"; }
};

class Validator {
 public:
  Validator(SpecReader& r, const LabSpec& lab) : r_(r), lab_(lab) {}

  bool run() {
    if (!unique_names() || !requirements_known()) return false;
    std::size_t first = 0;
    for (std::size_t i = 0; i < lab_.clusters.size(); ++i) {
      const ClusterSpec& c = lab_.clusters[i];
      const ClusterView v{c, std::span(lab_.nodes).subspan(first, c.nodes.size()), cluster_path(i)};
      first += c.nodes.size();
      if (!roles(v) || !chassis(v) || !ha(v) || !traffic(v) || !owners(v) || !membership(v) ||
          !timings(v))
        return false;
    }
    return addresses();
  }

 private:
  bool conflict(const std::string& path, const std::string& message) {
    return r_.fail(SpecErrc::kConflict, r_.line_of(path), path, message);
  }
  bool duplicate(const std::string& path, const std::string& message) {
    return r_.fail(SpecErrc::kDuplicate, r_.line_of(path), path, message);
  }

  bool unique_names() {
    std::unordered_map<std::string, std::string> clusters, nodes, packages;  // name -> path
    std::size_t first = 0;
    for (std::size_t i = 0; i < lab_.clusters.size(); ++i) {
      const ClusterSpec& c = lab_.clusters[i];
      const std::string path = cluster_path(i) + ".name";
      if (const auto [it, fresh] = clusters.emplace(c.name, path); !fresh)
        return duplicate(path, "duplicate cluster name '" + c.name + "' (first declared at " +
                                   at_line(r_, it->second) + ")");
      for (std::size_t j = 0; j < c.nodes.size(); ++j) {
        const std::string node = node_path(i, j) + ".name";
        if (const auto [it, fresh] = nodes.emplace(lab_.nodes[first + j].name, node); !fresh)
          return duplicate(node, "duplicate node name '" + lab_.nodes[first + j].name +
                                     "' (first declared at " + at_line(r_, it->second) + ")");
      }
      first += c.nodes.size();
    }
    for (std::size_t k = 0; k < lab_.repository.size(); ++k) {
      const PackageSpec& p = lab_.repository[k];
      const std::string path = "repository[" + std::to_string(k) + "].version";
      if (const auto [it, fresh] = packages.emplace(p.name + " " + p.version, path); !fresh)
        return duplicate(path, "package " + p.name + " " + p.version +
                                   " is listed twice (first at " + at_line(r_, it->second) + ")");
    }
    return true;
  }

  bool requirements_known() {
    for (std::size_t k = 0; k < lab_.repository.size(); ++k) {
      const PackageSpec& p = lab_.repository[k];
      for (std::size_t m = 0; m < p.requires_.size(); ++m) {
        const std::string& wanted = p.requires_[m].package;
        bool found = false;
        for (const PackageSpec& q : lab_.repository) found = found || q.name == wanted;
        if (!found)
          return conflict(
              "repository[" + std::to_string(k) + "].requires[" + std::to_string(m) + "]",
              p.name + " " + p.version + " requires '" + wanted +
                  "' but the repository has no package of that name");
      }
    }
    return true;
  }

  static std::span<const std::string_view> allowed_roles(ClusterKind kind) {
    static constexpr std::string_view kSingle[] = {"standalone"};
    static constexpr std::string_view kPair[] = {"primary", "backup"};
    static constexpr std::string_view kHaPair[] = {"primary", "backup", "search-master",
                                                   "search-minion"};
    static constexpr std::string_view kActivePassive[] = {"active", "passive"};
    static constexpr std::string_view kActiveActive[] = {"member"};
    static constexpr std::string_view kAtlas[] = {"master", "backup-master", "traffic"};
    static constexpr std::string_view kChassis[] = {"master", "backup"};
    static constexpr std::string_view kMigration[] = {"standalone", "spare"};
    switch (kind) {
      case ClusterKind::kSingle:
        return kSingle;
      case ClusterKind::kFailoverPair:
        return kPair;
      case ClusterKind::kHaPair:
        return kHaPair;
      case ClusterKind::kActivePassive:
        return kActivePassive;
      case ClusterKind::kActiveActive:
        return kActiveActive;
      case ClusterKind::kAtlas:
        return kAtlas;
      case ClusterKind::kChassis:
        return kChassis;
      case ClusterKind::kMigration:
        return kMigration;
    }
    return {};
  }

  bool roles(const ClusterView& v) {
    const std::string kind = to_string(v.spec.kind);
    const auto allowed = allowed_roles(v.spec.kind);
    std::map<std::string, int> count;
    for (std::size_t j = 0; j < v.nodes.size(); ++j) {
      bool fits = false;
      for (const std::string_view a : allowed) fits = fits || a == v.nodes[j].role;
      if (!fits)
        return conflict(v.node(j) + ".role", "role '" + v.nodes[j].role + "' does not fit a " +
                                                 kind + " cluster (allowed: " + join(allowed) +
                                                 ")");
      ++count[v.nodes[j].role];
    }
    const auto found = [&](std::initializer_list<const char*> names) {
      std::string out = " (found";
      for (const char* n : names) out += " " + std::to_string(count[n]) + " " + n + ",";
      out.back() = ')';
      return out;
    };
    const auto need = [&](bool ok, const std::string& message) {
      return ok || conflict(v.path + ".nodes", message);
    };
    const int n = static_cast<int>(v.nodes.size());
    switch (v.spec.kind) {
      case ClusterKind::kSingle:
        return need(n == 1,
                    "a single cluster has exactly one node (found " + std::to_string(n) + ")");
      case ClusterKind::kHaPair:
        if (!need(count["search-master"] <= 1, "at most one search-master per cluster") ||
            !need(count["search-minion"] == 0 || count["search-master"] == 1,
                  "search-minion nodes need a search-master in the same cluster"))
          return false;
        [[fallthrough]];
      case ClusterKind::kFailoverPair:
        return need(count["primary"] == 1 && count["backup"] == 1,
                    "a " + kind + " needs exactly one primary and one backup" +
                        found({"primary", "backup"}));
      case ClusterKind::kActivePassive:
        return need(count["active"] == 1 && count["passive"] >= 1,
                    "an active-passive cluster needs exactly one active node and at least one "
                    "passive" +
                        found({"active", "passive"}));
      case ClusterKind::kActiveActive:
        return need(n >= 2,
                    "an active-active cluster needs at least two members" + found({"member"}));
      case ClusterKind::kAtlas:
        return need(count["master"] == 1 && count["backup-master"] <= 1 && count["traffic"] >= 1,
                    "an atlas cluster needs one master, at most one backup-master and at least "
                    "one traffic node" +
                        found({"master", "backup-master", "traffic"}));
      case ClusterKind::kChassis:
        return need(n == 2 && count["master"] == 1,
                    "a chassis has exactly two routing engines, one master and one backup" +
                        found({"master", "backup"}));
      case ClusterKind::kMigration:
        return need(n == 2 && count["standalone"] == 1,
                    "a migration has exactly one standalone (the old box) and one spare (its "
                    "replacement)" +
                        found({"standalone", "spare"}));
    }
    return true;
  }

  bool chassis(const ClusterView& v) {
    const ClusterSpec& c = v.spec;
    if (c.kind != ClusterKind::kChassis &&
        (c.graceful_switchover || c.nonstop_routing || c.commit_synchronize))
      return conflict(v.path + ".redundancy",
                      "redundancy statements apply only to a chassis cluster");
    for (std::size_t j = 0; j < v.nodes.size(); ++j) {
      const NodeSpec& n = v.nodes[j];
      if (v.spec.kind != ClusterKind::kChassis) {
        if (!n.chassis.empty() || !n.slot.empty())
          return conflict(v.node(j) + (n.chassis.empty() ? ".slot" : ".chassis"),
                          "chassis and slot apply only to nodes of a chassis cluster");
        continue;
      }
      for (const char* key : {"chassis", "slot"})
        if ((key[0] == 'c' ? n.chassis : n.slot).empty())
          return r_.fail(SpecErrc::kMissingField, n.line, v.node(j) + "." + key,
                         "required for a routing engine of a chassis cluster");
      if (j == 0) continue;
      const NodeSpec& first = v.nodes[0];
      if (n.chassis != first.chassis)
        return conflict(v.node(j) + ".chassis",
                        "both routing engines must be in the same chassis ('" + first.chassis +
                            "' at " + at_line(r_, v.node(0) + ".chassis") + ")");
      if (n.slot == first.slot)
        return conflict(v.node(j) + ".slot", "slot " + n.slot + " is already taken by '" +
                                                 first.name + "' (" +
                                                 at_line(r_, v.node(0) + ".slot") + ")");
    }
    return true;
  }

  bool ha(const ClusterView& v) {
    const ClusterKind k = v.spec.kind;
    const bool has_relation =
        k == ClusterKind::kFailoverPair || k == ClusterKind::kHaPair || k == ClusterKind::kAtlas;
    if (r_.seen(v.path + ".ha")) {
      if (!has_relation)
        return conflict(v.path + ".ha",
                        "ha applies only to failover-pair, ha-pair and atlas clusters");
      bool backup_master = false;
      for (const NodeSpec& n : v.nodes) backup_master = backup_master || n.role == "backup-master";
      if (k == ClusterKind::kAtlas && !backup_master)
        return conflict(v.path + ".ha",
                        "an atlas cluster has an HA relation only with a backup-master");
    }
    if (!has_relation || !v.spec.ha_established) return true;
    for (std::size_t j = 1; j < v.nodes.size(); ++j)
      if (v.nodes[j].inter_appliance_key != v.nodes[0].inter_appliance_key)
        return conflict(v.node(j) + ".inter_appliance_key",
                        "differs from that of '" + v.nodes[0].name +
                            "': an established HA relation needs the same inter-appliance key on "
                            "every node (set ha: broken to start without the relation)");
    return true;
  }

  bool traffic(const ClusterView& v) {
    const ClusterSpec& c = v.spec;
    const std::string steering = to_string(c.traffic);
    const struct {
      bool present;
      TrafficSteering wanted;
      const char* key;
    } fields[] = {{c.shared_ip.has_value(), TrafficSteering::kSharedIp, "shared_ip"},
                  {c.load_balancer.has_value(), TrafficSteering::kLoadBalancer, "load_balancer"},
                  {c.nat.has_value(), TrafficSteering::kNat, "nat"},
                  {c.dns.has_value(), TrafficSteering::kDns, "dns"}};
    for (const auto& f : fields) {
      if (f.present && c.traffic != f.wanted)
        return conflict(v.path + "." + f.key,
                        std::string(f.key) + " is used only with traffic: " + to_string(f.wanted) +
                            " (traffic is " + steering + ")");
      if (!f.present && c.traffic == f.wanted)
        return r_.fail(SpecErrc::kMissingField, r_.line_of(v.path + ".traffic"),
                       v.path + "." + f.key, "required when traffic is " + steering);
    }
    if (c.dns) {
      const std::string& rec = c.dns->record;
      const std::string& zone = c.dns->zone;
      const bool inside =
          rec == zone || (rec.size() > zone.size() &&
                          rec.compare(rec.size() - zone.size(), zone.size(), zone) == 0 &&
                          rec[rec.size() - zone.size() - 1] == '.');
      if (!inside)
        return conflict(v.path + ".dns.record",
                        "record '" + rec + "' is not in zone '" + zone + "'");
    }
    return true;
  }

  bool owners(const ClusterView& v) {
    const ClusterSpec& c = v.spec;
    std::optional<std::size_t> owner;
    for (std::size_t j = 0; j < v.nodes.size(); ++j) {
      if (!v.nodes[j].owns_shared_ip) continue;
      const std::string path = v.node(j) + ".owns_shared_ip";
      if (!c.shared_ip)
        return conflict(path, "the cluster has no shared IP (traffic is " +
                                  std::string(to_string(c.traffic)) + ")");
      if (owner)
        return conflict(path, "the shared IP already has an owner: '" + v.nodes[*owner].name +
                                  "' (" + at_line(r_, v.node(*owner) + ".owns_shared_ip") + ")");
      owner = j;
    }
    if (c.shared_ip && !owner && c.ha_established)
      return conflict(v.path + ".shared_ip",
                      "no node owns shared IP " + c.shared_ip->host +
                          " while the HA relation is established (set owns_shared_ip: true on the "
                          "node that serves it, or ha: broken)");
    return true;
  }

  // Seed 000 membership: only its clusters have it; the VIP owner and at least one member are
  // enabled.
  bool membership(const ClusterView& v) {
    const bool seed000 =
        v.spec.kind == ClusterKind::kActiveActive || v.spec.kind == ClusterKind::kActivePassive;
    bool any_enabled = false;
    for (std::size_t j = 0; j < v.nodes.size(); ++j) {
      if (v.nodes[j].enabled) {
        any_enabled = true;
        continue;
      }
      const std::string path = v.node(j) + ".enabled";
      if (!seed000)
        return conflict(path, std::string("a ") + to_string(v.spec.kind) +
                                  " cluster has no membership to disable (only active-active and "
                                  "active-passive clusters do)");
      if (v.nodes[j].owns_shared_ip)
        return conflict(path, "a disabled member cannot own the shared IP");
    }
    if (seed000 && !v.nodes.empty() && !any_enabled)
      return conflict(v.node(0) + ".enabled", "every member is disabled; enable at least one");
    return true;
  }

  bool timings(const ClusterView& v) {
    for (std::size_t j = 0; j < v.nodes.size(); ++j) {
      const NodeSpec& n = v.nodes[j];
      if (n.boot_timeout_s > n.reboot_s) continue;
      std::string path = v.node(j) + ".boot_timeout";
      for (const std::string& p :
           {path, v.node(j) + ".reboot", std::string("defaults.boot_timeout"),
            std::string("defaults.reboot")}) {
        if (r_.seen(p)) {
          path = p;
          break;
        }
      }
      return conflict(path, "boot_timeout (" + format_duration(n.boot_timeout_s) +
                                ") must be longer than reboot (" + format_duration(n.reboot_s) +
                                ") or every boot of '" + n.name + "' reverts to the old slot");
    }
    return true;
  }

  // Shared IPs belong to one cluster; explicitly given ports are used once per host.
  bool addresses() {
    std::map<std::string, std::string> vips;  // host -> path of the shared_ip
    for (std::size_t i = 0; i < lab_.clusters.size(); ++i) {
      const auto& vip = lab_.clusters[i].shared_ip;
      const std::string path = cluster_path(i) + ".shared_ip";
      if (!vip || lab_.clusters[i].shared_ip_netns) continue;  // the lab picks a fresh address
      if (const auto [it, fresh] = vips.emplace(vip->host, path); !fresh)
        return conflict(path, "shared IP " + vip->host + " already belongs to " + it->second +
                                  " (" + at_line(r_, it->second) + ")");
    }
    struct Use {
      std::string path;
      bool dns_server;
    };
    std::map<std::pair<std::string, std::uint16_t>, Use> ports;
    const auto use = [&](const Endpoint& ep, const std::string& path, bool dns_server) {
      if (ep.port == 0) return true;
      const auto [it, fresh] = ports.emplace(std::pair(ep.host, ep.port), Use{path, dns_server});
      if (fresh || (dns_server && it->second.dns_server))
        return true;  // one DNS server, many zones
      return conflict(path, "port " + ep.str() + " is already used by " + it->second.path + " (" +
                                at_line(r_, it->second.path) + ")");
    };
    std::size_t first = 0;
    for (std::size_t i = 0; i < lab_.clusters.size(); ++i) {
      const ClusterSpec& c = lab_.clusters[i];
      const std::string p = cluster_path(i);
      if ((c.shared_ip && !use(*c.shared_ip, p + ".shared_ip", false)) ||
          (c.load_balancer && !use(*c.load_balancer, p + ".load_balancer", false)) ||
          (c.nat && !use(*c.nat, p + ".nat", false)) ||
          (c.dns && !use(c.dns->server, p + ".dns.server", true)))
        return false;
      for (std::size_t j = 0; j < c.nodes.size(); ++j) {
        const NodeSpec& n = lab_.nodes[first + j];
        const std::string path = node_path(i, j) + ".address";
        if (const auto it = vips.find(n.address.host); it != vips.end())
          return conflict(path, n.address.host + " is the shared IP of " + it->second + " (" +
                                    at_line(r_, it->second) + "); only its owner binds it");
        if (!use(n.address, path, false)) return false;
      }
      first += c.nodes.size();
    }
    return true;
  }

  SpecReader& r_;
  const LabSpec& lab_;
};

}  // namespace

bool validate_lab(SpecReader& r, const LabSpec& lab) { return Validator(r, lab).run(); }

}  // namespace hitless::lab::detail
