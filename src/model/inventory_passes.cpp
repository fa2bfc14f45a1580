#include "model/inventory_passes.hpp"

#include <filesystem>
#include <map>
#include <vector>

namespace hitless {
namespace {

namespace fs = std::filesystem;

// Absolute and without "." or ".." parts or a trailing slash.
std::string normal(const fs::path& p) {
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

void resolve_inventory_paths(Inventory& inv, const std::string& default_base_dir) {
  std::error_code ec;
  fs::path base = fs::absolute(default_base_dir.empty() ? "." : default_base_dir, ec);
  if (!inv.base_dir.empty()) base /= inv.base_dir;  // an absolute base_dir replaces `base`
  inv.base_dir = normal(base);
  const auto resolve = [&](std::string& p) {
    if (!fs::path(p).is_absolute()) p = normal(fs::path(inv.base_dir) / p);
  };
  resolve(inv.repository_dir);
  resolve(inv.public_key_file);
  for (InventoryCluster& c : inv.clusters) {
    if (c.dns && !c.dns->key_file.empty()) resolve(c.dns->key_file);
    if (!c.lb_runtime_socket.empty()) resolve(c.lb_runtime_socket);
    if (!c.passphrase_file.empty()) resolve(c.passphrase_file);
    for (InventoryNode& n : c.nodes) {
      if (!n.token_file.empty()) resolve(n.token_file);
      if (!n.vendor_profile.empty()) resolve(n.vendor_profile);
      if (!n.bundle.empty()) resolve(n.bundle);
      if (n.power) {
        // Each power driver has its own credential file; the other one stays empty.
        if (!n.power->token_file.empty()) resolve(n.power->token_file);
        if (!n.power->password_file.empty()) resolve(n.power->password_file);
      }
    }
  }
}

bool validate_inventory(YamlReader& r, const Inventory& inv) {
  std::map<std::string, int> clusters;                        // name -> line
  std::map<std::string, int> nodes;                           // name -> line
  std::map<std::string, std::pair<std::string, int>> owners;  // address -> node, line
  for (std::size_t ci = 0; ci < inv.clusters.size(); ++ci) {
    const InventoryCluster& c = inv.clusters[ci];
    const std::string cpath = "clusters[" + std::to_string(ci) + "]";
    const int name_line = r.line_of(cpath + ".name");
    if (const auto [it, fresh] = clusters.emplace(c.name, name_line); !fresh)
      return r.fail(YamlErrc::kDuplicate, name_line, cpath + ".name",
                    "duplicate cluster name '" + c.name + "' (first declared at line " +
                        std::to_string(it->second) + ")");
    std::map<std::string, int> roles;
    for (std::size_t ni = 0; ni < c.nodes.size(); ++ni) {
      const InventoryNode& n = c.nodes[ni];
      const std::string npath = cpath + ".nodes[" + std::to_string(ni) + "]";
      const int line = r.line_of(npath + ".name");
      if (const auto [it, fresh] = nodes.emplace(n.name, line); !fresh)
        return r.fail(YamlErrc::kDuplicate, line, npath + ".name",
                      "duplicate node name '" + n.name + "' (first declared at line " +
                          std::to_string(it->second) + ")");
      const int address_line = r.line_of(npath + ".address");
      if (const auto [it, fresh] = owners.try_emplace(n.address, n.name, address_line); !fresh)
        return r.fail(YamlErrc::kConflict, address_line, npath + ".address",
                      "address " + n.address + " is also node '" + it->second.first + "''s (line " +
                          std::to_string(it->second.second) + ")");
      ++roles[n.role];
    }
    if ((c.kind == "failover-pair" || c.kind == "ha-pair") &&
        (roles["primary"] != 1 || roles["backup"] != 1))
      return r.fail(YamlErrc::kConflict, r.line_of(cpath + ".nodes"), cpath + ".nodes",
                    "a " + c.kind + " needs exactly one primary and one backup (found " +
                        std::to_string(roles["primary"]) + " primary, " +
                        std::to_string(roles["backup"]) + " backup)");
    if (c.kind == "chassis") {
      // An in-service upgrade (seed 002) needs two routing engines in each chassis: one to
      // upgrade while the other carries the chassis' sessions.
      std::map<std::string, std::vector<std::string>> engines;
      for (const InventoryNode& n : c.nodes) engines[n.chassis].push_back(n.name);
      for (const auto& [chassis, names] : engines) {
        if (names.size() == 2) continue;
        std::string list;
        for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
        return r.fail(YamlErrc::kConflict, r.line_of(cpath + ".nodes"), cpath + ".nodes",
                      (chassis.empty() ? std::string("nodes without a chassis")
                                       : "chassis '" + chassis + "'") +
                          " has " + std::to_string(names.size()) + " routing engine" +
                          (names.size() == 1 ? "" : "s") + " (" + list +
                          "); an in-service upgrade needs exactly two (re0 and re1)");
      }
    }
  }
  return true;
}

}  // namespace hitless
