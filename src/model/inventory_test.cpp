#include "model/inventory.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace hitless {
namespace {

namespace fs = std::filesystem;

// A valid pair; the error tests change one thing in it. Line numbers are those of this text.
constexpr const char* kPair = R"(inventory: t
repository: {dir: repo, public_key_file: repo/k.pub}
clusters:
  - name: pair
    kind: failover-pair
    traffic: {kind: shared-ip, service: 127.0.0.100:4000}
    nodes:
      - name: a
        role: primary
        address: 127.0.0.1:5001
        token_file: secrets/a.token
      - name: b
        role: backup
        address: 127.0.0.1:5002
        token_file: secrets/b.token
)";

std::string with(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

Result<Inventory, InventoryErrc> parse(const std::string& yaml) {
  return parse_inventory_text(yaml, "inv.yaml", "/srv/inv");
}

void expect_error(const std::string& yaml, InventoryErrc code, const std::string& prefix) {
  const auto inv = parse(yaml);
  ASSERT_FALSE(inv.ok()) << "parsed: " << yaml;
  EXPECT_EQ(inv.code(), code) << inv.message();
  EXPECT_EQ(inv.message().substr(0, prefix.size()), prefix) << inv.message();
}

TEST(Inventory, ParsesEveryField) {
  const auto inv = parse(R"(inventory: pair-demo
base_dir: /tmp/lab
time_scale: 0.001
repository: {dir: repo, public_key_file: repo/lab-signing.pub}
clusters:
  - name: pair
    kind: failover-pair
    traffic: {kind: shared-ip, service: 127.0.0.100:4000}
    nodes:
      - name: a
        role: primary
        region: eu
        chassis: r1
        slot: re0
        driver: lab
        address: 127.0.0.1:41234
        token_file: secrets/a.token
        power: {driver: lab-bmc, address: 127.0.0.1:4444, path: /bmc/a/power, token_file: secrets/a.bmc-token}
        profile: {install: 25m, reboot: 3m, boot_timeout: 15m, sync_rate_mb_s: 40, data_mb: 4500, session_lifetime: 4m}
      - name: b
        role: backup
        driver: command
        vendor_profile: profiles/vendor.yaml
        address: appliance-b.example.test:443
        token_file: /etc/hitless/b.token
)");
  ASSERT_TRUE(inv.ok()) << inv.message();
  EXPECT_EQ(inv->name, "pair-demo");
  EXPECT_EQ(inv->file, "inv.yaml");
  EXPECT_EQ(inv->base_dir, "/tmp/lab");
  EXPECT_DOUBLE_EQ(inv->time_scale, 0.001);
  EXPECT_EQ(inv->repository_dir, "/tmp/lab/repo");
  EXPECT_EQ(inv->public_key_file, "/tmp/lab/repo/lab-signing.pub");
  ASSERT_EQ(inv->clusters.size(), 1u);
  const InventoryCluster& c = inv->clusters[0];
  EXPECT_EQ(c.name, "pair");
  EXPECT_EQ(c.kind, "failover-pair");
  EXPECT_EQ(c.traffic_kind, "shared-ip");
  EXPECT_EQ(c.service, "127.0.0.100:4000");
  EXPECT_EQ(c.line, 6);
  ASSERT_EQ(c.nodes.size(), 2u);
  const InventoryNode& a = c.nodes[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.role, "primary");
  EXPECT_EQ(a.region, "eu");
  EXPECT_EQ(a.chassis, "r1");
  EXPECT_EQ(a.slot, "re0");
  EXPECT_EQ(a.driver, "lab");
  EXPECT_EQ(a.address, "127.0.0.1:41234");
  EXPECT_EQ(a.token_file, "/tmp/lab/secrets/a.token");
  EXPECT_EQ(a.line, 10);
  ASSERT_TRUE(a.power.has_value());
  EXPECT_EQ(a.power->driver, "lab-bmc");
  EXPECT_EQ(a.power->address, "127.0.0.1:4444");
  EXPECT_EQ(a.power->path, "/bmc/a/power");
  EXPECT_EQ(a.power->token_file, "/tmp/lab/secrets/a.bmc-token");
  EXPECT_DOUBLE_EQ(a.profile.install_s, 1500);
  EXPECT_DOUBLE_EQ(a.profile.reboot_s, 180);
  EXPECT_DOUBLE_EQ(a.profile.boot_timeout_s, 900);
  EXPECT_DOUBLE_EQ(a.profile.sync_mb_per_s, 40);
  EXPECT_DOUBLE_EQ(a.profile.data_mb, 4500);
  EXPECT_DOUBLE_EQ(a.profile.session_lifetime_s, 240);
  const InventoryNode& b = c.nodes[1];
  EXPECT_EQ(b.driver, "command");
  EXPECT_EQ(b.address, "appliance-b.example.test:443");
  EXPECT_EQ(b.token_file, "/etc/hitless/b.token");
  EXPECT_EQ(b.vendor_profile, "/tmp/lab/profiles/vendor.yaml");
  EXPECT_EQ(a.vendor_profile, "");
  EXPECT_EQ(inv->find_node("b"), &b);
  EXPECT_EQ(inv->find_cluster("pair"), &c);
  EXPECT_EQ(c.find("a"), &a);
  EXPECT_EQ(inv->find_node("c"), nullptr);
  EXPECT_EQ(inv->find_cluster("other"), nullptr);
}

TEST(Inventory, FillsDefaults) {
  const auto inv = parse(kPair);
  ASSERT_TRUE(inv.ok()) << inv.message();
  EXPECT_EQ(inv->base_dir, "/srv/inv");
  EXPECT_DOUBLE_EQ(inv->time_scale, 1);
  const InventoryNode& a = inv->clusters[0].nodes[0];
  EXPECT_EQ(a.driver, "lab");
  EXPECT_TRUE(a.region.empty());
  EXPECT_FALSE(a.power.has_value());
  const NodeProfile defaults;
  EXPECT_DOUBLE_EQ(a.profile.install_s, defaults.install_s);
  EXPECT_DOUBLE_EQ(a.profile.session_lifetime_s, defaults.session_lifetime_s);
  // Only the keys given change; the rest keep their defaults.
  const auto partial = parse(with(kPair, "        token_file: secrets/a.token\n",
                                  "        token_file: secrets/a.token\n"
                                  "        profile: {reboot: 90s}\n"));
  ASSERT_TRUE(partial.ok()) << partial.message();
  EXPECT_DOUBLE_EQ(partial->clusters[0].nodes[0].profile.reboot_s, 90);
  EXPECT_DOUBLE_EQ(partial->clusters[0].nodes[0].profile.install_s, defaults.install_s);
}

TEST(Inventory, TrafficNoneNeedsNoService) {
  const auto inv = parse(R"(inventory: one
repository: {dir: repo, public_key_file: k.pub}
clusters:
  - name: solo
    kind: single
    traffic: {kind: none}
    nodes:
      - {name: s, role: standalone, address: "10.0.0.1:443", token_file: s.token}
)");
  ASSERT_TRUE(inv.ok()) << inv.message();
  EXPECT_EQ(inv->clusters[0].service, "");
}

TEST(Inventory, ResolvesRelativePathsAgainstBaseDir) {
  // base_dir relative: against the default (the file's directory).
  auto inv = parse(with(kPair, "repository:", "base_dir: lab/./x/..\nrepository:"));
  ASSERT_TRUE(inv.ok()) << inv.message();
  EXPECT_EQ(inv->base_dir, "/srv/inv/lab");
  EXPECT_EQ(inv->repository_dir, "/srv/inv/lab/repo");
  EXPECT_EQ(inv->clusters[0].nodes[1].token_file, "/srv/inv/lab/secrets/b.token");
  // Absolute paths stay as they are; ".." is folded.
  inv = parse(with(with(kPair, "dir: repo", "dir: /var/repo"), "secrets/a.token", "../a.token"));
  ASSERT_TRUE(inv.ok()) << inv.message();
  EXPECT_EQ(inv->repository_dir, "/var/repo");
  EXPECT_EQ(inv->clusters[0].nodes[0].token_file, "/srv/a.token");
  // A relative default base directory is made absolute.
  inv = parse_inventory_text(kPair, "inv.yaml", "conf/");
  ASSERT_TRUE(inv.ok()) << inv.message();
  EXPECT_EQ(inv->base_dir, (fs::current_path() / "conf").string());
  EXPECT_TRUE(fs::path(inv->public_key_file).is_absolute());
}

TEST(InventoryErrors, RejectUnknownFieldsListingAllowedOnes) {
  expect_error(with(kPair, "inventory: t", "inventory: t\nlab: x"), InventoryErrc::kUnknownField,
               "inv.yaml:2: lab: unknown field 'lab' (allowed: inventory, base_dir, time_scale,");
  expect_error(with(kPair, "        role: backup", "        role: backup\n        ip: 1.2.3.4"),
               InventoryErrc::kUnknownField,
               "inv.yaml:14: clusters[0].nodes[1].ip: unknown field 'ip' (allowed: name, role,");
  expect_error(with(kPair, "service: 127", "vip: 127"), InventoryErrc::kUnknownField,
               "inv.yaml:6: clusters[0].traffic.vip: unknown field");
}

TEST(InventoryErrors, RejectWrongTypes) {
  expect_error(with(kPair, "repository:", "time_scale: 0\nrepository:"), InventoryErrc::kWrongType,
               "inv.yaml:2: time_scale: '0' is out of range");
  expect_error(with(kPair, "repository:", "time_scale: fast\nrepository:"),
               InventoryErrc::kWrongType, "inv.yaml:2: time_scale: 'fast' is not a number");
  expect_error(with(kPair, "127.0.0.1:5002", "127.0.0.1:0"), InventoryErrc::kWrongType,
               "inv.yaml:14: clusters[0].nodes[1].address: '127.0.0.1:0' is not an address");
  expect_error(with(kPair, "127.0.0.1:5002", "127.0.0.1:65536"), InventoryErrc::kWrongType,
               "inv.yaml:14: clusters[0].nodes[1].address:");
  expect_error(with(kPair, "127.0.0.1:5001", "127.0.0.1"), InventoryErrc::kWrongType,
               "inv.yaml:10: clusters[0].nodes[0].address:");
  expect_error(with(kPair, "role: backup", "role: boss"), InventoryErrc::kWrongType,
               "inv.yaml:13: clusters[0].nodes[1].role: unknown role 'boss' (allowed: primary,");
  expect_error(with(kPair, "kind: failover-pair", "kind: trio"), InventoryErrc::kWrongType,
               "inv.yaml:5: clusters[0].kind: unknown kind 'trio'");
  expect_error(with(kPair, "kind: shared-ip", "kind: anycast"), InventoryErrc::kWrongType,
               "inv.yaml:6: clusters[0].traffic.kind: unknown kind 'anycast'");
  expect_error(
      with(kPair, "        role: primary", "        role: primary\n        driver: ssh"),
      InventoryErrc::kWrongType,
      "inv.yaml:10: clusters[0].nodes[0].driver: unknown driver 'ssh' (allowed: lab, command)");
  expect_error(with(kPair, "        role: primary",
                    "        role: primary\n        profile: {install: soon}"),
               InventoryErrc::kWrongType,
               "inv.yaml:10: clusters[0].nodes[0].profile.install: 'soon' is not a duration");
  expect_error(with(kPair, "        role: primary", "        role: primary\n        profile: [1]"),
               InventoryErrc::kWrongType,
               "inv.yaml:10: clusters[0].nodes[0].profile: expected a map");
  expect_error("inventory: t\nrepository: {dir: r, public_key_file: k}\nclusters: {a: 1}\n",
               InventoryErrc::kWrongType, "inv.yaml:3: clusters: expected a list of clusters");
}

TEST(InventoryErrors, RejectMissingFields) {
  expect_error(with(kPair, "inventory: t\n", ""), InventoryErrc::kMissingField,
               "inv.yaml:1: inventory: required field missing");
  expect_error(with(kPair, "repository: {dir: repo, public_key_file: repo/k.pub}",
                    "repository: {dir: repo}"),
               InventoryErrc::kMissingField,
               "inv.yaml:2: repository.public_key_file: required field missing");
  expect_error(with(kPair, "        address: 127.0.0.1:5002\n", ""), InventoryErrc::kMissingField,
               "inv.yaml:12: clusters[0].nodes[1].address: required field missing");
  expect_error(with(kPair, "        token_file: secrets/a.token\n", ""),
               InventoryErrc::kMissingField,
               "inv.yaml:8: clusters[0].nodes[0].token_file: required field missing");
  expect_error(with(kPair, ", service: 127.0.0.100:4000", ""), InventoryErrc::kMissingField,
               "inv.yaml:6: clusters[0].traffic.service: required field missing");
  expect_error(with(kPair, "        role: primary",
                    "        role: primary\n        power: {driver: lab-bmc, address: \"h:1\", "
                    "token_file: t}"),
               InventoryErrc::kMissingField,
               "inv.yaml:10: clusters[0].nodes[0].power.path: required");
  expect_error("inventory: t\nrepository: {dir: r, public_key_file: k}\nclusters: []\n",
               InventoryErrc::kMissingField,
               "inv.yaml:3: clusters: an inventory needs at least one cluster");
  expect_error("", InventoryErrc::kMissingField, "inv.yaml:1: empty file");
}

TEST(InventoryErrors, RejectDuplicatesAndConflicts) {
  expect_error(
      with(kPair, "name: b", "name: a"), InventoryErrc::kDuplicate,
      "inv.yaml:12: clusters[0].nodes[1].name: duplicate node name 'a' (first declared at line 8)");
  const std::string two =
      std::string(kPair) +
      "  - name: pair\n"
      "    kind: single\n"
      "    traffic: {kind: none}\n"
      "    nodes: [{name: c, role: standalone, address: \"127.0.0.1:5003\", token_file: c}]\n";
  expect_error(
      two, InventoryErrc::kDuplicate,
      "inv.yaml:16: clusters[1].name: duplicate cluster name 'pair' (first declared at line 4)");
  expect_error(
      with(with(two, "  - name: pair\n    kind: single", "  - name: other\n    kind: single"),
           "name: c,", "name: b,"),
      InventoryErrc::kDuplicate,
      "inv.yaml:19: clusters[1].nodes[0].name: duplicate node name 'b' (first declared at line "
      "12)");
  expect_error(with(kPair, "127.0.0.1:5002", "127.0.0.1:5001"), InventoryErrc::kConflict,
               "inv.yaml:14: clusters[0].nodes[1].address: address 127.0.0.1:5001 is also node "
               "'a''s (line 10)");
  expect_error(
      with(kPair, "role: backup", "role: primary"), InventoryErrc::kConflict,
      "inv.yaml:7: clusters[0].nodes: a failover-pair needs exactly one primary and one backup "
      "(found 2 primary, 0 backup)");
  // S10: a chassis with one routing engine cannot be upgraded in service.
  const std::string chassis = with(with(with(kPair, "kind: failover-pair", "kind: chassis"),
                                        "role: primary\n", "role: master\n        chassis: mx-1\n"),
                                   "role: backup\n", "role: backup\n        chassis: mx-2\n");
  expect_error(chassis, InventoryErrc::kConflict,
               "inv.yaml:7: clusters[0].nodes: chassis 'mx-1' has 1 routing engine (a); an "
               "in-service upgrade needs exactly two (re0 and re1)");
  EXPECT_TRUE(parse(with(chassis, "chassis: mx-2", "chassis: mx-1")).ok());
  expect_error(with(kPair, "inventory: t", "inventory: t\ninventory: u"), InventoryErrc::kDuplicate,
               "inv.yaml:2: inventory: field given twice (first at line 1)");
}

TEST(InventoryErrors, RejectBadSyntax) {
  expect_error(with(kPair, "clusters:", "clusters: [oops"), InventoryErrc::kSyntax, "inv.yaml:");
  expect_error(std::string(kPair) + "---\ninventory: u\n", InventoryErrc::kSyntax,
               "inv.yaml:17: more than one YAML document");
}

TEST(Inventory, LoadsFileRelativeToItsDirectory) {
  const fs::path dir = fs::temp_directory_path() / ("hitless-inv-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "inventory.yaml") << kPair;
  const auto inv = load_inventory((dir / "inventory.yaml").string());
  ASSERT_TRUE(inv.ok()) << inv.message();
  EXPECT_EQ(inv->base_dir, dir.string());
  EXPECT_EQ(inv->clusters[0].nodes[0].token_file, (dir / "secrets/a.token").string());
  fs::remove_all(dir);

  const auto missing = load_inventory((dir / "nope.yaml").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.code(), InventoryErrc::kUnreadable);
  EXPECT_EQ(missing.message().rfind((dir / "nope.yaml").string() + ": cannot read", 0), 0u)
      << missing.message();
}

// testdata/lab_pair_inventory.yaml is DIR/inventory.yaml as written by
// `hitless lab up examples/pair.yaml --time-scale 0.001`: what the lab writes, this reads.
TEST(Inventory, ReadsWhatTheLabWrites) {
  const auto inv = load_inventory(HITLESS_MODEL_TESTDATA "/lab_pair_inventory.yaml");
  ASSERT_TRUE(inv.ok()) << inv.message();
  EXPECT_EQ(inv->name, "pair-demo");
  EXPECT_DOUBLE_EQ(inv->time_scale, 0.001);
  EXPECT_EQ(inv->repository_dir, inv->base_dir + "/repo");
  EXPECT_EQ(inv->public_key_file, inv->base_dir + "/repo/lab-signing.pub");
  const InventoryCluster* pair = inv->find_cluster("pair");
  ASSERT_NE(pair, nullptr);
  EXPECT_EQ(pair->kind, "failover-pair");
  EXPECT_EQ(pair->traffic_kind, "shared-ip");
  EXPECT_EQ(pair->service.rfind("127.0.0.100:", 0), 0u);
  const InventoryNode* a = inv->find_node("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->role, "primary");
  EXPECT_EQ(a->driver, "lab");
  EXPECT_EQ(a->token_file, inv->base_dir + "/secrets/a.token");
  // examples/pair.yaml: install 25m, reboot 3m, boot_timeout 15m, 40 MB/s, 4500 MB, sessions 4m.
  EXPECT_DOUBLE_EQ(a->profile.install_s, 1500);
  EXPECT_DOUBLE_EQ(a->profile.reboot_s, 180);
  EXPECT_DOUBLE_EQ(a->profile.boot_timeout_s, 900);
  EXPECT_DOUBLE_EQ(a->profile.sync_mb_per_s, 40);
  EXPECT_DOUBLE_EQ(a->profile.data_mb, 4500);
  EXPECT_DOUBLE_EQ(a->profile.session_lifetime_s, 240);
  EXPECT_EQ(inv->find_node("b")->role, "backup");
}

// The same for examples/scenarios/s12-ha-oob-power.yaml: nodes with out-of-band power.
TEST(Inventory, ReadsPowerAccessTheLabWrites) {
  const auto inv = load_inventory(HITLESS_MODEL_TESTDATA "/lab_oob_power_inventory.yaml");
  ASSERT_TRUE(inv.ok()) << inv.message();
  EXPECT_EQ(inv->clusters[0].kind, "ha-pair");
  const InventoryNode* b = inv->find_node("sps-b");
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(b->power.has_value());
  EXPECT_EQ(b->power->driver, "lab-bmc");
  EXPECT_EQ(b->power->path, "/bmc/sps-b/power");
  EXPECT_EQ(b->power->token_file, inv->base_dir + "/secrets/sps-b.bmc-token");
  EXPECT_DOUBLE_EQ(b->profile.install_s, 720);
}

TEST(Inventory, ReadsDnsAndNatTraffic) {
  auto dns = parse(with(kPair, "{kind: shared-ip, service: 127.0.0.100:4000}",
                        "{kind: dns, service: app.example.test:4000, dns: {server: "
                        "127.0.0.1:5353, zone: example.test, record: app.example.test, ttl: 30s, "
                        "key_file: secrets/dns.tsig}}"));
  ASSERT_TRUE(dns) << dns.message();
  const auto& c = dns->clusters[0];
  ASSERT_TRUE(c.dns);
  EXPECT_EQ(c.dns->server, "127.0.0.1:5353");
  EXPECT_EQ(c.dns->zone, "example.test");
  EXPECT_EQ(c.dns->record, "app.example.test");
  EXPECT_EQ(c.dns->ttl_s, 30);
  EXPECT_EQ(c.dns->key_file, "/srv/inv/secrets/dns.tsig");  // resolved like every path
  EXPECT_EQ(c.dns->line, 6);

  auto nat = parse(with(kPair, "{kind: shared-ip, service: 127.0.0.100:4000}",
                        "{kind: nat, service: 198.18.0.2:8080, nat: {netns: gw, table: t, "
                        "chain: svc0}}"));
  ASSERT_TRUE(nat) << nat.message();
  ASSERT_TRUE(nat->clusters[0].nat);
  EXPECT_EQ(nat->clusters[0].nat->netns, "gw");
  EXPECT_EQ(nat->clusters[0].nat->chain, "svc0");
}

TEST(InventoryErrors, DnsAndNatTrafficNeedTheirSettingsAndOnlyThere) {
  auto no_dns = parse(with(kPair, "{kind: shared-ip, service: 127.0.0.100:4000}",
                           "{kind: dns, service: app.example.test:4000}"));
  ASSERT_FALSE(no_dns);
  EXPECT_EQ(no_dns.code(), InventoryErrc::kMissingField);
  EXPECT_NE(no_dns.message().find("inv.yaml:6: clusters[0].traffic.dns"), std::string::npos)
      << no_dns.message();
  auto stray = parse(with(kPair, "{kind: shared-ip, service: 127.0.0.100:4000}",
                          "{kind: shared-ip, service: 127.0.0.100:4000, nat: {table: t, "
                          "chain: c}}"));
  ASSERT_FALSE(stray);
  EXPECT_EQ(stray.code(), InventoryErrc::kConflict);
  EXPECT_NE(stray.message().find("nat: is only for traffic kind nat"), std::string::npos)
      << stray.message();
  auto no_zone =
      parse(with(kPair, "{kind: shared-ip, service: 127.0.0.100:4000}",
                 "{kind: dns, service: a.b:1, dns: {server: 127.0.0.1:53, record: a.b}}"));
  ASSERT_FALSE(no_zone);
  EXPECT_NE(no_zone.message().find("zone"), std::string::npos) << no_zone.message();
  auto no_ttl = parse(with(kPair, "{kind: shared-ip, service: 127.0.0.100:4000}",
                           "{kind: dns, service: a.b:1, dns: {server: 127.0.0.1:53, zone: b, "
                           "record: a.b}}"));
  ASSERT_FALSE(no_ttl);
  EXPECT_NE(no_ttl.message().find("inv.yaml:6: clusters[0].traffic.dns.ttl"), std::string::npos)
      << no_ttl.message();
}

TEST(InventoryErrors, CommandNodesNeedAVendorProfileAndOnlyThey) {
  auto e = parse(with(kPair, "        token_file: secrets/b.token\n", "        driver: command\n"));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.message().find("inv.yaml:12: clusters[0].nodes[1].vendor_profile: required field"),
            std::string::npos)
      << e.message();
  e = parse(with(kPair, "        token_file: secrets/b.token\n",
                 "        token_file: secrets/b.token\n        vendor_profile: p.yaml\n"));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.message().find("vendor_profile is for driver: command"), std::string::npos)
      << e.message();
  // A command node's token file is optional: its profile says which secrets it needs.
  EXPECT_TRUE(parse(with(kPair, "        token_file: secrets/b.token\n",
                         "        driver: command\n        vendor_profile: p.yaml\n"))
                  .ok());
}

TEST(Inventory, LoadBalancerNamesHaproxysRuntimeSocketAndBackend) {
  const std::string lb = "traffic: {kind: load-balancer, service: 127.0.0.1:4000";
  const auto inv = parse(with(kPair, "traffic: {kind: shared-ip, service: 127.0.0.100:4000}",
                              lb + ", runtime_socket: haproxy/admin.sock, backend: aa}"));
  ASSERT_TRUE(inv.ok()) << inv.message();
  EXPECT_EQ(inv->clusters[0].lb_runtime_socket, "/srv/inv/haproxy/admin.sock");
  EXPECT_EQ(inv->clusters[0].lb_backend, "aa");
  expect_error(with(kPair, "traffic: {kind: shared-ip, service: 127.0.0.100:4000}", lb + "}"),
               InventoryErrc::kMissingField, "inv.yaml:6: clusters[0].traffic.runtime_socket:");
  expect_error(with(kPair, "traffic: {kind: shared-ip, service: 127.0.0.100:4000}",
                    lb + ", runtime_socket: s}"),
               InventoryErrc::kMissingField, "inv.yaml:6: clusters[0].traffic.backend:");
}

TEST(Inventory, ReadsIpmiPowerAccess) {
  const auto inv = parse(with(kPair, "        role: primary",
                              "        role: primary\n        power: {driver: ipmi, address: "
                              "\"127.0.0.1:16231\", user: admin, password_file: secrets/a.ipmi}"));
  ASSERT_TRUE(inv.ok()) << inv.message();
  const InventoryNode* a = inv->find_node("a");
  ASSERT_TRUE(a && a->power);
  EXPECT_EQ(a->power->driver, "ipmi");
  EXPECT_EQ(a->power->address, "127.0.0.1:16231");
  EXPECT_EQ(a->power->user, "admin");
  EXPECT_EQ(a->power->password_file, "/srv/inv/secrets/a.ipmi");
  EXPECT_EQ(a->power->token_file, "");  // not resolved into the base directory
  expect_error(with(kPair, "        role: primary",
                    "        role: primary\n        power: {driver: ipmi, address: \"h:1\", "
                    "user: admin}"),
               InventoryErrc::kMissingField,
               "inv.yaml:10: clusters[0].nodes[0].power.password_file: required");
}

}  // namespace
}  // namespace hitless
