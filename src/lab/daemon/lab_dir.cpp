#include "lab/daemon/lab_dir.hpp"

#include <sodium.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "catalog/catalog_file.hpp"
#include "catalog/package.hpp"
#include "catalog/signed_document.hpp"
#include "common/timestamps.hpp"

namespace hitless::lab {
namespace fs = std::filesystem;

std::string random_token() {
  unsigned char raw[24];
  randombytes_buf(raw, sizeof raw);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned char c : raw) {
    s += hex[c >> 4];
    s += hex[c & 15];
  }
  return s;
}

void write_file_atomic(const std::string& path, const std::string& content, bool secret) {
  fs::create_directories(fs::path(path).parent_path());
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp);
    out << content;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  if (secret)
    fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  fs::rename(tmp, path);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

LabSecrets create_secrets(const std::string& dir, const LabSpec& spec) {
  LabSecrets s;
  s.control_token = random_token();
  s.signing_key = catalog::generate_signing_key();
  write_file_atomic(dir + "/secrets/control.token", s.control_token + "\n", true);
  write_file_atomic(dir + "/secrets/lab-signing.key", s.signing_key.secret_key_b64 + "\n", true);
  for (const auto& n : spec.nodes) {
    NodeEndpoint ep{n.address.host, n.address.port, random_token(),
                    n.oob_power ? random_token() : ""};
    write_file_atomic(dir + "/secrets/" + n.name + ".token", ep.token + "\n", true);
    if (n.oob_power)
      write_file_atomic(dir + "/secrets/" + n.name + ".bmc-token", ep.bmc_token + "\n", true);
    s.endpoints[n.name] = ep;
  }
  // S9: the passphrase the old box's certificate export is encrypted under (seed 004: "It is
  // strongly recommended that you set a passphrase for the private key").
  for (const auto& c : spec.clusters)
    if (c.kind == ClusterKind::kMigration)
      write_file_atomic(dir + "/secrets/" + c.name + ".passphrase", random_token() + "\n", true);
  return s;
}

std::vector<RepoEntry> build_repository(const std::string& dir, const LabSpec& spec,
                                        const catalog::SigningKeyPair& key) {
  // The lab is its own vendor and operations team: one minisign key signs the packages and the
  // catalog, and its public key is the pinned root of trust (root version 1, threshold 1).
  auto secret = catalog::parse_secret_key(key.secret_key_b64);
  if (!secret) throw std::runtime_error("lab signing key: " + secret.message());
  std::vector<RepoEntry> out;
  write_file_atomic(dir + "/repo/lab-signing.pub", secret->public_key().file_text());
  catalog::CatalogFile cat;
  cat.version = 1;
  cat.expires = *parse_utc_timestamp("2999-12-31T23:59:59Z");  // labs are never frozen
  cat.package_keys = {secret->public_key()};
  for (const auto& p : spec.repository) {
    catalog::PackageManifest m;
    m.name = p.name;
    m.version = p.version;
    m.kind = to_string(p.kind);
    for (const auto& r : p.requires_) m.requires_.push_back({r.package, r.min_version});
    m.upgrade_from = p.upgrade_from;
    m.install_s = p.install_s;
    m.size_mb = p.size_mb;
    // The payload stands in for the image; a few KiB keep 10,000-node labs light.
    std::string payload(4096, '\0');
    for (std::size_t i = 0; i < payload.size(); ++i)
      payload[i] = static_cast<char>((i * 131 + p.version.size()) & 0xff);
    const std::string file = catalog::encode_package(m, payload);
    const auto sig = catalog::minisign_sign(
                         file, *secret, catalog::package_trusted_comment({m.name, m.version, {}}))
                         .file_text();
    RepoEntry e{m.id(),
                "repo/" + m.id() + ".pkg",
                "repo/" + m.id() + ".pkg.minisig",
                catalog::sha256_hex(file),
                m.kind,
                m.version};
    write_file_atomic(dir + "/" + e.file, file);
    write_file_atomic(dir + "/" + e.signature_file, sig);
    catalog::CatalogEntry ce;
    ce.file = m.id() + ".pkg";
    ce.manifest = m;
    // The catalog holds whole numbers (canonical JSON); the package header keeps the exact ones.
    ce.manifest.install_s = std::round(m.install_s);
    ce.manifest.size_mb = std::round(m.size_mb);
    ce.soak_s = static_cast<std::int64_t>(std::round(p.soak_s));
    ce.length = file.size();
    ce.sha256 = e.digest;
    ce.signature = sig;
    cat.entries.push_back(std::move(ce));
    out.push_back(e);
  }
  catalog::SignedDocument doc{catalog::catalog_to_json(cat), {}};
  if (auto s = catalog::add_signature(doc, *secret); !s)
    throw std::runtime_error("signing the lab catalog: " + s.message());
  write_file_atomic(dir + "/repo/catalog.json", catalog::write_signed_document(doc));
  return out;
}

std::string service_address(const LabSpec& /*spec*/, const ClusterSpec& c, const LabRuntime& rt,
                            const LabTraffic* traffic,
                            const std::map<std::string, LoadBalancerInfo>* load_balancers,
                            const std::map<std::string, std::string>* chassis_services) {
  if (chassis_services)
    if (auto it = chassis_services->find(c.name); it != chassis_services->end()) return it->second;
  if (auto vip = rt.shared_ip(c.name); !vip.empty()) return vip;
  if (const DnsService* d = traffic ? traffic->dns(c.name) : nullptr)
    return d->record + ":" + std::to_string(d->port);
  if (const NatService* n = traffic ? traffic->nat(c.name) : nullptr) return n->public_address;
  if (load_balancers)
    if (auto lb = load_balancers->find(c.name); lb != load_balancers->end())
      return lb->second.service;
  if (c.load_balancer && c.load_balancer->port != 0) return c.load_balancer->str();
  if (!c.nodes.empty()) {
    const auto& ep = rt.endpoint(c.nodes.front());
    return ep.host + ":" + std::to_string(ep.port);
  }
  return {};
}

std::map<std::string, std::string> LabDescription::chassis_services() const {
  std::map<std::string, std::string> out;
  for (const auto& [cluster, info] : chassis) out[cluster] = info.service;
  return out;
}

void write_lab_json(const std::string& dir, const LabDescription& d) {
  const auto chassis_services = d.chassis_services();
  using nlohmann::json;
  json nodes = json::object();
  for (const auto& n : d.spec->nodes) {
    const auto& ep = d.runtime->endpoint(n.name);
    json node{{"address", ep.host + ":" + std::to_string(ep.port)},
              {"token_file", "secrets/" + n.name + ".token"},
              {"cluster", n.cluster},
              {"role", n.role},
              {"region", n.region}};
    if (n.oob_power)
      node["bmc"] = {{"address", d.control_address},
                     {"path", "/bmc/" + n.name + "/power"},
                     {"token_file", "secrets/" + n.name + ".bmc-token"}};
    if (const IpmiBmc* ipmi = d.ipmi ? d.ipmi->find(n.name) : nullptr)
      node["ipmi"] = {{"address", "127.0.0.1:" + std::to_string(ipmi->port)},
                      {"user", ipmi->user},
                      {"password_file", ipmi->password_file}};
    nodes[n.name] = node;
  }
  json clusters = json::object();
  for (const auto& c : d.spec->clusters) {
    json cj{{"kind", to_string(c.kind)},
            {"traffic", to_string(c.traffic)},
            {"service", service_address(*d.spec, c, *d.runtime, d.traffic, &d.load_balancers,
                                        &chassis_services)},
            {"nodes", c.nodes}};
    if (const DnsService* dns = d.traffic ? d.traffic->dns(c.name) : nullptr)
      cj["dns"] = {{"server", dns->server},       {"zone", dns->zone},
                   {"record", dns->record},       {"ttl_s", dns->ttl_s},
                   {"key_file", dns->key_file},   {"port", dns->port},
                   {"pid", d.traffic->knot_pid()}};
    if (const NatService* nat = d.traffic ? d.traffic->nat(c.name) : nullptr)
      cj["nat"] = {{"netns", nat->netns},
                   {"table", nat->table},
                   {"chain", nat->chain},
                   {"public", nat->public_address}};
    if (const SharedIpNetns* net = d.traffic ? d.traffic->shared_ip_netns(c.name) : nullptr) {
      json by_node = json::object();
      for (const auto& n : c.nodes) by_node[n] = net->netns_of(n);
      cj["shared_ip_netns"] = {{"namespaces", net->namespaces()},
                               {"nodes", by_node},
                               {"client_interface", net->client_interface()}};
    }
    if (auto lb = d.load_balancers.find(c.name); lb != d.load_balancers.end())
      cj["haproxy"] = {{"runtime_socket", lb->second.runtime_socket},
                       {"backend", lb->second.backend},
                       {"pid", lb->second.pid}};
    // Atlas: each region's service address (the lab's dispatcher), by region.
    if (auto regions = d.runtime->region_addresses(c.name); !regions.empty())
      cj["regions"] = regions;
    if (auto ch = d.chassis.find(c.name); ch != d.chassis.end())
      cj["chassis"] = {{"ssh_ports", ch->second.ssh_ports},
                       {"engines", ch->second.engines},
                       {"client_key", ch->second.client_key},
                       {"known_hosts", ch->second.known_hosts}};
    clusters[c.name] = cj;
  }
  json repo = json::array();
  for (const auto& e : d.repo)
    repo.push_back({{"id", e.id},
                    {"kind", e.kind},
                    {"version", e.version},
                    {"file", e.file},
                    {"signature_file", e.signature_file},
                    {"digest", e.digest}});
  json j{{"lab", d.spec->name},
         {"spec_file", d.spec->file},
         {"pid", d.pid},
         {"time_scale", d.time_scale},
         {"control", {{"address", d.control_address}, {"token_file", "secrets/control.token"}}},
         {"nodes", nodes},
         {"clusters", clusters},
         {"repository",
          {{"public_key", d.public_key},
           {"public_key_file", "repo/lab-signing.pub"},
           {"packages", repo}}}};
  write_file_atomic(dir + "/lab.json", j.dump(2) + "\n");
}

// The format is the one src/model/inventory.hpp reads (docs/inventory-format.md).
void write_inventory(const std::string& dir, const LabDescription& d) {
  const auto key = [](YAML::Emitter& y, const char* k) -> YAML::Emitter& {
    return y << YAML::Key << k << YAML::Value;
  };
  // Shortest fixed-point text that reads back to the same double ("1500", "0.001", "2.5").
  const auto plain_number = [](double v) {
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
  };
  const auto seconds = [&](double s) { return plain_number(s) + "s"; };
  const auto chassis_services = d.chassis_services();
  YAML::Emitter y;
  y << YAML::Comment(
      "Written by `hitless lab up`: the lab's appliances as `hitless plan/apply` see them.");
  y << YAML::BeginMap;
  key(y, "inventory") << d.spec->name;
  key(y, "base_dir") << fs::absolute(dir).lexically_normal().string();
  key(y, "time_scale") << plain_number(d.time_scale);
  key(y, "repository") << YAML::Flow << YAML::BeginMap;
  key(y, "dir") << "repo";
  key(y, "public_key_file") << "repo/lab-signing.pub";
  y << YAML::EndMap;
  key(y, "clusters") << YAML::BeginSeq;
  for (const auto& c : d.spec->clusters) {
    y << YAML::BeginMap;
    key(y, "name") << c.name;
    key(y, "kind") << to_string(c.kind);
    key(y, "traffic") << YAML::Flow << YAML::BeginMap;
    key(y, "kind") << to_string(c.traffic);
    key(y, "service") << service_address(*d.spec, c, *d.runtime, d.traffic, &d.load_balancers,
                                         &chassis_services);
    if (const DnsService* dns = d.traffic ? d.traffic->dns(c.name) : nullptr) {
      key(y, "dns") << YAML::Flow << YAML::BeginMap;
      key(y, "server") << dns->server;
      key(y, "zone") << dns->zone;
      key(y, "record") << dns->record;
      key(y, "ttl") << seconds(dns->ttl_s);
      key(y, "key_file") << dns->key_file;
      y << YAML::EndMap;
    }
    if (const NatService* nat = d.traffic ? d.traffic->nat(c.name) : nullptr) {
      key(y, "nat") << YAML::Flow << YAML::BeginMap;
      key(y, "netns") << nat->netns;
      key(y, "table") << nat->table;
      key(y, "chain") << nat->chain;
      y << YAML::EndMap;
    }
    if (auto lb = d.load_balancers.find(c.name); lb != d.load_balancers.end()) {
      key(y, "runtime_socket") << lb->second.runtime_socket;
      key(y, "backend") << lb->second.backend;
    }
    y << YAML::EndMap;
    if (c.kind == ClusterKind::kMigration)
      key(y, "passphrase_file") << "secrets/" + c.name + ".passphrase";
    key(y, "nodes") << YAML::BeginSeq;
    const auto chassis = d.chassis.find(c.name);
    for (const auto& name : c.nodes) {
      const NodeSpec& n = *d.spec->find_node(name);
      const auto& ep = d.runtime->endpoint(name);
      y << YAML::BeginMap;
      key(y, "name") << name;
      key(y, "role") << n.role;
      if (!n.region.empty()) key(y, "region") << n.region;
      if (!n.chassis.empty()) key(y, "chassis") << n.chassis;
      if (chassis != d.chassis.end()) {
        // A routing engine: its JunOS CLI over SSH, driven through the shipped junos profile.
        // `slot` is the engine's number as JunOS counts it; the key authenticates as root.
        key(y, "slot") << std::to_string(chassis->second.engines.at(name));
        key(y, "driver") << "command";
        key(y, "vendor_profile") << d.profiles_dir + "/junos.yaml";
        key(y, "address") << "127.0.0.1:" + std::to_string(chassis->second.ssh_ports.at(name));
        key(y, "token_file") << chassis->second.client_key;
      } else {
        if (!n.slot.empty()) key(y, "slot") << n.slot;
        key(y, "driver") << "lab";
        key(y, "address") << ep.host + ":" + std::to_string(ep.port);
        key(y, "token_file") << "secrets/" + name + ".token";
      }
      if (n.air_gapped) key(y, "air_gapped") << true;
      if (const IpmiBmc* ipmi = d.ipmi ? d.ipmi->find(name) : nullptr) {
        // Real IPMI through the node's simulator; the REST BMC stays in lab.json.
        key(y, "power") << YAML::Flow << YAML::BeginMap;
        key(y, "driver") << "ipmi";
        key(y, "address") << "127.0.0.1:" + std::to_string(ipmi->port);
        key(y, "user") << ipmi->user;
        key(y, "password_file") << ipmi->password_file;
        y << YAML::EndMap;
      } else if (n.oob_power) {
        key(y, "power") << YAML::Flow << YAML::BeginMap;
        key(y, "driver") << "lab-bmc";
        key(y, "address") << d.control_address;
        key(y, "path") << "/bmc/" + name + "/power";
        key(y, "token_file") << "secrets/" + name + ".bmc-token";
        y << YAML::EndMap;
      }
      key(y, "profile") << YAML::Flow << YAML::BeginMap;
      key(y, "install") << seconds(n.install_s);
      key(y, "reboot") << seconds(n.reboot_s);
      key(y, "boot_timeout") << seconds(n.boot_timeout_s);
      key(y, "sync_rate_mb_s") << plain_number(n.sync_mb_per_s);
      key(y, "data_mb") << plain_number(n.data.size_mb);
      key(y, "session_lifetime") << seconds(n.session_lifetime_s);
      y << YAML::EndMap;
      y << YAML::EndMap;
    }
    y << YAML::EndSeq << YAML::EndMap;
  }
  y << YAML::EndSeq << YAML::EndMap;
  write_file_atomic(dir + "/inventory.yaml", std::string(y.c_str()) + "\n");
}

}  // namespace hitless::lab
