// The shared IP for real (`shared_ip: netns`): each node's data plane in a network namespace the
// lab creates, the VIP moved with `ip addr` and a gratuitous ARP, the probe on the client side
// (this namespace) through a bridge. A failover-pair upgrade under the probe; `lab down` leaves
// no namespace, also after the daemon was SIGKILLed.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <thread>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string netns_pair_yaml() {
  std::string yaml = pair_yaml();
  const std::string loopback = "shared_ip: 127.0.0.100";
  yaml.replace(yaml.find(loopback), loopback.size(), "shared_ip: netns");
  return yaml;
}

std::vector<std::string> namespaces_of(UpgradeLab& lab) {
  return lab.handle()
      .description()
      .at("clusters")
      .at("pair")
      .at("shared_ip_netns")
      .at("namespaces")
      .get<std::vector<std::string>>();
}

// The VIP on `node`'s eth0 in its namespace, as `ip` shows it.
bool holds_vip(UpgradeLab& lab, const std::string& node) {
  const json d = lab.handle().description().at("clusters").at("pair");
  const std::string vip =
      d.at("service").get<std::string>().substr(0, d.at("service").get<std::string>().rfind(':'));
  const std::string ns = d.at("shared_ip_netns").at("nodes").at(node);
  const std::string cmd = "ip -n " + ns + " -4 -o addr show dev eth0 | grep -qw " + vip;
  return std::system(cmd.c_str()) == 0;
}

TEST(NetnsSharedIp, TheVipLivesInTheOwnersNamespaceAndTheClientReachesItThroughTheBridge) {
  UpgradeLab lab(netns_pair_yaml());
  const std::string service = lab.service();
  EXPECT_EQ(service.rfind("100.", 0), 0u) << service;  // 100.64.0.0/10, not loopback
  for (const auto& ns : namespaces_of(lab)) EXPECT_TRUE(fs::exists("/run/netns/" + ns)) << ns;
  EXPECT_TRUE(holds_vip(lab, "a"));
  EXPECT_FALSE(holds_vip(lab, "b"));
  std::string who;
  ASSERT_TRUE(lab.service_answers(&who));
  EXPECT_EQ(who, "a");
}

TEST(NetnsSharedIp, AsyncPairUpgradeUnderTheProbeMovesTheVipWithAGratuitousArp) {
  UpgradeLab lab(netns_pair_yaml());
  const std::string sum_a = lab.checksum("a"), sum_b = lab.checksum("b");
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  const double rate = 200;
  const int sessions = 4;
  BackgroundProbe probe(lab.service(), rate, sessions);
  auto r = lab.apply();
  auto report = probe.stop();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // As with the loopback emulation: only the move itself (ip addr, listener, ARP: tens of ms)
  // may cost requests, all within one gap. Without the gratuitous ARP the client would keep a's
  // MAC and every request after the move would time out (and the gap bound below would fail).
  EXPECT_GT(report.requests, 50u) << probe::to_text(report);
  EXPECT_LE(report.failed, failures_within_one_gap(report, rate, sessions))
      << probe::to_text(report);
  EXPECT_LT(report.max_outage_ms, 500) << probe::to_text(report);
  EXPECT_GT(report.answered_by["b"], 0u) << probe::to_text(report);
  for (const char* n : {"a", "b"}) EXPECT_EQ(lab.node_field(n, "version"), "7.2.0") << n;
  EXPECT_EQ(lab.node_field("b", "owns_shared_ip"), "true");
  EXPECT_TRUE(holds_vip(lab, "b"));
  EXPECT_FALSE(holds_vip(lab, "a"));
  EXPECT_EQ(lab.checksum("a"), sum_a);
  EXPECT_EQ(lab.checksum("b"), sum_b);
  const auto namespaces = namespaces_of(lab);
  lab.down();
  for (const auto& ns : namespaces) EXPECT_FALSE(fs::exists("/run/netns/" + ns)) << ns;
}

TEST(NetnsSharedIp, LabDownAfterTheDaemonWasKilledDeletesEveryNamespace) {
  UpgradeLab lab(netns_pair_yaml());
  const int daemon = lab.handle().pid();
  const auto namespaces = namespaces_of(lab);
  ASSERT_EQ(::kill(daemon, SIGKILL), 0);
  const auto t0 = std::chrono::steady_clock::now();
  while (lab::process_alive(daemon) && seconds_since(t0) < 10)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  for (const auto& ns : namespaces) ASSERT_TRUE(fs::exists("/run/netns/" + ns)) << ns;
  lab.down();
  for (const auto& ns : namespaces) EXPECT_FALSE(fs::exists("/run/netns/" + ns)) << ns;
}

}  // namespace
}  // namespace hitless::testing
