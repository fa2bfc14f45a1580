#include "drivers/lab_protocol.hpp"

#include <chrono>
#include <fstream>
#include <sstream>

#include "common/timestamps.hpp"
#include "drivers/secrets.hpp"

namespace hitless::drivers {

Result<LabRequest, DriverErrc> lab_request_for(const Action& a) {
  const auto& p = a.params;
  auto post = [](std::string target, const nlohmann::json& body) {
    return LabRequest{"POST", std::move(target), body.dump(), {}};
  };
  auto put = [](std::string target, const nlohmann::json& body) {
    return LabRequest{"PUT", std::move(target), body.dump(), {}};
  };
  try {
    if (a.kind == "backup") return post("/api/v1/backup", nlohmann::json::object());
    if (a.kind == "restore") return post("/api/v1/restore", {{"backup", p.at("backup")}});
    if (a.kind == "config-read") return LabRequest{"GET", "/api/v1/config", "", {}};
    if (a.kind == "config-set") {
      // Items are "users/<name>" (value: role) or "settings/<key>" (value: the setting).
      const std::string item = p.at("item");
      const std::string value = p.at("value");
      if (item.rfind("users/", 0) == 0) return put("/api/v1/config/" + item, {{"role", value}});
      if (item.rfind("settings/", 0) == 0) return put("/api/v1/config/" + item, {{"value", value}});
      return make_error(DriverErrc::kUnsupported,
                        "no configuration item '" + item + "' in the lab protocol");
    }
    if (a.kind == "stage") {
      std::string content;
      if (p.contains("content")) {
        content = p.at("content").get<std::string>();
      } else {
        std::ifstream in(p.at("file").get<std::string>(), std::ios::binary);
        if (!in)
          return make_error(DriverErrc::kRejected,
                            "cannot read package file " + p.at("file").get<std::string>());
        std::ostringstream ss;
        ss << in.rdbuf();
        content = ss.str();
      }
      return LabRequest{"POST",
                        "/api/v1/packages",
                        std::move(content),
                        {{"X-Package-Signature", p.at("signature").get<std::string>()}}};
    }
    // Seed 004 manual update: the whole bundle file; the appliance checks it is the bundle
    // planned (its SHA-256), its own, signed, and every package in it, on arrival.
    if (a.kind == "stage-bundle") {
      std::ifstream in(p.at("file").get<std::string>(), std::ios::binary);
      if (!in)
        return make_error(DriverErrc::kRejected,
                          "cannot read offline bundle " + p.at("file").get<std::string>());
      std::ostringstream ss;
      ss << in.rdbuf();
      return LabRequest{"POST",
                        "/api/v1/bundles",
                        ss.str(),
                        {{"X-Bundle-SHA256", p.at("sha256").get<std::string>()}}};
    }
    if (a.kind == "compat-test")
      return post("/api/v1/packages/" + p.at("package").get<std::string>() + "/test",
                  nlohmann::json::object());
    if (a.kind == "install")
      return post("/api/v1/install",
                  {{"package", p.at("package")}, {"activate", p.value("activate", "now")}});
    if (a.kind == "reboot") return post("/api/v1/reboot", nlohmann::json::object());
    if (a.kind == "select-boot-slot") return post("/api/v1/boot-slot", {{"slot", p.at("slot")}});
    if (a.kind == "ha-break") return post("/api/v1/failover/break", nlohmann::json::object());
    if (a.kind == "ha-establish")
      return post("/api/v1/failover/establish", {{"peer", p.at("peer")}, {"role", p.at("role")}});
    if (a.kind == "ha-sync") return post("/api/v1/failover/sync", nlohmann::json::object());
    if (a.kind == "ha-role")
      return post("/api/v1/failover/role",
                  {{"role", p.at("role")}, {"force", p.value("force", false)}});
    if (a.kind == "ha-activate-slave")
      return post("/api/v1/failover/activate-slave", nlohmann::json::object());
    if (a.kind == "ha-shutdown-other")
      return post("/api/v1/failover/shutdown-other", nlohmann::json::object());
    if (a.kind == "shared-ip") return put("/api/v1/shared-ip", {{"enabled", p.at("enabled")}});
    if (a.kind == "accepting") return put("/api/v1/traffic", {{"accepting", p.at("accepting")}});
    if (a.kind == "power-off") return post("/api/v1/power", {{"state", "off"}});
    // Seed 000 clusters: membership and the VIP (manual failover / failback).
    if (a.kind == "member-enable") return put("/api/v1/cluster/member", {{"enabled", true}});
    if (a.kind == "member-disable") return put("/api/v1/cluster/member", {{"enabled", false}});
    if (a.kind == "vip-take") return post("/api/v1/cluster/vip", nlohmann::json::object());
    // Seed 001 Atlas clusters, on the primary master (backup operations: either master).
    if (a.kind == "atlas-distribute")
      return post("/api/v1/atlas/distribute", {{"package", p.at("package")}});
    if (a.kind == "atlas-accepting")
      return put("/api/v1/atlas/traffic/" + p.at("node").get<std::string>(),
                 {{"accepting", p.at("accepting")}});
    if (a.kind == "atlas-sync") return post("/api/v1/atlas/sync", nlohmann::json::object());
    if (a.kind == "atlas-backup-ops")
      return put("/api/v1/atlas/backup-operations", {{"enabled", p.at("enabled")}});
    // Seed 004 hardware migration. The passphrase is read from its owner-only file here, at the
    // last moment, and travels only in the request body.
    if (a.kind == "cert-export" || a.kind == "cert-import") {
      auto passphrase = read_secret_file(p.at("passphrase_file"), "certificate passphrase");
      if (!passphrase) return passphrase.error();
      if (a.kind == "cert-export")
        return post("/api/v1/certificate/export", {{"passphrase", *passphrase}});
      return post("/api/v1/certificate/import",
                  {{"bundle", p.at("bundle")}, {"passphrase", *passphrase}});
    }
    if (a.kind == "cert-assign-ip") return put("/api/v1/certificate/ip", {{"ip", p.at("ip")}});
    if (a.kind == "restore") return post("/api/v1/restore", {{"backup", p.at("backup")}});
    if (a.kind == "factory-reset") return post("/api/v1/factory-reset", nlohmann::json::object());
  } catch (const nlohmann::json::exception& e) {
    return make_error(DriverErrc::kProtocol, "action " + a.kind + ": " + e.what());
  }
  return make_error(DriverErrc::kUnsupported, "the lab protocol has no action '" + a.kind + "'");
}

ObservedNode observed_from_lab_status(const std::string& node, const nlohmann::json& j) {
  ObservedNode n;
  n.name = node;
  n.reachable = true;
  n.version = j.at("version");
  n.packages = j.at("packages").get<std::map<std::string, std::string>>();
  n.active_slot = j.at("active_slot");
  n.boot_slot = j.at("boot_slot");
  for (const auto& s : j.at("slots")) {
    const bool bootable = s.at("bootable").get<bool>();
    n.slot_versions.push_back(bootable ? s.at("version").get<std::string>() : "");
    n.slot_packages.push_back(bootable ? s.value("packages", std::map<std::string, std::string>{})
                                       : std::map<std::string, std::string>{});
  }
  n.phase = j.at("phase");
  n.serving = j.at("serving");
  n.accepting = j.at("accepting");
  n.powered = j.at("power") == "on";
  n.ha_role = j.at("ha").at("role");
  n.ha_peer = j.at("ha").at("peer");
  n.syncing = j.at("ha").at("syncing");
  n.last_sync_at = j.at("ha").at("last_sync_at");
  n.ha_status = j.at("ha").value("status", "");
  n.ha_peer_after_reboot = j.at("ha").value("peer_after_reboot", "");
  n.shared_ip = j.at("shared_ip").at("address");
  n.shared_ip_enabled = j.at("shared_ip").at("enabled");
  n.install_state = j.at("install").at("state");
  n.install_package = j.at("install").at("package");
  n.install_error = j.at("install").at("error");
  for (const auto& s : j.at("staged")) {
    n.staged.push_back(s.at("id"));
    if (s.contains("revision")) n.staged_revisions[s.at("id")] = s.at("revision");
  }
  if (j.contains("member") && j.at("member").value("cluster_member", false))
    n.membership = j.at("member").value("enabled", true) ? "enabled" : "disabled";
  n.data_checksum = j.at("data").at("checksum");
  n.config_checksum = j.at("data").value("config_checksum", "");
  n.connected_clients = j.at("sessions").at("open").get<int>();
  if (j.contains("factory_defaults")) {  // seed 004 hardware migration
    MigrationFacts m;
    if (const auto& c = j.at("certificate"); c.is_object()) {
      m.certificate = c.at("issued_to");
      m.certificate_fingerprint = c.at("fingerprint");
      m.certificate_ip = c.at("assigned_ip");
    }
    m.factory_defaults = j.at("factory_defaults");
    m.data_mb = j.at("data").at("size_mb");
    m.disk_mb = j.at("disk_mb");
    n.migration = m;
  }
  if (j.contains("time") && j.at("time").is_string())
    if (const auto t = parse_utc_timestamp(j.at("time").get<std::string>())) {
      const auto wall = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
      n.clock_skew_s = static_cast<double>(*t - wall);
    }
  n.appliance_id = j.value("appliance_id", "");
  n.lab = LabDiagnostics{j.at("boots").get<int>(), j.value("installs", 0),
                         j.at("sessions").at("open").get<int>()};
  return n;
}

}  // namespace hitless::drivers
