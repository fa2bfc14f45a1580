#include "lab/model/node_json.hpp"

namespace hitless::lab {

nlohmann::json node_status_json(const Node& n, double now) {
  using nlohmann::json;
  const auto& spec = n.spec();
  json slots = json::array();
  for (int i = 0; i < 2; ++i)
    slots.push_back({{"slot", i},
                     {"version", n.slot(i).version},
                     {"bootable", n.slot(i).bootable},
                     {"packages", n.slot(i).packages}});
  json staged = json::array();
  for (const auto& [id, p] : n.staged())
    staged.push_back({{"id", id},
                      {"name", p.manifest.name},
                      {"version", p.manifest.version},
                      {"kind", p.manifest.kind},
                      {"digest", p.digest},
                      {"revision", p.revision()}});
  json faults = json::array();
  for (Fault f : n.faults()) faults.push_back(to_string(f));
  const auto& ha = n.ha();
  return json{
      {"name", spec.name},
      {"cluster", spec.cluster},
      {"role", spec.role},
      {"region", spec.region},
      {"chassis", spec.chassis},
      {"engine_slot", spec.slot},
      {"version", n.version()},
      {"packages", n.active().packages},
      {"active_slot", n.active_slot()},
      {"alternate_slot", 1 - n.active_slot()},
      {"boot_slot", n.boot_slot()},
      {"slots", slots},
      {"staged", staged},
      {"install",
       {{"state", to_string(n.install_state())},
        {"package", n.install_package()},
        {"error", n.last_error()}}},
      {"phase", to_string(n.phase())},
      {"power", n.powered() ? "on" : "off"},
      {"management", {{"wedged", n.management_wedged()}}},
      {"last_shutdown", n.last_shutdown()},
      {"serving", n.serving()},
      {"accepting", n.accepting()},
      {"sessions",
       {{"open", n.sessions_open()},
        {"dropped", n.sessions_dropped()},
        {"completed", n.sessions_completed()},
        {"transferred", n.sessions_transferred()}}},
      {"ha",
       {{"role", to_string(ha.role)},
        {"peer", ha.peer},
        {"syncing", ha.syncing},
        {"last_sync_at", ha.last_sync_at},
        {"last_sync_error", ha.last_sync_error},
        // Seed 003: Basic Settings > High Availability (degraded, syncing, waiting-activation, ok)
        {"status", n.ha_status()},
        {"slave_active", n.slave_active()},
        // Seed 003 step 5: the other node's firmware after reboot, as this node's HA page shows.
        {"peer_after_reboot", n.ha_peer_after_reboot()}}},
      // Seed 003: "" for nodes without a search role, "ok", or the critical error's text.
      {"search", {{"state", n.search_state()}}},
      {"shared_ip", {{"address", n.shared_ip()}, {"enabled", n.shared_ip_enabled()}}},
      {"data",
       {{"checksum", n.store().checksum()},
        {"config_checksum", n.store().configuration_checksum()},
        {"users", n.store().users()},
        {"settings", n.store().settings()},
        {"recordings", n.store().recordings()},
        {"size_mb", n.store().size_mb()}}},
      {"faults", faults},
      {"member",
       {{"cluster_member", n.cluster_member()},
        {"enabled", n.member_enabled()},
        {"installed_revision",
         n.installed_package() ? n.installed_package()->revision() : std::string()},
        {"last_push", n.last_push()}}},
      // Seed 001 Atlas: a master's copy of the cluster configuration (traffic node -> accepting).
      {"atlas_accepting_config", n.atlas_accepting_config()},
      // Seed 004 hardware migration: Security :: Certificates, factory state, disk capacity.
      {"certificate", n.certificate() ? json{{"issued_to", n.certificate()->issued_to},
                                             {"fingerprint", n.certificate()->fingerprint()},
                                             {"assigned_ip", n.certificate()->assigned_ip},
                                             {"warning", n.certificate()->warning()}}
                                      : json(nullptr)},
      {"factory_defaults", n.factory_defaults()},
      {"disk_mb", n.disk_mb()},
      {"oob_power", spec.oob_power},
      {"boots", n.boot_count()},
      {"installs", n.install_count()},
      {"time", now},
  };
}

nlohmann::json node_config_json(const Node& n) {
  const ConfigStore& s = n.store();
  return nlohmann::json{
      {"node", n.name()},
      {"schema", s.schema()},
      {"checksum", s.checksum()},
      {"config_checksum", s.configuration_checksum()},
      {"items", s.items()},
      {"changed_at", s.changed_at()},
      {"recordings", s.recording_ids()},
  };
}

}  // namespace hitless::lab
