// What the lab definition format accepts, and that every shipped example parses.
// The bad-input cases are in lab_spec_errors_test.cpp.
#include "lab/spec/lab_spec_parser.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace hitless::lab {
namespace {

LabSpec parse_ok(const std::string& yaml) {
  auto r = parse_lab_spec_text(yaml, "lab.yaml");
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.message());
  return r.ok() ? std::move(r).value() : LabSpec{};
}

TEST(LabSpecParser, AppliesDefaultsAndLetsNodesOverrideThem) {
  const LabSpec lab = parse_ok(R"(lab: demo
defaults:
  version: 7.1.0
  installed: {base: 3.0, agent: "1.2"}
  reboot: 90s
  boot_timeout: 1h30m
  install: 25m
  sync_rate_mb_s: 12.5
  session_lifetime: 300
  inter_appliance_key: k-123
  oob_power: true
  data: {users: 25, settings: 40, recordings: 200, size_mb: 3000}
clusters:
  - name: pair
    kind: failover-pair
    nodes:
      - name: a
        role: primary
      - name: b
        role: backup
        version: "7.0.5"
        installed: {base: "3.1"}
        reboot: 250ms
        install: 30m
        sync_rate_mb_s: 200
        session_lifetime: 1m
        oob_power: false
        data: {size_mb: 10}
)");
  ASSERT_EQ(lab.nodes.size(), 2u);
  const NodeSpec& a = lab.nodes[0];
  EXPECT_EQ(lab.name, "demo");
  EXPECT_EQ(lab.file, "lab.yaml");
  EXPECT_EQ(a.version, "7.1.0");
  EXPECT_EQ(a.installed.at("base"), "3.0");  // the scalar's text, not the double 3
  EXPECT_EQ(a.installed.at("agent"), "1.2");
  EXPECT_DOUBLE_EQ(a.reboot_s, 90);
  EXPECT_DOUBLE_EQ(a.boot_timeout_s, 5400);
  EXPECT_DOUBLE_EQ(a.install_s, 1500);
  EXPECT_DOUBLE_EQ(a.sync_mb_per_s, 12.5);
  EXPECT_DOUBLE_EQ(a.session_lifetime_s, 300);  // a bare number is seconds
  EXPECT_EQ(a.inter_appliance_key, "k-123");
  EXPECT_TRUE(a.oob_power);
  EXPECT_EQ(a.data.users, 25);
  EXPECT_EQ(a.data.settings, 40);
  EXPECT_EQ(a.data.recordings, 200);
  EXPECT_DOUBLE_EQ(a.data.size_mb, 3000);
  EXPECT_EQ(a.cluster, "pair");
  EXPECT_EQ(a.role, "primary");
  EXPECT_EQ(a.line, 17);

  const NodeSpec& b = lab.nodes[1];
  EXPECT_EQ(b.version, "7.0.5");
  EXPECT_EQ(b.installed.at("base"), "3.1");   // overridden
  EXPECT_EQ(b.installed.at("agent"), "1.2");  // merged from defaults
  EXPECT_DOUBLE_EQ(b.reboot_s, 0.25);
  EXPECT_DOUBLE_EQ(b.install_s, 1800);
  EXPECT_DOUBLE_EQ(b.sync_mb_per_s, 200);
  EXPECT_DOUBLE_EQ(b.session_lifetime_s, 60);
  EXPECT_FALSE(b.oob_power);
  EXPECT_DOUBLE_EQ(b.data.size_mb, 10);
  EXPECT_EQ(b.data.users, 25);  // the rest of `data` comes from defaults
  EXPECT_EQ(b.inter_appliance_key, "k-123");
}

TEST(LabSpecParser, UsesBuiltInDefaultsWhenTheFileSaysNothing) {
  const LabSpec lab = parse_ok(R"(lab: tiny
clusters:
  - name: one
    kind: single
    nodes:
      - {name: n1, role: standalone, version: 1.0}
)");
  const NodeSpec& n = lab.nodes.at(0);
  const NodeSpec built_in;
  EXPECT_EQ(n.version, "1.0");
  EXPECT_EQ(n.address.host, "127.0.0.1");
  EXPECT_EQ(n.address.port, 0);
  EXPECT_DOUBLE_EQ(n.reboot_s, built_in.reboot_s);
  EXPECT_DOUBLE_EQ(n.install_s, built_in.install_s);
  EXPECT_EQ(n.inter_appliance_key, built_in.inter_appliance_key);
  EXPECT_TRUE(n.installed.empty());
  EXPECT_TRUE(lab.repository.empty());
  const ClusterSpec& c = lab.clusters.at(0);
  EXPECT_EQ(c.kind, ClusterKind::kSingle);
  EXPECT_EQ(c.traffic, TrafficSteering::kNone);
  EXPECT_TRUE(c.ha_established);
  EXPECT_FALSE(c.shared_ip || c.load_balancer || c.dns || c.nat);
}

TEST(LabSpecParser, ReadsTheRepository) {
  const LabSpec lab = parse_ok(R"(lab: repo
repository:
  - {name: product, version: 7.2.0, kind: product, install: 30m, size_mb: 900, requires: ["base >= 3.1", agent, "x>=2"], upgrade_from: [7.1, "7.0"]}
  - name: base
    version: 3.1.0
    kind: base
  - {name: agent, version: 2, kind: base}
  - {name: x, version: 2.0, kind: firmware}
  - {name: product, version: 7.3.0}
clusters:
  - {name: one, kind: single, nodes: [{name: n1, role: standalone, version: 7.1.0}]}
)");
  ASSERT_EQ(lab.repository.size(), 5u);
  const PackageSpec& p = lab.repository[0];
  EXPECT_EQ(p.name, "product");
  EXPECT_EQ(p.version, "7.2.0");
  EXPECT_EQ(p.kind, PackageKind::kProduct);
  EXPECT_DOUBLE_EQ(p.install_s, 1800);
  EXPECT_DOUBLE_EQ(p.size_mb, 900);
  ASSERT_EQ(p.requires_.size(), 3u);
  EXPECT_EQ(p.requires_[0].package, "base");
  EXPECT_EQ(p.requires_[0].min_version, "3.1");
  EXPECT_EQ(p.requires_[1].package, "agent");
  EXPECT_EQ(p.requires_[1].min_version, "");
  EXPECT_EQ(p.requires_[2].package, "x");
  EXPECT_EQ(p.requires_[2].min_version, "2");
  EXPECT_EQ(p.upgrade_from, (std::vector<std::string>{"7.1", "7.0"}));
  EXPECT_EQ(p.line, 3);
  EXPECT_EQ(lab.repository[1].kind, PackageKind::kBase);
  EXPECT_EQ(lab.repository[1].line, 4);
  EXPECT_EQ(lab.repository[3].kind, PackageKind::kFirmware);
  EXPECT_EQ(lab.repository[3].version, "2.0");
  const PackageSpec& plain = lab.repository[4];  // defaults of a package
  EXPECT_EQ(plain.kind, PackageKind::kProduct);
  EXPECT_DOUBLE_EQ(plain.install_s, 0);
  EXPECT_DOUBLE_EQ(plain.size_mb, 100);
  EXPECT_TRUE(plain.requires_.empty() && plain.upgrade_from.empty());
}

TEST(LabSpecParser, ReadsTrafficSteeringAndNodePlacement) {
  const LabSpec lab = parse_ok(R"(lab: traffic
defaults: {version: 1.0}
clusters:
  - name: vip
    kind: active-passive
    traffic: shared-ip
    shared_ip: 127.0.0.100:8443
    nodes:
      - {name: p1, role: active, owns_shared_ip: true, address: 127.0.0.1:9001, region: eu}
      - {name: p2, role: passive, address: localhost}
  - name: lb
    kind: active-active
    traffic: load-balancer
    load_balancer: 127.0.0.1:8080
    nodes: [{name: m1, role: member}, {name: m2, role: member}]
  - name: lb-default
    kind: active-active
    traffic: load-balancer
    nodes: [{name: m3, role: member}, {name: m4, role: member}]
  - name: swing
    kind: failover-pair
    traffic: dns
    ha: broken
    dns: {zone: example.test, record: app.example.test, server: 127.0.0.1:15353}
    nodes: [{name: d1, role: primary}, {name: d2, role: backup}]
  - name: nat
    kind: failover-pair
    traffic: nat
    nodes: [{name: n1, role: primary}, {name: n2, role: backup}]
  - name: rtr
    kind: chassis
    nodes:
      - {name: re0, role: master, chassis: mx1, slot: re0}
      - {name: re1, role: backup, chassis: mx1, slot: re1}
  - name: move
    kind: migration
    traffic: dns
    dns: {zone: example.test, record: example.test}
    nodes: [{name: old, role: standalone}, {name: new, role: spare}]
  - name: atlas
    kind: atlas
    ha: established
    nodes:
      - {name: ma, role: master}
      - {name: mb, role: backup-master}
      - {name: t1, role: traffic, region: us}
  - name: sps
    kind: ha-pair
    nodes:
      - {name: s1, role: primary}
      - {name: s2, role: backup}
      - {name: sm, role: search-master}
      - {name: smn, role: search-minion}
)");
  ASSERT_EQ(lab.clusters.size(), 9u);
  const ClusterSpec& vip = *lab.find_cluster("vip");
  EXPECT_EQ(vip.kind, ClusterKind::kActivePassive);
  EXPECT_EQ(vip.traffic, TrafficSteering::kSharedIp);
  EXPECT_EQ(vip.shared_ip->str(), "127.0.0.100:8443");
  EXPECT_EQ(vip.nodes, (std::vector<std::string>{"p1", "p2"}));
  EXPECT_EQ(vip.line, 4);
  EXPECT_TRUE(lab.find_node("p1")->owns_shared_ip);
  EXPECT_FALSE(lab.find_node("p2")->owns_shared_ip);
  EXPECT_EQ(lab.find_node("p1")->address.str(), "127.0.0.1:9001");
  EXPECT_EQ(lab.find_node("p1")->region, "eu");
  EXPECT_EQ(lab.find_node("p2")->address.str(), "localhost:0");
  EXPECT_EQ(lab.find_cluster("lb")->load_balancer->str(), "127.0.0.1:8080");
  EXPECT_EQ(lab.find_cluster("lb-default")->load_balancer->str(), "127.0.0.1:0");
  const ClusterSpec& swing = *lab.find_cluster("swing");
  EXPECT_EQ(swing.traffic, TrafficSteering::kDns);
  EXPECT_FALSE(swing.ha_established);
  EXPECT_EQ(swing.dns->zone, "example.test");
  EXPECT_EQ(swing.dns->record, "app.example.test");
  EXPECT_EQ(swing.dns->server.str(), "127.0.0.1:15353");
  EXPECT_EQ(lab.find_cluster("move")->dns->server.str(), "127.0.0.1:0");
  EXPECT_EQ(lab.find_cluster("nat")->nat->str(), "127.0.0.1:0");
  EXPECT_EQ(lab.find_cluster("rtr")->kind, ClusterKind::kChassis);
  EXPECT_EQ(lab.find_node("re1")->chassis, "mx1");
  EXPECT_EQ(lab.find_node("re1")->slot, "re1");
  EXPECT_EQ(lab.find_cluster("move")->kind, ClusterKind::kMigration);
  EXPECT_EQ(lab.find_node("new")->role, "spare");
  EXPECT_EQ(lab.find_cluster("atlas")->kind, ClusterKind::kAtlas);
  EXPECT_EQ(lab.find_node("smn")->role, "search-minion");
  EXPECT_EQ(lab.find_cluster("sps")->kind, ClusterKind::kHaPair);
  EXPECT_EQ(lab.find_node("nope"), nullptr);
  EXPECT_EQ(lab.find_cluster("nope"), nullptr);
}

TEST(LabSpecParser, AcceptsSharedDnsServerAndBrokenPairWithoutOwner) {
  parse_ok(R"(lab: ok
defaults: {version: 1.0}
clusters:
  - name: one
    kind: failover-pair
    traffic: dns
    dns: {zone: a.test, record: x.a.test, server: 127.0.0.1:5353}
    nodes: [{name: a1, role: primary}, {name: a2, role: backup}]
  - name: two
    kind: failover-pair
    traffic: dns
    dns: {zone: a.test, record: y.a.test, server: 127.0.0.1:5353}
    nodes: [{name: b1, role: primary}, {name: b2, role: backup}]
  - name: three
    kind: failover-pair
    traffic: shared-ip
    shared_ip: 127.0.0.100
    ha: broken
    nodes:
      - {name: c1, role: primary, inter_appliance_key: one}
      - {name: c2, role: backup, inter_appliance_key: two}
)");
}

// `shared_ip: netns`: the lab picks each cluster's VIP in namespaces of its own, so two such
// clusters never clash; anything else must still be an IPv4 address.
TEST(LabSpecParser, SharedIpInNetworkNamespacesIsAskedForWithNetns) {
  const LabSpec lab = parse_ok(R"(lab: ok
defaults: {version: 1.0}
clusters:
  - name: one
    kind: failover-pair
    traffic: shared-ip
    shared_ip: netns
    nodes: [{name: a1, role: primary, owns_shared_ip: true}, {name: a2, role: backup}]
  - name: two
    kind: failover-pair
    traffic: shared-ip
    shared_ip: netns
    nodes: [{name: b1, role: primary, owns_shared_ip: true}, {name: b2, role: backup}]
  - name: three
    kind: failover-pair
    traffic: shared-ip
    shared_ip: 127.0.0.100
    nodes: [{name: c1, role: primary, owns_shared_ip: true}, {name: c2, role: backup}]
)");
  EXPECT_TRUE(lab.clusters[0].shared_ip_netns);
  EXPECT_TRUE(lab.clusters[1].shared_ip_netns);
  EXPECT_FALSE(lab.clusters[2].shared_ip_netns);
  auto bad = parse_lab_spec_text(R"(lab: bad
defaults: {version: 1.0}
clusters:
  - name: one
    kind: failover-pair
    traffic: shared-ip
    shared_ip: namespaces
    nodes: [{name: a1, role: primary, owns_shared_ip: true}, {name: a2, role: backup}]
)",
                                 "lab.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.message().find("lab.yaml:7"), std::string::npos) << bad.message();
}

TEST(LabSpecParser, SpellsEnumsAsTheFormatDoes) {
  EXPECT_STREQ(to_string(ClusterKind::kFailoverPair), "failover-pair");
  EXPECT_STREQ(to_string(ClusterKind::kHaPair), "ha-pair");
  EXPECT_STREQ(to_string(ClusterKind::kMigration), "migration");
  EXPECT_STREQ(to_string(TrafficSteering::kSharedIp), "shared-ip");
  EXPECT_STREQ(to_string(TrafficSteering::kLoadBalancer), "load-balancer");
  EXPECT_STREQ(to_string(PackageKind::kFirmware), "firmware");
}

TEST(LabSpecParser, ReadsFilesAndNamesThemInErrors) {
  const std::string dir = ::testing::TempDir();
  const std::string good = dir + "/lab_spec_good.yaml";
  std::ofstream(good) << "lab: f\nclusters:\n  - {name: c, kind: single, nodes: "
                         "[{name: n, role: standalone, version: 1.0}]}\n";
  const auto ok = parse_lab_spec_file(good);
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_EQ(ok->file, good);

  const std::string bad = dir + "/lab_spec_bad.yaml";
  std::ofstream(bad) << "lab: f\nclusters: 3\n";
  const auto err = parse_lab_spec_file(bad);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.message(), bad + ":2: clusters: expected a list of clusters, got a scalar");

  const auto missing = parse_lab_spec_file(dir + "/no-such-lab.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.code(), SpecErrc::kUnreadable);
  EXPECT_NE(missing.message().find("no-such-lab.yaml: cannot read"), std::string::npos);
  EXPECT_EQ(parse_lab_spec_file(dir).code(), SpecErrc::kUnreadable);
}

TEST(LabSpecExamples, EveryExampleParses) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(HITLESS_SOURCE_DIR) / "examples";
  int parsed = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".yaml" && ext != ".yml")) continue;
    const auto r = parse_lab_spec_file(entry.path().string());
    EXPECT_TRUE(r.ok()) << r.message();
    ++parsed;
  }
  EXPECT_GE(parsed, 15);  // pair, single and one per scenario S1..S13
  for (int s = 1; s <= 13; ++s) {
    bool found = false;
    const std::string prefix = (s < 10 ? "s0" : "s") + std::to_string(s) + "-";
    for (const auto& entry : fs::directory_iterator(root / "scenarios"))
      found = found || entry.path().filename().string().rfind(prefix, 0) == 0;
    EXPECT_TRUE(found) << "no example for S" << s;
  }
}

TEST(LabSpecExamples, DocumentationExampleParses) {
  std::ifstream in(std::string(HITLESS_SOURCE_DIR) + "/docs/lab-format.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::size_t begin = doc.find("```yaml\n");
  ASSERT_NE(begin, std::string::npos);
  const std::size_t end = doc.find("```", begin + 8);
  const auto r = parse_lab_spec_text(doc.substr(begin + 8, end - begin - 8), "lab-format.md");
  EXPECT_TRUE(r.ok()) << r.message();
}

TEST(LabSpecExamples, PairIsAnUpgradeableFailoverPair) {
  const auto r = parse_lab_spec_file(std::string(HITLESS_SOURCE_DIR) + "/examples/pair.yaml");
  ASSERT_TRUE(r.ok()) << r.message();
  const ClusterSpec& c = r->clusters.at(0);
  EXPECT_EQ(c.kind, ClusterKind::kFailoverPair);
  EXPECT_EQ(c.traffic, TrafficSteering::kSharedIp);
  EXPECT_EQ(c.shared_ip->str(), "127.0.0.100:0");
  EXPECT_TRUE(c.ha_established);
  const NodeSpec* a = r->find_node("a");
  const NodeSpec* b = r->find_node("b");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->role, "primary");
  EXPECT_TRUE(a->owns_shared_ip);
  EXPECT_EQ(b->role, "backup");
  EXPECT_EQ(a->version, "7.1.0");
  EXPECT_EQ(b->installed.at("base"), "3.0");
  bool product = false, base = false;
  for (const PackageSpec& p : r->repository) {
    product = product || (p.name == "product" && p.version == "7.2.0" &&
                          p.kind == PackageKind::kProduct && p.requires_.size() == 1 &&
                          p.requires_[0].package == "base" && p.requires_[0].min_version == "3.1");
    base = base || (p.name == "base" && p.version == "3.1.0" && p.kind == PackageKind::kBase);
  }
  EXPECT_TRUE(product && base);
  EXPECT_GE(a->install_s, 20 * 60);
  EXPECT_LE(a->install_s, 30 * 60);
  EXPECT_GE(a->reboot_s, 2 * 60);
  EXPECT_LE(a->reboot_s, 5 * 60);
}

}  // namespace
}  // namespace hitless::lab
