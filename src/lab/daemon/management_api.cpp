#include "lab/daemon/management_api.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "catalog/catalog_file.hpp"
#include "catalog/offline_bundle.hpp"
#include "catalog/package.hpp"
#include "catalog/signed_document.hpp"
#include "catalog/signing.hpp"
#include "common/timestamps.hpp"
#include "lab/daemon/cluster_api.hpp"
#include "lab/model/node_json.hpp"

namespace hitless::lab {
namespace {

// How far ahead a node with the clock-skew fault reads: past any day-sized tolerance.
constexpr std::int64_t kClockSkewS = 25 * 3600;

using net::HttpRequest;
using net::HttpResponse;
using nlohmann::json;

HttpResponse ok(json body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

int http_status(NodeErrc c) {
  switch (c) {
    case NodeErrc::kBadRequest:
      return 400;
    case NodeErrc::kNotFound:
      return 404;
    case NodeErrc::kBusy:
      return 409;
    case NodeErrc::kRefused:
      return 409;
    case NodeErrc::kConflict:
      return 409;
    case NodeErrc::kBadSignature:
      return 422;
    case NodeErrc::kDiskFull:
      return 507;
    case NodeErrc::kPoweredOff:
      return 503;
  }
  return 500;
}

const char* code_name(NodeErrc c) {
  switch (c) {
    case NodeErrc::kBadRequest:
      return "bad-request";
    case NodeErrc::kNotFound:
      return "not-found";
    case NodeErrc::kBusy:
      return "busy";
    case NodeErrc::kRefused:
      return "refused";
    case NodeErrc::kConflict:
      return "conflict";
    case NodeErrc::kBadSignature:
      return "bad-signature";
    case NodeErrc::kDiskFull:
      return "disk-full";
    case NodeErrc::kPoweredOff:
      return "powered-off";
  }
  return "error";
}

// Parses the JSON body and checks the fields it needs, or says what is wrong.
struct Body {
  json j;
  std::string problem;
};

Body parse_body(const HttpRequest& req) {
  Body b;
  if (req.body.empty()) {
    b.j = json::object();
    return b;
  }
  b.j = json::parse(req.body, nullptr, false);
  if (b.j.is_discarded())
    b.problem = "request body is not valid JSON";
  else if (!b.j.is_object())
    b.problem = "request body must be a JSON object";
  return b;
}

template <class T>
bool field(const Body& b, const char* name, T& out, std::string& problem, bool required = true) {
  if (!b.j.contains(name)) {
    if (required) problem = std::string("missing field '") + name + "'";
    return !required;
  }
  try {
    out = b.j.at(name).get<T>();
    return true;
  } catch (const json::exception&) {
    problem = std::string("field '") + name + "' has the wrong type";
    return false;
  }
}

HttpResponse from(const NodeStatus& s, json body = {{"ok", true}}, int status = 200) {
  if (!s) return error_response(s.code(), s.message());
  return ok(std::move(body), status);
}

HttpResponse role_request(LabWorld& world, Node& node, const Body& b, bool establish) {
  std::string role, peer, problem;
  bool force = false;
  if (!field(b, "role", role, problem)) return error_response(400, problem);
  if (establish && !field(b, "peer", peer, problem)) return error_response(400, problem);
  if (!establish && !field(b, "force", force, problem, false)) return error_response(400, problem);
  HaRole r = role == "primary"  ? HaRole::kPrimary
             : role == "backup" ? HaRole::kBackup
                                : HaRole::kNone;
  if (r == HaRole::kNone)
    return error_response(400, "role must be 'primary' or 'backup', not '" + role + "'");
  return from(establish ? world.establish(node, peer, r) : world.become(node, r, force),
              {{"ok", true}, {"role", role}});
}

// How far before a bundle's issue time the appliance's clock may read (clocks drift a little).
constexpr std::int64_t kBundleClockToleranceS = 300;

// The appliance's own clock: wall time (a real clock does not follow --time-scale), off by a day
// with the clock-skew fault.
std::int64_t appliance_now(const Node& node) {
  const auto wall = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  return wall + (node.has_fault(Fault::kClockSkew) ? kClockSkewS : 0);
}

// The appliance's ID behind its download key: unique per node and per lab (the lab's key is).
std::string appliance_id(const LabWorld& world, const Node& node) {
  return catalog::sha256_hex(world.trusted_key() + "/" + node.name()).substr(0, 16);
}

// Seed 004 "Manual Installation": the bundle must be this appliance's and the clock right; then
// every package in it is staged as if uploaded one by one (its signature from the catalog).
HttpResponse install_bundle(const LabWorld& world, Node& node, const std::string& body,
                            const std::string& expected_sha256) {
  // The bundle the operator planned with, not another file put in its place since.
  if (!expected_sha256.empty() && catalog::sha256_hex(body) != expected_sha256)
    return error_response(422, "bundle rejected: its SHA-256 " + catalog::sha256_hex(body) +
                                   " differs from the " + expected_sha256 +
                                   " announced (X-Bundle-SHA256): not the bundle that was planned");
  auto key = catalog::parse_public_key(world.trusted_key());
  if (!key) return error_response(500, "the lab's trusted key does not read: " + key.message());
  auto bundle = catalog::read_bundle(body, {*key});
  if (!bundle) return error_response(422, "bundle rejected: " + bundle.message());
  if (auto mine = catalog::check_bundle_for(*bundle, appliance_id(world, node), node.name(),
                                            appliance_now(node), kBundleClockToleranceS);
      !mine)
    return error_response(422, "bundle rejected: " + mine.message());
  if (bundle->files.empty() || bundle->files.front().path != "catalog.json")
    return error_response(422, "bundle rejected: it holds no catalog.json");
  auto doc = catalog::parse_signed_document(bundle->files.front().bytes, "bundle catalog.json");
  if (!doc) return error_response(422, "bundle rejected: " + doc.message());
  auto cat = catalog::parse_catalog(doc->signed_part, "bundle catalog.json");
  if (!cat) return error_response(422, "bundle rejected: " + cat.message());
  json staged = json::array();
  for (std::size_t i = 1; i < bundle->files.size(); ++i) {
    const auto& f = bundle->files[i];
    const catalog::CatalogEntry* entry = nullptr;
    for (const auto& e : cat->entries)
      if (e.file == f.path) entry = &e;
    if (!entry) return error_response(422, "bundle rejected: " + f.path + " is not in its catalog");
    auto r = node.stage(f.bytes, catalog::signature_to_wire(entry->signature));
    if (!r) return error_response(r.code(), r.message());
    staged.push_back({{"id", r->manifest.id()}, {"digest", r->digest}});
  }
  return ok({{"appliance", bundle->appliance}, {"staged", staged}}, 201);
}

}  // namespace

HttpResponse error_response(int status, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = json{{"error", message}}.dump();
  return r;
}

HttpResponse error_response(NodeErrc code, const std::string& message) {
  HttpResponse r = error_response(http_status(code), message);
  r.body = json{{"error", message}, {"code", code_name(code)}}.dump();
  return r;
}

double answer_delay_s(const Node& node, const HttpRequest& req) {
  if (req.path() == "/api/v1/backup" && req.method == "POST") return node.backup_duration_s();
  return 0;
}

HttpResponse handle_management(LabWorld& world, Node& node, const HttpRequest& req) {
  const std::string path = req.path();
  const std::string& m = req.method;
  const double now = world.clock().now();

  if (path == "/api/v1/status" && m == "GET") {
    json status = node_status_json(node, now);
    status["time"] = format_utc_timestamp(appliance_now(node));
    status["appliance_id"] = appliance_id(world, node);
    return ok(std::move(status));
  }
  // Seed 004: "click the Appliance Download Key link to generate a unique appliance key".
  if (path == "/api/v1/download-key" && m == "GET") {
    const auto& packages = node.active().packages;
    return ok({{"key", catalog::encode_download_key({appliance_id(world, node), node.name(),
                                                     packages, appliance_now(node)})}});
  }
  if (path == "/api/v1/bundles" && m == "POST")
    return install_bundle(world, node, req.body, req.header("x-bundle-sha256"));
  if (path == "/api/v1/config" && m == "GET") return ok(node_config_json(node));
  if (path == "/api/v1/health" && m == "GET")
    return ok({{"node", node.name()},
               {"version", node.version()},
               {"serving", node.serving()},
               {"phase", to_string(node.phase())}});

  // Package upload: the body is the package file; the signature travels in a header.
  if (path == "/api/v1/packages" && m == "POST") {
    if (node.spec().air_gapped)
      return error_response(409, node.name() +
                                     " is air-gapped (restricted network): it takes no online "
                                     "updates; install an offline bundle made from its download "
                                     "key (POST /api/v1/bundles)");
    const std::string sig = req.header("x-package-signature");
    if (sig.empty())
      return error_response(400,
                            "missing header X-Package-Signature (the .minisig file in base64)");
    auto r = node.stage(req.body, sig);
    if (!r) return error_response(r.code(), r.message());
    return ok({{"staged", r->manifest.id()}, {"digest", r->digest}}, 201);
  }
  const std::string pkg_prefix = "/api/v1/packages/";
  if (path.rfind(pkg_prefix, 0) == 0) {
    std::string rest = path.substr(pkg_prefix.size());
    if (m == "DELETE" && rest.find('/') == std::string::npos) return from(node.unstage(rest));
    if (m == "POST" && rest.size() > 5 && rest.substr(rest.size() - 5) == "/test") {
      auto r = node.compatibility_test(rest.substr(0, rest.size() - 5));
      if (!r) return error_response(r.code(), r.message());
      return ok({{"passed", r->empty()}, {"problems", *r}});
    }
    return error_response(404, "no such endpoint: " + m + " " + path);
  }

  if (auto r = handle_cluster(world, node, req)) return *r;

  Body b = parse_body(req);
  if (!b.problem.empty() && m != "GET") return error_response(400, b.problem);
  std::string problem;

  if (path == "/api/v1/install" && m == "POST") {
    std::string package, activate = "now";
    if (!field(b, "package", package, problem) || !field(b, "activate", activate, problem, false))
      return error_response(400, problem);
    if (activate != "now" && activate != "after-reboot")
      return error_response(400, "activate must be 'now' or 'after-reboot'");
    return from(node.install(package, activate == "now"), {{"accepted", package}}, 202);
  }
  if (path == "/api/v1/reboot" && m == "POST")
    return from(node.reboot(), {{"accepted", "reboot"}}, 202);
  if (path == "/api/v1/boot-slot" && m == "POST") {
    int slot = -1;
    if (!field(b, "slot", slot, problem)) return error_response(400, problem);
    return from(node.select_boot_slot(slot));
  }
  if (path == "/api/v1/power" && m == "POST") {
    std::string state;
    if (!field(b, "state", state, problem)) return error_response(400, problem);
    if (state != "off")
      return error_response(
          400,
          "the management API can only power the node off; use out-of-band power to turn it on");
    return from(node.power(false), {{"accepted", "power-off"}}, 202);
  }
  // The content is taken now; the daemon delivers it after answer_delay_s (see below).
  if (path == "/api/v1/backup" && m == "POST")
    return ok({{"node", node.name()},
               {"version", node.version()},
               {"checksum", node.store().checksum()},
               {"backup", node.store().serialize()}});
  if (path == "/api/v1/restore" && m == "POST") {
    std::string backup;
    if (!field(b, "backup", backup, problem)) return error_response(400, problem);
    auto s = node.restore(backup);
    return from(s, {{"ok", true}, {"checksum", node.store().checksum()}});
  }
  // Seed 004 hardware migration: Security :: Certificates (export, import, Assign IP) and
  // Status > Basics > Reset Appliance to Factory Defaults. Passphrases are never echoed.
  if (path == "/api/v1/certificate/export" && m == "POST") {
    std::string passphrase;
    if (!field(b, "passphrase", passphrase, problem)) return error_response(400, problem);
    auto r = node.export_certificate(passphrase);
    if (!r) return error_response(r.code(), r.message());
    return ok({{"bundle", *r},
               {"issued_to", node.certificate()->issued_to},
               {"fingerprint", node.certificate()->fingerprint()}});
  }
  if (path == "/api/v1/certificate/import" && m == "POST") {
    std::string bundle, passphrase;
    if (!field(b, "bundle", bundle, problem) || !field(b, "passphrase", passphrase, problem))
      return error_response(400, problem);
    auto s = node.import_certificate(bundle, passphrase);
    if (!s) return error_response(s.code(), s.message());
    return ok({{"issued_to", node.certificate()->issued_to},
               {"fingerprint", node.certificate()->fingerprint()},
               {"warning", node.certificate()->warning()}});
  }
  if (path == "/api/v1/certificate/ip" && m == "PUT") {
    std::string ip;
    if (!field(b, "ip", ip, problem)) return error_response(400, problem);
    return from(node.assign_certificate_ip(ip), {{"assigned_ip", ip}});
  }
  if (path == "/api/v1/factory-reset" && m == "POST")
    return from(node.factory_reset(), {{"factory_defaults", true}});
  if (path.rfind("/api/v1/config/users/", 0) == 0 && m == "PUT") {
    std::string role;
    if (!field(b, "role", role, problem)) return error_response(400, problem);
    if (path.size() == 21 || path.find('/', 21) != std::string::npos)
      return error_response(400, "user name missing or malformed in the path");
    node.put_user(path.substr(21), role);
    return ok({{"checksum", node.store().checksum()}});
  }
  if (path.rfind("/api/v1/config/settings/", 0) == 0 && m == "PUT") {
    std::string value;
    if (!field(b, "value", value, problem)) return error_response(400, problem);
    if (path.size() == 24 || path.find('/', 24) != std::string::npos)
      return error_response(400, "setting name missing or malformed in the path");
    node.put_setting(path.substr(24), value);
    return ok({{"checksum", node.store().checksum()}});
  }
  if (path == "/api/v1/config/recordings" && m == "POST") {
    std::string id;
    double size_mb = 0;
    if (!field(b, "id", id, problem) || !field(b, "size_mb", size_mb, problem, false))
      return error_response(400, problem);
    if (size_mb < 0) return error_response(400, "size_mb must not be negative");
    node.add_recording(id, size_mb);
    return ok({{"checksum", node.store().checksum()}});
  }
  if (path == "/api/v1/failover/establish" && m == "POST")
    return role_request(world, node, b, true);
  if (path == "/api/v1/failover/role" && m == "POST") return role_request(world, node, b, false);
  if (path == "/api/v1/failover/break" && m == "POST") return from(world.break_relation(node));
  if (path == "/api/v1/failover/sync" && m == "POST")
    return from(world.sync(node), {{"accepted", "sync"}}, 202);
  // Seed 003: Basic Settings > High Availability > Activate Slave (on the primary); a search
  // minion pushing a document into the master's index (refused in the critical error state).
  if (path == "/api/v1/failover/activate-slave" && m == "POST")
    return from(world.activate_slave(node), {{"ha_status", node.ha_status()}});
  if (path == "/api/v1/failover/shutdown-other" && m == "POST")
    return from(world.shutdown_other(node), {{"accepted", "shutdown-other"}}, 202);
  if (path == "/api/v1/search/documents" && m == "POST")
    return from(world.search_push(node), {{"accepted", "document"}});
  if (path == "/api/v1/shared-ip" && m == "PUT") {
    bool enabled = false;
    if (!field(b, "enabled", enabled, problem)) return error_response(400, problem);
    return from(world.set_shared_ip(node, enabled),
                {{"address", node.shared_ip()}, {"enabled", enabled}});
  }
  if (path == "/api/v1/traffic" && m == "PUT") {
    bool accepting = true;
    if (!field(b, "accepting", accepting, problem)) return error_response(400, problem);
    return from(node.set_accepting(accepting), {{"accepting", accepting}});
  }
  // Seed 001 Atlas clusters: the primary master's Distribute to Cluster, Management > Cluster
  // (accepting per traffic node), Sync Now; Failover > Enable Backup Operations.
  if (path == "/api/v1/atlas/distribute" && m == "POST") {
    std::string package;
    if (!field(b, "package", package, problem)) return error_response(400, problem);
    return from(world.distribute(node, package), {{"accepted", "distribute"}}, 202);
  }
  if (path.rfind("/api/v1/atlas/traffic/", 0) == 0 && m == "PUT") {
    bool accepting = true;
    if (!field(b, "accepting", accepting, problem)) return error_response(400, problem);
    const std::string traffic = path.substr(22);
    if (traffic.empty() || traffic.find('/') != std::string::npos)
      return error_response(400, "traffic node name missing or malformed in the path");
    return from(world.set_traffic_accepting(node, traffic, accepting),
                {{"node", traffic}, {"accepting", accepting}});
  }
  if (path == "/api/v1/atlas/sync" && m == "POST")
    return from(world.cluster_sync_now(node), {{"accepted", "sync"}}, 202);
  if (path == "/api/v1/atlas/backup-operations" && m == "PUT") {
    bool enabled = true;
    if (!field(b, "enabled", enabled, problem)) return error_response(400, problem);
    return from(world.set_backup_operations(node, enabled), {{"enabled", enabled}});
  }
  return error_response(404, "no such endpoint: " + m + " " + path);
}

}  // namespace hitless::lab
