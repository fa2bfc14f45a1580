// Bad lab definitions: each yields exactly one error "FILE:LINE: FIELD: message" with the right
// code, and no LabSpec.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "lab/spec/lab_spec_parser.hpp"

namespace hitless::lab {
namespace {

// A fuzzer input kept in fuzz/regressions/, read as bytes.
std::string read_regression(const std::string& name) {
  std::ifstream in(std::string(HITLESS_FUZZ_REGRESSIONS) + "/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// `expected` is the whole message, or its start when it ends in "...".
::testing::AssertionResult fails(const std::string& yaml, SpecErrc code,
                                 const std::string& expected) {
  const auto r = parse_lab_spec_text(yaml, "lab.yaml");
  if (r.ok()) return ::testing::AssertionFailure() << "parsed fine, expected: " << expected;
  const bool prefix = expected.size() > 3 && expected.ends_with("...");
  const std::string want = prefix ? expected.substr(0, expected.size() - 3) : expected;
  const bool same = prefix ? r.message().rfind(want, 0) == 0 : r.message() == want;
  if (!same || r.code() != code)
    return ::testing::AssertionFailure()
           << "got code " << static_cast<int>(r.code()) << " '" << r.message() << "', want code "
           << static_cast<int>(code) << " '" << expected << "'";
  return ::testing::AssertionSuccess();
}

// A valid pair; tests append to it or replace a line of it.
const std::string kPair = R"(lab: t
defaults: {version: 7.1.0}
clusters:
  - name: pair
    kind: failover-pair
    traffic: shared-ip
    shared_ip: 127.0.0.100
    nodes:
      - name: a
        role: primary
        owns_shared_ip: true
      - name: b
        role: backup
)";

std::string with(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(LabSpecErrors, BaseCaseParses) { EXPECT_TRUE(parse_lab_spec_text(kPair, "lab.yaml").ok()); }

TEST(LabSpecErrors, EmptyFileSyntaxErrorsAndOtherShapes) {
  EXPECT_TRUE(fails("", SpecErrc::kMissingField, "lab.yaml:1: empty file..."));
  EXPECT_TRUE(fails("# nothing\n", SpecErrc::kMissingField, "lab.yaml:1: empty file..."));
  EXPECT_TRUE(fails("lab: t\nclusters: [a, b\nx: 1\n", SpecErrc::kSyntax,
                    "lab.yaml:3: YAML syntax error: end of sequence flow not found"));
  EXPECT_TRUE(
      fails("lab: t\n  bad: indent\n", SpecErrc::kSyntax, "lab.yaml:2: YAML syntax error..."));
  EXPECT_TRUE(fails(kPair + "---\nlab: u\n", SpecErrc::kSyntax,
                    "lab.yaml:15: more than one YAML document; the file holds exactly one"));
  EXPECT_TRUE(fails("- lab\n", SpecErrc::kWrongType, "lab.yaml:1: expected a map, got a list"));
}

TEST(LabSpecErrors, UnknownFieldsNameTheAllowedOnes) {
  EXPECT_TRUE(fails(kPair + "extra: 1\n", SpecErrc::kUnknownField,
                    "lab.yaml:14: extra: unknown field 'extra' (allowed: lab, defaults, "
                    "repository, clusters)"));
  EXPECT_TRUE(
      fails(with(kPair, "        role: backup\n", "        role: backup\n        colour: red\n"),
            SpecErrc::kUnknownField,
            "lab.yaml:14: clusters[0].nodes[1].colour: unknown field 'colour' (allowed: "
            "name, role, owns_shared_ip, address, region, chassis, slot, version, ..."));
  EXPECT_TRUE(fails(
      with(kPair, "{version: 7.1.0}", "{version: 7.1.0, role: primary}"), SpecErrc::kUnknownField,
      "lab.yaml:2: defaults.role: unknown field 'role' (allowed: version, installed, ..."));
  EXPECT_TRUE(
      fails(with(kPair, "    kind: failover-pair\n", "    kind: failover-pair\n    vip: 1\n"),
            SpecErrc::kUnknownField, "lab.yaml:6: clusters[0].vip: unknown field 'vip'..."));
  EXPECT_TRUE(fails(with(kPair, "{version: 7.1.0}", "{data: {users: 1, files: 2}}"),
                    SpecErrc::kUnknownField,
                    "lab.yaml:2: defaults.data.files: unknown field 'files' (allowed: users, "
                    "settings, recordings, size_mb, disk_mb)"));
  EXPECT_TRUE(fails("lab: t\nrepository:\n  - {name: p, version: 1, digest: x}\n",
                    SpecErrc::kUnknownField, "lab.yaml:3: repository[0].digest: unknown field..."));
  EXPECT_TRUE(
      fails(with(kPair, "    traffic: shared-ip\n",
                 "    traffic: dns\n    dns: {zone: a.test, record: b.a.test, refresh: 5}\n"),
            SpecErrc::kUnknownField,
            "lab.yaml:7: clusters[0].dns.refresh: unknown field 'refresh' (allowed: zone, "
            "record, server, ttl)"));
  EXPECT_TRUE(
      fails(with(kPair, "        role: backup\n", "        role: backup\n        role: primary\n"),
            SpecErrc::kDuplicate,
            "lab.yaml:14: clusters[0].nodes[1].role: field given twice (first at line 13)"));
}

TEST(LabSpecErrors, WrongTypes) {
  EXPECT_TRUE(fails(with(kPair, "name: a\n", "name: {first: a}\n"), SpecErrc::kWrongType,
                    "lab.yaml:9: clusters[0].nodes[0].name: expected a name, got a map"));
  EXPECT_TRUE(fails(with(kPair, "name: a\n", "name:\n"), SpecErrc::kWrongType,
                    "lab.yaml:9: clusters[0].nodes[0].name: expected a name, got nothing"));
  EXPECT_TRUE(fails(with(kPair, "name: a\n", "name: a b\n"), SpecErrc::kWrongType,
                    "lab.yaml:9: clusters[0].nodes[0].name: 'a b' is not a valid name..."));
  EXPECT_TRUE(fails(with(kPair, "{version: 7.1.0}", "{version: 7.1.0, reboot: soon}"),
                    SpecErrc::kWrongType,
                    "lab.yaml:2: defaults.reboot: 'soon' is not a duration (such as 90s, 30m, "
                    "1h30m, 250ms; bare = seconds)"));
  EXPECT_TRUE(
      fails(with(kPair, "{version: 7.1.0}", "{version: seven}"), SpecErrc::kWrongType,
            "lab.yaml:2: defaults.version: 'seven' is not a version (such as 7.2.0 or 23.2R1)"));
  EXPECT_TRUE(fails(with(kPair, "{version: 7.1.0}", "{version: [7, 1]}"), SpecErrc::kWrongType,
                    "lab.yaml:2: defaults.version: expected a version, got a list"));
  EXPECT_TRUE(fails(with(kPair, "{version: 7.1.0}", "{version: 7.1.0, installed: [base]}"),
                    SpecErrc::kWrongType,
                    "lab.yaml:2: defaults.installed: expected a map, got a list"));
  EXPECT_TRUE(fails(with(kPair, "{version: 7.1.0}", "{version: 7.1.0, installed: {base: x}}"),
                    SpecErrc::kWrongType,
                    "lab.yaml:2: defaults.installed.base: 'x' is not a version..."));
  EXPECT_TRUE(
      fails(with(kPair, "kind: failover-pair", "kind: triple"), SpecErrc::kWrongType,
            "lab.yaml:5: clusters[0].kind: unknown kind 'triple' (allowed: single, "
            "failover-pair, ha-pair, active-passive, active-active, atlas, chassis, migration)"));
  EXPECT_TRUE(fails(with(kPair, "traffic: shared-ip", "traffic: anycast"), SpecErrc::kWrongType,
                    "lab.yaml:6: clusters[0].traffic: unknown traffic 'anycast' (allowed: none, "
                    "shared-ip, load-balancer, dns, nat)"));
  EXPECT_TRUE(fails(with(kPair, "    nodes:\n", "    ha: up\n    nodes:\n"), SpecErrc::kWrongType,
                    "lab.yaml:8: clusters[0].ha: unknown ha 'up' (allowed: established, broken)"));
  EXPECT_TRUE(fails(with(kPair, "role: backup", "role: secondary"), SpecErrc::kWrongType,
                    "lab.yaml:13: clusters[0].nodes[1].role: unknown role 'secondary' (allowed: "
                    "primary, backup, active, passive, member, master, backup-master, traffic, "
                    "search-master, search-minion, standalone, spare)"));
  EXPECT_TRUE(fails(
      with(kPair, "owns_shared_ip: true", "owns_shared_ip: maybe"), SpecErrc::kWrongType,
      "lab.yaml:11: clusters[0].nodes[0].owns_shared_ip: expected true or false, got 'maybe'"));
  EXPECT_TRUE(fails(with(kPair, "{version: 7.1.0}", "{version: 7.1.0, sync_rate_mb_s: 0}"),
                    SpecErrc::kWrongType,
                    "lab.yaml:2: defaults.sync_rate_mb_s: '0' is out of range..."));
  EXPECT_TRUE(fails(with(kPair, "{version: 7.1.0}", "{version: 7.1.0, sync_rate_mb_s: fast}"),
                    SpecErrc::kWrongType,
                    "lab.yaml:2: defaults.sync_rate_mb_s: 'fast' is not a number"));
  EXPECT_TRUE(fails(with(kPair, "{version: 7.1.0}", "{version: 7.1.0, data: {users: -1}}"),
                    SpecErrc::kWrongType,
                    "lab.yaml:2: defaults.data.users: '-1' is not a whole number >= 0"));
  EXPECT_TRUE(fails(with(kPair, "shared_ip: 127.0.0.100", "shared_ip: 127.0.0.100:99999"),
                    SpecErrc::kWrongType,
                    "lab.yaml:7: clusters[0].shared_ip: '127.0.0.100:99999' is not an address "
                    "(host or host:port, port 0-65535)"));
  EXPECT_TRUE(fails(
      with(kPair, "shared_ip: 127.0.0.100", "shared_ip: vip.example.test"), SpecErrc::kWrongType,
      "lab.yaml:7: clusters[0].shared_ip: 'vip.example.test' is not an IPv4 address..."));
  EXPECT_TRUE(
      fails(with(kPair, "role: backup", "role: backup\n        slot: re2"), SpecErrc::kWrongType,
            "lab.yaml:14: clusters[0].nodes[1].slot: unknown slot 're2' (allowed: re0, re1)"));
  EXPECT_TRUE(fails("lab: t\nclusters:\n  - {name: c, kind: single, nodes: a}\n",
                    SpecErrc::kWrongType,
                    "lab.yaml:3: clusters[0].nodes: expected a list of nodes, got a scalar"));
  EXPECT_TRUE(fails("lab: t\nclusters: {name: c}\n", SpecErrc::kWrongType,
                    "lab.yaml:2: clusters: expected a list of clusters, got a map"));
  EXPECT_TRUE(fails(kPair + "repository:\n  - {name: base, version: 1, requires: [\"base > 1\"]}\n",
                    SpecErrc::kWrongType,
                    "lab.yaml:15: repository[0].requires[0]: 'base > 1' is not a requirement (NAME "
                    "or NAME >= VERSION, e.g. \"base >= 3.1\")"));
}

TEST(LabSpecErrors, MissingRequiredFields) {
  EXPECT_TRUE(fails(with(kPair, "lab: t\n", ""), SpecErrc::kMissingField,
                    "lab.yaml:1: lab: required field missing (the lab's name)"));
  EXPECT_TRUE(fails("lab: t\n", SpecErrc::kMissingField,
                    "lab.yaml:1: clusters: required field missing (a list of clusters)"));
  EXPECT_TRUE(fails("lab: t\nclusters: []\n", SpecErrc::kMissingField,
                    "lab.yaml:2: clusters: a lab needs at least one cluster"));
  EXPECT_TRUE(fails(with(kPair, "  - name: pair\n    kind", "  - kind"), SpecErrc::kMissingField,
                    "lab.yaml:4: clusters[0].name: required field missing"));
  EXPECT_TRUE(fails(with(kPair, "    kind: failover-pair\n", ""), SpecErrc::kMissingField,
                    "lab.yaml:4: clusters[0].kind: required field missing..."));
  EXPECT_TRUE(fails("lab: t\nclusters:\n  - {name: c, kind: single}\n", SpecErrc::kMissingField,
                    "lab.yaml:3: clusters[0].nodes: required field missing..."));
  EXPECT_TRUE(fails("lab: t\nclusters:\n  - {name: c, kind: single, nodes: []}\n",
                    SpecErrc::kMissingField,
                    "lab.yaml:3: clusters[0].nodes: a cluster needs at least one node"));
  EXPECT_TRUE(fails(with(kPair, "      - name: b\n        role", "      - role"),
                    SpecErrc::kMissingField,
                    "lab.yaml:12: clusters[0].nodes[1].name: required field missing"));
  EXPECT_TRUE(
      fails(with(kPair, "        role: backup\n", "        region: eu\n"), SpecErrc::kMissingField,
            "lab.yaml:12: clusters[0].nodes[1].role: required field missing (one of primary, ..."));
  EXPECT_TRUE(fails(
      with(kPair, "defaults: {version: 7.1.0}", "defaults: {reboot: 2m}"), SpecErrc::kMissingField,
      "lab.yaml:9: clusters[0].nodes[0].version: required field missing (give it here "
      "or in defaults)"));
  EXPECT_TRUE(fails(kPair + "repository:\n  - {version: 1.0}\n", SpecErrc::kMissingField,
                    "lab.yaml:15: repository[0].name: required field missing"));
  EXPECT_TRUE(fails(kPair + "repository:\n  - {name: p}\n", SpecErrc::kMissingField,
                    "lab.yaml:15: repository[0].version: required field missing"));
  EXPECT_TRUE(fails(with(kPair, "traffic: shared-ip", "traffic: dns\n    dns: {zone: a.test}"),
                    SpecErrc::kMissingField,
                    "lab.yaml:7: clusters[0].dns.record: required field missing..."));
}

TEST(LabSpecErrors, DuplicateNames) {
  EXPECT_TRUE(fails(with(kPair, "name: b", "name: a"), SpecErrc::kDuplicate,
                    "lab.yaml:12: clusters[0].nodes[1].name: duplicate node name 'a' (first "
                    "declared at line 9)"));
  const std::string second = R"(  - name: other
    kind: single
    nodes: [{name: a, role: standalone}]
)";
  EXPECT_TRUE(fails(kPair + second, SpecErrc::kDuplicate,
                    "lab.yaml:16: clusters[1].nodes[0].name: duplicate node name 'a' (first "
                    "declared at line 9)"));
  EXPECT_TRUE(fails(
      kPair + with(with(second, "name: a", "name: c"), "name: other", "name: pair"),
      SpecErrc::kDuplicate,
      "lab.yaml:14: clusters[1].name: duplicate cluster name 'pair' (first declared at line 4)"));
  EXPECT_TRUE(fails(
      kPair + "repository:\n  - {name: p, version: 1.0}\n  - {name: p, version: 1.0}\n",
      SpecErrc::kDuplicate,
      "lab.yaml:16: repository[1].version: package p 1.0 is listed twice (first at line 15)"));
}

TEST(LabSpecErrors, SharedIpOwnersAndPorts) {
  EXPECT_TRUE(
      fails(with(kPair, "role: backup", "role: backup\n        owns_shared_ip: true"),
            SpecErrc::kConflict,
            "lab.yaml:14: clusters[0].nodes[1].owns_shared_ip: the shared IP already has an "
            "owner: 'a' (line 11)"));
  EXPECT_TRUE(
      fails(with(kPair, "        owns_shared_ip: true\n", ""), SpecErrc::kConflict,
            "lab.yaml:7: clusters[0].shared_ip: no node owns shared IP 127.0.0.100 while the "
            "HA relation is established..."));
  EXPECT_TRUE(parse_lab_spec_text(with(with(kPair, "        owns_shared_ip: true\n", ""),
                                       "    nodes:", "    ha: broken\n    nodes:"),
                                  "lab.yaml")
                  .ok());
  const std::string other = R"(  - name: other
    kind: active-passive
    traffic: shared-ip
    shared_ip: 127.0.0.100:8443
    nodes:
      - {name: c, role: active, owns_shared_ip: true}
      - {name: d, role: passive}
)";
  EXPECT_TRUE(fails(kPair + other, SpecErrc::kConflict,
                    "lab.yaml:17: clusters[1].shared_ip: shared IP 127.0.0.100 already belongs to "
                    "clusters[0].shared_ip (line 7)"));
  EXPECT_TRUE(
      fails(kPair + with(other, "127.0.0.100:8443", "127.0.0.101:8443")
                        .replace(other.find("{name: d"), 8, "{name: d, address: 127.0.0.100"),
            SpecErrc::kConflict,
            "lab.yaml:20: clusters[1].nodes[1].address: 127.0.0.100 is the shared IP of "
            "clusters[0].shared_ip (line 7); only its owner binds it"));
  EXPECT_TRUE(
      fails(with(with(kPair, "role: primary", "role: primary\n        address: 127.0.0.1:9000"),
                 "role: backup", "role: backup\n        address: 127.0.0.1:9000"),
            SpecErrc::kConflict,
            "lab.yaml:15: clusters[0].nodes[1].address: port 127.0.0.1:9000 is already used "
            "by clusters[0].nodes[0].address (line 11)"));
  EXPECT_TRUE(
      fails(kPair + R"(  - name: lb
    kind: active-active
    traffic: load-balancer
    load_balancer: 127.0.0.1:8080
    nodes: [{name: m1, role: member}, {name: m2, role: member, address: "127.0.0.1:8080"}]
)",
            SpecErrc::kConflict,
            "lab.yaml:18: clusters[1].nodes[1].address: port 127.0.0.1:8080 is already used "
            "by clusters[1].load_balancer (line 17)"));
  // Port 0 (the lab picks) may appear any number of times.
  EXPECT_TRUE(parse_lab_spec_text(
                  with(with(kPair, "role: primary", "role: primary\n        address: 127.0.0.1:0"),
                       "role: backup", "role: backup\n        address: 127.0.0.1"),
                  "lab.yaml")
                  .ok());
}

const std::string kChassis = R"(lab: t
defaults: {version: 21.4R3}
clusters:
  - name: r
    kind: chassis
    nodes:
      - {name: re0, role: master, chassis: mx, slot: re0}
      - {name: re1, role: backup, chassis: mx, slot: re1}
)";

TEST(LabSpecErrors, ChassisRedundancyStatementsBelongToAChassis) {
  auto ok = parse_lab_spec_text(
      with(kChassis, "    kind: chassis\n",
           "    kind: chassis\n    redundancy: {graceful_switchover: true, nonstop_routing: "
           "true}\n"),
      "lab.yaml");
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_TRUE(ok->clusters[0].graceful_switchover);
  EXPECT_TRUE(ok->clusters[0].nonstop_routing);
  EXPECT_FALSE(ok->clusters[0].commit_synchronize);
  EXPECT_TRUE(
      fails(with(kPair, "    nodes:\n", "    redundancy: {nonstop_routing: true}\n    nodes:\n"),
            SpecErrc::kConflict,
            "lab.yaml:8: clusters[0].redundancy: redundancy statements apply only to a "
            "chassis cluster..."));
  EXPECT_TRUE(fails(
      with(kChassis, "    kind: chassis\n", "    kind: chassis\n    redundancy: {gres: true}\n"),
      SpecErrc::kUnknownField, "lab.yaml:6: clusters[0].redundancy.gres..."));
}

TEST(LabSpecErrors, RelationsThatMakeNoSense) {
  EXPECT_TRUE(parse_lab_spec_text(kChassis, "lab.yaml").ok());
  EXPECT_TRUE(fails(with(kPair, "role: backup", "role: primary"), SpecErrc::kConflict,
                    "lab.yaml:8: clusters[0].nodes: a failover-pair needs exactly one primary and "
                    "one backup (found 2 primary, 0 backup)"));
  EXPECT_TRUE(fails(
      with(with(kPair, "failover-pair", "ha-pair"), "      - name: b\n        role: backup\n", ""),
      SpecErrc::kConflict,
      "lab.yaml:8: clusters[0].nodes: a ha-pair needs exactly one primary and one "
      "backup (found 1 primary, 0 backup)"));
  EXPECT_TRUE(fails(with(kPair, "    shared_ip: 127.0.0.100\n", ""), SpecErrc::kMissingField,
                    "lab.yaml:6: clusters[0].shared_ip: required when traffic is shared-ip"));
  EXPECT_TRUE(fails(with(kPair, "traffic: shared-ip\n    shared_ip: 127.0.0.100", "traffic: dns"),
                    SpecErrc::kMissingField,
                    "lab.yaml:6: clusters[0].dns: required when traffic is dns"));
  EXPECT_TRUE(fails(with(kPair, "    traffic: shared-ip\n", ""), SpecErrc::kConflict,
                    "lab.yaml:6: clusters[0].shared_ip: shared_ip is used only with traffic: "
                    "shared-ip (traffic is none)"));
  EXPECT_TRUE(fails(with(kPair, "    traffic: shared-ip\n    shared_ip: 127.0.0.100\n", ""),
                    SpecErrc::kConflict,
                    "lab.yaml:9: clusters[0].nodes[0].owns_shared_ip: the cluster has no shared IP "
                    "(traffic is none)"));
  EXPECT_TRUE(
      fails(with(kPair, "    traffic: shared-ip\n    shared_ip: 127.0.0.100\n",
                 "    traffic: dns\n    dns: {zone: example.test, record: app.example.org}\n"),
            SpecErrc::kConflict,
            "lab.yaml:7: clusters[0].dns.record: record 'app.example.org' is not in zone "
            "'example.test'"));
  const std::string single =
      "lab: t\ndefaults: {version: 1}\nclusters:\n  - name: s\n    kind: single\n";
  EXPECT_TRUE(fails(single + "    nodes:\n      - {name: n, role: traffic}\n", SpecErrc::kConflict,
                    "lab.yaml:7: clusters[0].nodes[0].role: role 'traffic' does not fit a single "
                    "cluster (allowed: standalone)"));
  EXPECT_TRUE(
      fails(single + "    nodes: [{name: n, role: standalone}, {name: m, role: standalone}]\n",
            SpecErrc::kConflict,
            "lab.yaml:6: clusters[0].nodes: a single cluster has exactly one node (found 2)"));
  EXPECT_TRUE(fails(single + "    ha: broken\n    nodes: [{name: n, role: standalone}]\n",
                    SpecErrc::kConflict,
                    "lab.yaml:6: clusters[0].ha: ha applies only to failover-pair, ha-pair and "
                    "atlas clusters"));
  const std::string ap =
      "lab: t\ndefaults: {version: 1}\nclusters:\n  - name: c\n    kind: active-passive\n";
  EXPECT_TRUE(fails(ap + "    nodes: [{name: n, role: active}, {name: m, role: active}]\n",
                    SpecErrc::kConflict,
                    "lab.yaml:6: clusters[0].nodes: an active-passive cluster needs exactly one "
                    "active node and at least one passive (found 2 active, 0 passive)"));
  EXPECT_TRUE(
      fails(with(ap, "active-passive", "active-active") + "    nodes: [{name: n, role: member}]\n",
            SpecErrc::kConflict,
            "lab.yaml:6: clusters[0].nodes: an active-active cluster needs at least two "
            "members (found 1 member)"));
  const std::string atlas =
      "lab: t\ndefaults: {version: 1}\nclusters:\n  - name: c\n    kind: atlas\n";
  EXPECT_TRUE(fails(atlas + "    nodes: [{name: n, role: traffic}]\n", SpecErrc::kConflict,
                    "lab.yaml:6: clusters[0].nodes: an atlas cluster needs one master, at most one "
                    "backup-master and at least one traffic node (found 0 master, 0 backup-master, "
                    "1 traffic)"));
  EXPECT_TRUE(fails(
      atlas +
          "    ha: established\n    nodes: [{name: n, role: master}, {name: t, role: traffic}]\n",
      SpecErrc::kConflict,
      "lab.yaml:6: clusters[0].ha: an atlas cluster has an HA relation only with a "
      "backup-master"));
  EXPECT_TRUE(
      fails(with(atlas, "atlas", "ha-pair") + "    nodes: [{name: p, role: primary}, {name: b, "
                                              "role: backup}, {name: m, role: search-minion}]\n",
            SpecErrc::kConflict,
            "lab.yaml:6: clusters[0].nodes: search-minion nodes need a search-master in the "
            "same cluster"));
  EXPECT_TRUE(
      fails(with(atlas, "atlas", "migration") +
                "    nodes: [{name: p, role: spare}, {name: b, role: spare}]\n",
            SpecErrc::kConflict,
            "lab.yaml:6: clusters[0].nodes: a migration has exactly one standalone (the old "
            "box) and one spare (its replacement) (found 0 standalone, 2 spare)"));
  EXPECT_TRUE(
      fails(with(kChassis, "slot: re1", "slot: re0"), SpecErrc::kConflict,
            "lab.yaml:8: clusters[0].nodes[1].slot: slot re0 is already taken by 're0' (line 7)"));
  EXPECT_TRUE(fails(with(kChassis, "chassis: mx, slot: re1", "chassis: mx2, slot: re1"),
                    SpecErrc::kConflict,
                    "lab.yaml:8: clusters[0].nodes[1].chassis: both routing engines must be in the "
                    "same chassis ('mx' at line 7)"));
  EXPECT_TRUE(fails(with(kChassis, ", slot: re1", ""), SpecErrc::kMissingField,
                    "lab.yaml:8: clusters[0].nodes[1].slot: required for a routing engine of a "
                    "chassis cluster"));
  EXPECT_TRUE(fails(kChassis + "      - {name: re2, role: backup, chassis: mx, slot: re1}\n",
                    SpecErrc::kConflict,
                    "lab.yaml:6: clusters[0].nodes: a chassis has exactly two routing engines, one "
                    "master and one backup (found 1 master, 2 backup)"));
  EXPECT_TRUE(
      fails(with(kPair, "role: backup", "role: backup\n        chassis: mx"), SpecErrc::kConflict,
            "lab.yaml:14: clusters[0].nodes[1].chassis: chassis and slot apply only to nodes "
            "of a chassis cluster"));
  EXPECT_TRUE(
      fails(with(kPair, "role: backup", "role: backup\n        inter_appliance_key: other"),
            SpecErrc::kConflict,
            "lab.yaml:14: clusters[0].nodes[1].inter_appliance_key: differs from that of 'a': "
            "an established HA relation needs the same inter-appliance key on every node..."));
  EXPECT_TRUE(
      fails(with(kPair, "{version: 7.1.0}", "{version: 7.1.0, reboot: 10m, boot_timeout: 5m}"),
            SpecErrc::kConflict,
            "lab.yaml:2: defaults.boot_timeout: boot_timeout (5m) must be longer than reboot "
            "(10m) or every boot of 'a' reverts to the old slot"));
  EXPECT_TRUE(
      fails(with(kPair, "role: backup", "role: backup\n        reboot: 20m"), SpecErrc::kConflict,
            "lab.yaml:14: clusters[0].nodes[1].reboot: boot_timeout (10m) must be longer than "
            "reboot (20m) or every boot of 'b' reverts to the old slot"));
  EXPECT_TRUE(fails(
      kPair + "repository:\n  - {name: product, version: 7.2.0, requires: [\"base >= 3.1\"]}\n",
      SpecErrc::kConflict,
      "lab.yaml:15: repository[0].requires[0]: product 7.2.0 requires 'base' but the "
      "repository has no package of that name"));
}

TEST(LabSpecErrors, MembershipOnlyForSeed000ClustersAndNeverTheVipOwner) {
  const std::string ap = with(with(kPair, "kind: failover-pair", "kind: active-passive"),
                              "role: primary", "role: active");
  const std::string aps = with(ap, "role: backup", "role: passive");
  const auto parsed = parse_lab_spec_text(
      with(aps, "role: passive", "role: passive\n        enabled: false"), "lab.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_FALSE(parsed->nodes[1].enabled);
  EXPECT_TRUE(parsed->nodes[0].enabled);
  EXPECT_TRUE(fails(with(kPair, "role: backup", "role: backup\n        enabled: false"),
                    SpecErrc::kConflict,
                    "lab.yaml:14: clusters[0].nodes[1].enabled: a failover-pair cluster has no "
                    "membership to disable (only active-active and active-passive clusters do)"));
  EXPECT_TRUE(
      fails(with(aps, "owns_shared_ip: true", "owns_shared_ip: true\n        enabled: false"),
            SpecErrc::kConflict,
            "lab.yaml:12: clusters[0].nodes[0].enabled: a disabled member cannot own the "
            "shared IP"));
  EXPECT_TRUE(fails(
      with(aps, "role: passive", "role: passive\n        enabled: maybe"), SpecErrc::kWrongType,
      "lab.yaml:14: clusters[0].nodes[1].enabled: expected true or false, got 'maybe'"));
}

// yaml-cpp 0.7 loops forever on a stray ',' (jbeder/yaml-cpp#1040); the fuzzer's inputs that hung
// (fuzz/regressions/) are syntax errors here.
TEST(LabSpecErrors, StrayCommaFoundByTheFuzzerIsASyntaxErrorNotAHang) {
  EXPECT_TRUE(fails(",%", SpecErrc::kSyntax, "lab.yaml:1: YAML syntax error: unexpected ','..."));
  const std::string mutated_pair = read_regression("lab-spec-mutated-pair.yaml");
  const auto r = parse_lab_spec_text(mutated_pair, "lab.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), SpecErrc::kSyntax) << r.message();
}

}  // namespace
}  // namespace hitless::lab
