// S5 through real traffic components: the DNS swing (Knot DNS, RFC 2136 + TSIG) and the NAT
// swing (nftables in a namespace the lab creates), planned, simulated and applied against the
// real lab daemon and measured by the real probe; the DNS server refusing mid-run and at
// preflight; plan-time refusals of the TSIG key file; `lab down` leaving nothing behind.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr double kTimeScale = 0.001;
constexpr double kTtlS = 1;  // wall seconds: DNS caches do not scale

std::string swing_yaml(const std::string& traffic) {
  return R"(lab: test-swing
defaults:
  version: 7.1.0
  installed: {base: "3.0"}
  install: 10m
  reboot: 2m
  boot_timeout: 5m
  sync_rate_mb_s: 10
  session_lifetime: 10m
  inter_appliance_key: k1
  data: {users: 5, settings: 5, recordings: 10, size_mb: 3000}
repository:
  - {name: base, version: 3.1.0, kind: base, install: 5m}
  - {name: product, version: 7.2.0, kind: product, install: 10m, requires: ["base >= 3.1"]}
clusters:
  - name: pair
    kind: failover-pair
)" + traffic +
         R"(
    nodes:
      - {name: a, role: primary}
      - {name: b, role: backup}
)";
}

std::string dns_traffic() {
  return "    traffic: dns\n    dns: {zone: example.test, record: app.example.test, ttl: 1s}";
}
std::string nat_traffic() { return "    traffic: nat\n    nat: 127.0.0.1:0"; }

json cluster_json(UpgradeLab& lab) { return lab.handle().description().at("clusters").at("pair"); }
std::string dns_server(UpgradeLab& lab) { return cluster_json(lab).at("dns").at("server"); }
std::string key_file(UpgradeLab& lab) {
  return lab.dir() + "/" + cluster_json(lab).at("dns").at("key_file").get<std::string>();
}

// Replaces the key's secret with another one of the same form (the server will say BADSIG).
void spoil_key(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  line = line.substr(0, line.rfind(':') + 1) + "c3BvaWxlZHNwb2lsZWRzcG9pbGVkc3BvaWxlZDEyMzQ=";
  write_text(path, line + "\n");
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
}

double predicted_gap_wall_s(UpgradeLab& lab) {
  auto sim = run_hitless("simulate -i " + lab.inventory() +
                         " --to 7.2.0 --strategy asynchronous --format json");
  EXPECT_EQ(sim.exit_code, 0) << sim.output;
  return json::parse(sim.output).at("downtime_s").get<double>() * kTimeScale;
}

bool serving_at(UpgradeLab& lab, const std::string& node, const std::string& version) {
  return lab.node_field(node, "version") == version && lab.node_field(node, "phase") == "running";
}

TEST(DnsSwing, ClientsFailOnlyWithinTheTtlAfterTheSwingAndNothingIsLost) {
  UpgradeLab lab(swing_yaml(dns_traffic()), kTimeScale);
  const std::string sum_a = lab.checksum("a"), sum_b = lab.checksum("b");
  const double predicted = predicted_gap_wall_s(lab);
  EXPECT_NEAR(predicted, kTtlS, 0.05);  // the TTL is the predicted gap
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  const double rate = 200;
  BackgroundProbe probe(lab.service(), rate, 0, 120, dns_server(lab));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto r = lab.apply();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto report = probe.stop();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Clients that resolved before the swing keep a's address for up to the TTL while a starts
  // its install: those requests fail, nothing else does.
  EXPECT_GT(report.answered_by["a"], 0u) << probe::to_text(report);
  EXPECT_GT(report.answered_by["b"], 0u) << probe::to_text(report);
  EXPECT_LE(report.outage_ms / 1000, predicted + 0.1) << probe::to_text(report);
  EXPECT_LE(report.max_outage_ms, predicted * 1000 + 100) << probe::to_text(report);
  EXPECT_EQ(report.failures_by_cause.count("dns"), 0u) << probe::to_text(report);
  EXPECT_EQ(report.resolved_to.size(), 2u) << probe::to_text(report);
  // The probe honours the TTL: one lookup per TTL at most (plus the first), not per request.
  EXPECT_LE(report.dns_lookups, report.duration_s / kTtlS + 2) << probe::to_text(report);
  for (const char* n : {"a", "b"}) EXPECT_EQ(lab.node_field(n, "version"), "7.2.0") << n;
  EXPECT_EQ(lab.node_field("b", "ha", "role"), "primary");
  EXPECT_EQ(lab.node_field("a", "ha", "role"), "backup");
  EXPECT_EQ(lab.checksum("a"), sum_a);
  EXPECT_EQ(lab.checksum("b"), sum_b);
}

TEST(NatSwing, NewConnectionsMoveAtOnceWithNoGapAndNoRefusal) {
  UpgradeLab lab(swing_yaml(nat_traffic()), kTimeScale);
  const std::string sum_a = lab.checksum("a"), sum_b = lab.checksum("b");
  EXPECT_LT(predicted_gap_wall_s(lab), 0.01);
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  BackgroundProbe probe(lab.service(), 200, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto r = lab.apply();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto report = probe.stop();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // One nft transaction: the next new connection goes to b, so no stretch without answers.
  // Section 7c measured 0 failures at the swing, but also 1-5 connection timeouts per 10,000
  // new connections through a NAT with no swing at all (a SYN meeting a TIME_WAIT 4-tuple):
  // such a timeout is tolerated, a refusal or reset (the swing's signature) is not.
  EXPECT_LT(report.max_outage_ms, 100) << probe::to_text(report);
  EXPECT_LE(report.failed, 2u) << probe::to_text(report);
  for (const auto& [cause, n] : report.failures_by_cause)
    EXPECT_EQ(cause, "timeout") << probe::to_text(report);
  EXPECT_GT(report.answered_by["a"], 0u);
  EXPECT_GT(report.answered_by["b"], 0u);
  for (const char* n : {"a", "b"}) EXPECT_EQ(lab.node_field(n, "version"), "7.2.0") << n;
  EXPECT_EQ(lab.node_field("b", "ha", "role"), "primary");
  EXPECT_EQ(lab.checksum("a"), sum_a);
  EXPECT_EQ(lab.checksum("b"), sum_b);
}

TEST(DnsSwing, UpdateRefusedMidRunStopsWithTheOldPrimaryStillServing) {
  UpgradeLab lab(swing_yaml(dns_traffic()), kTimeScale);
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  auto run = std::async(std::launch::async, [&] { return lab.apply(""); });
  ASSERT_TRUE(wait_journal(lab.journal_path(), [](const std::string& state, const auto&) {
    return state == "waiting-approval";
  }));
  spoil_key(key_file(lab));  // the key no longer matches the server's
  ASSERT_EQ(run_hitless("approve --journal " + lab.journal_path()).exit_code, 0);
  auto r = run.get();
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("switch-traffic"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(dns_server(lab)), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("BADSIG"), std::string::npos) << r.output;
  // Safe and serving: a never left service and clients still reach it.
  EXPECT_TRUE(serving_at(lab, "a", "7.1.0"));
  EXPECT_TRUE(serving_at(lab, "b", "7.2.0"));
  std::string who;
  EXPECT_TRUE(lab.service_answers(&who));
  EXPECT_EQ(who, "a");
}

TEST(DnsSwing, WrongKeyStopsTheRunAtPreflightBeforeAnyNodeLeavesService) {
  UpgradeLab lab(swing_yaml(dns_traffic()), kTimeScale);
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  spoil_key(key_file(lab));
  auto r = lab.apply();
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("check-traffic"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("NOTAUTH (TSIG BADSIG)"), std::string::npos) << r.output;
  auto status =
      json::parse(run_hitless("status --journal " + lab.journal_path() + " --format json").output);
  for (const auto& s : status.at("steps")) {
    const std::string id = s.at("id");
    if (id.find("install") != std::string::npos || id.find("break-ha") != std::string::npos) {
      EXPECT_NE(s.at("state"), "succeeded") << id;
    }
  }
  EXPECT_TRUE(serving_at(lab, "a", "7.1.0"));
  EXPECT_TRUE(serving_at(lab, "b", "7.1.0"));
  EXPECT_EQ(lab.node_field("a", "ha", "role"), "primary");
}

TEST(DnsSwing, PlanRefusesAKeyFileOthersCanReadOrNone) {
  UpgradeLab lab(swing_yaml(dns_traffic()), kTimeScale);
  const std::string key = key_file(lab);
  fs::permissions(key, fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
  auto loose = lab.plan("asynchronous");
  EXPECT_EQ(loose.exit_code, 2) << loose.output;
  EXPECT_NE(loose.output.find(key + ": TSIG key file is readable by others (mode 0644)"),
            std::string::npos)
      << loose.output;

  // The same inventory without key_file: refused, naming the field.
  std::ifstream in(lab.inventory());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto at = text.find(", key_file: secrets/dns-update.tsig");
  ASSERT_NE(at, std::string::npos) << text;
  text.erase(at, std::string(", key_file: secrets/dns-update.tsig").size());
  const std::string keyless = lab.dir() + "/keyless.yaml";
  write_text(keyless, text);
  auto none = run_hitless("plan -i " + keyless + " --to 7.2.0");
  EXPECT_EQ(none.exit_code, 2) << none.output;
  EXPECT_NE(none.output.find("keyless.yaml:"), std::string::npos) << none.output;
  EXPECT_NE(none.output.find("traffic.dns.key_file: a DNS-swung cluster needs a TSIG key file"),
            std::string::npos)
      << none.output;
}

bool port_free(const std::string& host_port) {
  const auto colon = host_port.rfind(':');
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(std::stoi(host_port.substr(colon + 1))));
  inet_pton(AF_INET, host_port.substr(0, colon).c_str(), &a.sin_addr);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

TEST(LabUp, ADnsServerThatCannotStartStopsLabUpWithItsOwnError) {
  // The DNS server's port is taken (UDP and TCP), so knotd cannot bind it.
  const int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  ASSERT_EQ(::bind(tcp, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ::getsockname(tcp, reinterpret_cast<sockaddr*>(&a), &len);
  const int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_EQ(::bind(udp, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  const std::string port = std::to_string(ntohs(a.sin_port));
  const ScratchDir scratch("knot-busy");  // kept for a look when the test fails
  const std::string& dir = scratch.path();
  std::string traffic = dns_traffic();
  traffic.replace(traffic.find("ttl: 1s}"), 8, "ttl: 1s, server: 127.0.0.1:" + port + "}");
  write_text(dir + "/lab.yaml", swing_yaml(traffic));
  auto up = run_hitless("lab up " + dir + "/lab.yaml --dir " + dir + "/run --time-scale 0.001");
  ::close(tcp);
  ::close(udp);
  EXPECT_NE(up.exit_code, 0) << up.output;
  EXPECT_NE(up.output.find("knotd exited at start"), std::string::npos) << up.output;
  EXPECT_NE(up.output.find("cannot bind address 127.0.0.1@" + port), std::string::npos)
      << up.output;
  EXPECT_FALSE(fs::exists(dir + "/run/lab.pid"));
}

TEST(LabDown, LeavesNoKnotdNoNamespaceAndNoBoundPort) {
  std::string yaml = swing_yaml(dns_traffic()) + R"(  - name: natpair
    kind: failover-pair
    traffic: nat
    nat: 127.0.0.1:0
    nodes:
      - {name: c, role: primary}
      - {name: d, role: backup}
)";
  UpgradeLab lab(yaml, kTimeScale);
  const json clusters = lab.handle().description().at("clusters");
  const int knot_pid = clusters.at("pair").at("dns").at("pid");
  const std::string dns = clusters.at("pair").at("dns").at("server");
  const std::string netns = clusters.at("natpair").at("nat").at("netns");
  ASSERT_GT(knot_pid, 0);
  ASSERT_EQ(::kill(knot_pid, 0), 0);
  ASSERT_TRUE(fs::exists("/run/netns/" + netns));
  ASSERT_FALSE(port_free(dns));
  std::string who;
  ASSERT_TRUE(lab.service_answers(&who));
  lab.down();
  EXPECT_NE(::kill(knot_pid, 0), 0) << "knotd " << knot_pid << " still runs";
  EXPECT_FALSE(fs::exists("/run/netns/" + netns));
  EXPECT_TRUE(port_free(dns));
  for (const char* n : {"a", "b"}) {
    const std::string addr = lab.handle().description().at("nodes").at(n).at("address");
    EXPECT_TRUE(port_free(addr)) << n << " " << addr;
  }
}

// A SIGKILLed daemon cannot stop knotd nor delete the NAT namespace; `lab down` does, from what
// the lab recorded when it created them (knotd's pid checked against its command line).
TEST(LabDown, AfterTheDaemonWasKilledRemovesItsKnotdAndNamespace) {
  std::string yaml = swing_yaml(dns_traffic()) + R"(  - name: natpair
    kind: failover-pair
    traffic: nat
    nat: 127.0.0.1:0
    nodes:
      - {name: c, role: primary}
      - {name: d, role: backup}
)";
  UpgradeLab lab(yaml, kTimeScale);
  const json description = lab.handle().description();
  const int daemon = description.at("pid");
  const int knot_pid = description.at("clusters").at("pair").at("dns").at("pid");
  const std::string dns = description.at("clusters").at("pair").at("dns").at("server");
  const std::string netns = description.at("clusters").at("natpair").at("nat").at("netns");
  ASSERT_EQ(::kill(daemon, SIGKILL), 0);
  const auto t0 = std::chrono::steady_clock::now();
  while (lab::process_alive(daemon) && seconds_since(t0) < 10)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_FALSE(lab::process_alive(daemon));
  ASSERT_TRUE(lab::process_alive(knot_pid)) << "knotd should outlive a SIGKILLed daemon";
  ASSERT_TRUE(fs::exists("/run/netns/" + netns));
  lab.down();
  EXPECT_FALSE(lab::process_alive(knot_pid)) << "knotd " << knot_pid << " still runs";
  EXPECT_FALSE(fs::exists("/run/netns/" + netns)) << netns;
  EXPECT_TRUE(port_free(dns));
}

}  // namespace
}  // namespace hitless::testing
