#include "model/observed_state.hpp"

#include <sodium.h>

#include "model/json_writer.hpp"

namespace hitless {
namespace {

// The fields planning depends on, as canonical text (sorted keys): what the hash covers.
void write_planning_view(JsonWriter& w, const ObservedNode& n) {
  w.begin_object();
  w.key("active_slot"), w.integer(n.active_slot);
  w.key("ha_peer"), w.str(n.ha_peer);
  if (!n.ha_peer_after_reboot.empty()) w.key("ha_peer_after_reboot"), w.str(n.ha_peer_after_reboot);
  w.key("ha_role"), w.str(n.ha_role);
  // Only where it exists, so that the hashes of plans for other clusters stay as they were.
  if (!n.membership.empty()) w.key("membership"), w.str(n.membership);
  w.key("packages"), w.string_map(n.packages);
  w.key("powered"), w.boolean(n.powered);
  w.key("reachable"), w.boolean(n.reachable);
  if (!n.settings.empty()) w.key("settings"), w.string_map(n.settings);
  w.key("shared_ip_enabled"), w.boolean(n.shared_ip_enabled);
  w.key("version"), w.str(n.version);
  w.end_object();
}

// The planning view as a tree, for differences(): read from the text the hash covers.
nlohmann::json planning_view(const ObservedNode& n) {
  JsonWriter w;
  write_planning_view(w, n);
  w.finish();
  return nlohmann::json::parse(w.text());
}

std::string hex(const unsigned char* p, std::size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}

}  // namespace

const ObservedNode* ObservedState::find(const std::string& name) const {
  auto it = nodes.find(name);
  return it == nodes.end() ? nullptr : &it->second;
}

std::string ObservedState::hash() const {
  // SHA-256 of the compact JSON {name: planning_view, ...}, streamed into the hash as written.
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  JsonWriter w(-1, [&st](std::string_view part) {
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(part.data()),
                              part.size());
  });
  w.begin_object();
  for (const auto& [name, n] : nodes) {
    w.key(name);
    write_planning_view(w, n);
  }
  w.end_object();
  w.finish();
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  return hex(out, sizeof out);
}

std::vector<std::string> ObservedState::differences(const ObservedState& now) const {
  std::vector<std::string> out;
  for (const auto& [name, was] : nodes) {
    const ObservedNode* is = now.find(name);
    if (!is) {
      out.push_back(name + ": no longer observed");
      continue;
    }
    const auto a = planning_view(was);
    const auto b = planning_view(*is);
    for (const auto& [key, value] : a.items()) {
      const auto now_value = b.contains(key) ? b.at(key) : nlohmann::json();
      if (now_value != value)
        out.push_back(name + ": " + key + " " + value.dump() + " -> " + now_value.dump());
    }
  }
  for (const auto& [name, n] : now.nodes)
    if (!find(name)) out.push_back(name + ": newly observed");
  return out;
}

// One encoding of a node: the writer's (it is what the plan hash covers); the tree is read from it.
nlohmann::json to_json(const ObservedNode& n) {
  JsonWriter w;
  write_json(w, n);
  w.finish();
  return nlohmann::json::parse(w.text());
}

ObservedNode observed_node_from_json(const nlohmann::json& j) {
  ObservedNode n;
  n.name = j.at("name");
  n.reachable = j.at("reachable");
  n.error = j.value("error", "");
  n.version = j.at("version");
  n.packages = j.at("packages").get<std::map<std::string, std::string>>();
  n.active_slot = j.at("active_slot");
  n.boot_slot = j.value("boot_slot", n.active_slot);
  n.slot_versions = j.value("slot_versions", std::vector<std::string>{});
  n.phase = j.value("phase", "");
  n.serving = j.value("serving", false);
  n.accepting = j.value("accepting", false);
  n.powered = j.at("powered");
  n.ha_role = j.at("ha_role");
  n.ha_peer = j.at("ha_peer");
  n.ha_status = j.value("ha_status", "");
  n.ha_peer_after_reboot = j.value("ha_peer_after_reboot", "");
  n.syncing = j.value("syncing", false);
  n.last_sync_at = j.value("last_sync_at", -1.0);
  n.shared_ip = j.value("shared_ip", "");
  n.shared_ip_enabled = j.at("shared_ip_enabled");
  n.install_state = j.value("install_state", "");
  n.install_package = j.value("install_package", "");
  n.install_error = j.value("install_error", "");
  n.staged = j.value("staged", std::vector<std::string>{});
  n.staged_revisions = j.value("staged_revisions", std::map<std::string, std::string>{});
  n.membership = j.value("membership", "");
  n.settings = j.value("settings", std::map<std::string, std::string>{});
  n.data_checksum = j.value("data_checksum", "");
  n.config_checksum = j.value("config_checksum", "");
  n.slot_packages = j.value("slot_packages", std::vector<std::map<std::string, std::string>>{});
  if (j.contains("lab") && j.at("lab").is_object()) {
    const auto& l = j.at("lab");
    n.lab =
        LabDiagnostics{l.value("boots", 0), l.value("installs", 0), l.value("sessions_open", 0)};
  }
  if (j.contains("migration") && j.at("migration").is_object()) {
    const auto& m = j.at("migration");
    n.migration =
        MigrationFacts{m.value("certificate", ""),    m.value("certificate_fingerprint", ""),
                       m.value("certificate_ip", ""), m.value("factory_defaults", false),
                       m.value("data_mb", 0.0),       m.value("disk_mb", 0.0)};
  }
  return n;
}

void write_json(JsonWriter& w, const ObservedNode& n) {
  w.begin_object();
  w.key("accepting"), w.boolean(n.accepting);
  w.key("active_slot"), w.integer(n.active_slot);
  w.key("boot_slot"), w.integer(n.boot_slot);
  w.key("config_checksum"), w.str(n.config_checksum);
  w.key("data_checksum"), w.str(n.data_checksum);
  w.key("error"), w.str(n.error);
  w.key("ha_peer"), w.str(n.ha_peer);
  if (!n.ha_peer_after_reboot.empty()) w.key("ha_peer_after_reboot"), w.str(n.ha_peer_after_reboot);
  w.key("ha_role"), w.str(n.ha_role);
  // Only where the appliance reports one (SPS HA pairs), so other nodes' JSON stays as it was.
  if (!n.ha_status.empty()) w.key("ha_status"), w.str(n.ha_status);
  w.key("install_error"), w.str(n.install_error);
  w.key("install_package"), w.str(n.install_package);
  w.key("install_state"), w.str(n.install_state);
  w.key("lab");
  if (n.lab) {
    w.begin_object();
    w.key("boots"), w.integer(n.lab->boots);
    w.key("installs"), w.integer(n.lab->installs);
    w.key("sessions_open"), w.integer(n.lab->sessions_open);
    w.end_object();
  } else {
    w.null();
  }
  w.key("last_sync_at"), w.number(n.last_sync_at);
  w.key("membership"), w.str(n.membership);
  if (n.migration) {  // only for drivers that report it: other plans keep their form
    const MigrationFacts& m = *n.migration;
    w.key("migration");
    w.begin_object();
    w.key("certificate"), w.str(m.certificate);
    w.key("certificate_fingerprint"), w.str(m.certificate_fingerprint);
    w.key("certificate_ip"), w.str(m.certificate_ip);
    w.key("data_mb"), w.number(m.data_mb);
    w.key("disk_mb"), w.number(m.disk_mb);
    w.key("factory_defaults"), w.boolean(m.factory_defaults);
    w.end_object();
  }
  w.key("name"), w.str(n.name);
  w.key("packages"), w.string_map(n.packages);
  w.key("phase"), w.str(n.phase);
  w.key("powered"), w.boolean(n.powered);
  w.key("reachable"), w.boolean(n.reachable);
  w.key("serving"), w.boolean(n.serving);
  if (!n.settings.empty()) w.key("settings"), w.string_map(n.settings);
  w.key("shared_ip"), w.str(n.shared_ip);
  w.key("shared_ip_enabled"), w.boolean(n.shared_ip_enabled);
  w.key("slot_packages");
  w.begin_array();
  for (const auto& m : n.slot_packages) w.string_map(m);
  w.end_array();
  w.key("slot_versions"), w.strings(n.slot_versions);
  w.key("staged"), w.strings(n.staged);
  w.key("staged_revisions"), w.string_map(n.staged_revisions);
  w.key("syncing"), w.boolean(n.syncing);
  w.key("version"), w.str(n.version);
  w.end_object();
}

void write_json(JsonWriter& w, const ObservedState& s, const std::string& hash) {
  w.begin_object();
  w.key("hash"), w.str(hash);
  w.key("nodes");
  w.begin_array();
  for (const auto& [name, n] : s.nodes) write_json(w, n);
  w.end_array();
  w.end_object();
}

nlohmann::json to_json(const ObservedState& s) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& [name, n] : s.nodes) nodes.push_back(to_json(n));
  return {{"hash", s.hash()}, {"nodes", nodes}};
}

ObservedState observed_state_from_json(const nlohmann::json& j) {
  ObservedState s;
  for (const auto& n : j.at("nodes")) {
    auto node = observed_node_from_json(n);
    s.nodes[node.name] = node;
  }
  return s;
}

}  // namespace hitless
