// S2 end to end (seed 000, Active/Active behind a load balancer): the lab's real HAProxy in front
// of a 4-member Pulse cluster whose push upgrades enabled members; the probe goes through HAProxy.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>

#include "net/http_client.hpp"
#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

constexpr double kScale = 0.001;

// session_lifetime: how long a client session lasts, so drains wait for real sessions.
std::string s02_yaml(const std::string& session_lifetime) {
  return "lab: s02\n"
         "defaults: {version: 9.1R1, install: 20m, reboot: 5m, session_lifetime: " +
         session_lifetime +
         "}\n"
         "repository:\n"
         "  - {name: pulse, version: 9.1R3, kind: product, size_mb: 700}\n"
         "clusters:\n"
         "  - name: aa\n"
         "    kind: active-active\n"
         "    traffic: load-balancer\n"
         "    nodes:\n"
         "      - {name: aa-1, role: member}\n"
         "      - {name: aa-2, role: member}\n"
         "      - {name: aa-3, role: member}\n"
         "      - {name: aa-4, role: member}\n";
}

const char* kMembers[] = {"aa-1", "aa-2", "aa-3", "aa-4"};

CommandResult plan_s02(UpgradeLab& lab, const std::string& strategy) {
  return run_hitless("plan -i " + lab.inventory() + " --to 9.1R3 --strategy " + strategy +
                     " --policy capacity_floor=50% --policy max_unavailable=2 -o " +
                     lab.plan_path());
}

bool port_accepts(const std::string& address) {
  const auto colon = address.rfind(':');
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1))));
  ::inet_pton(AF_INET, address.substr(0, colon).c_str(), &a.sin_addr);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

bool process_alive(int pid) { return pid > 0 && ::kill(pid, 0) == 0; }

TEST(S2ActiveActive, LabUpPutsHaproxyInFrontAndLabDownLeavesNothing) {
  Lab lab(s02_yaml("2m"), kScale);
  const auto lb = lab.handle().description().at("clusters").at("aa");
  const std::string service = lb.at("service");
  const int pid = lb.at("haproxy").at("pid");
  const std::string socket =
      lab.dir() + "/" + lb.at("haproxy").at("runtime_socket").get<std::string>();
  EXPECT_EQ(lb.at("haproxy").at("backend"), "aa");
  ASSERT_TRUE(process_alive(pid));
  ASSERT_TRUE(std::filesystem::exists(socket));
  // The service answers through HAProxy from every member in turn.
  std::set<std::string> answered;
  net::ClientRequest rq;
  lab::split_address(service, rq.host, rq.port);
  for (int i = 0; i < 8; ++i) {
    auto r = net::http_call(rq);
    ASSERT_TRUE(r.ok()) << r.message();
    ASSERT_EQ(r->status, 200) << r->body;
    answered.insert(nlohmann::json::parse(r->body).at("node").get<std::string>());
  }
  EXPECT_EQ(answered.size(), 4u);
  for (const char* n : kMembers) EXPECT_NE(lab.node(n).at("address"), service);

  lab.down();
  EXPECT_FALSE(process_alive(pid)) << "HAProxy left running";
  EXPECT_FALSE(std::filesystem::exists(socket)) << "runtime socket left behind";
  EXPECT_FALSE(port_accepts(service)) << "the service port is still bound";
}

TEST(S2ActiveActive, LabDownAfterTheDaemonWasKilledStopsItsHaproxy) {
  Lab lab(s02_yaml("2m"), kScale);
  const auto d = lab.handle().description();
  const int daemon = d.at("pid");
  const int haproxy = d.at("clusters").at("aa").at("haproxy").at("pid");
  ASSERT_EQ(::kill(daemon, SIGKILL), 0);
  lab.down();
  EXPECT_FALSE(process_alive(haproxy)) << "HAProxy outlived its lab";
  EXPECT_FALSE(std::filesystem::exists(lab.dir() + "/haproxy/admin.sock"));
  EXPECT_FALSE(port_accepts(d.at("clusters").at("aa").at("service")));
}

TEST(S2ActiveActive, UnderTheProbeThroughHaproxyNoRequestFailsAndNoSessionIsDropped) {
  UpgradeLab lab(s02_yaml("2m"), kScale);
  auto plan = plan_s02(lab, "lb-rejoin");
  ASSERT_EQ(plan.exit_code, 0) << plan.output;
  BackgroundProbe probe(lab.service("aa"), 200, 8);
  auto r = lab.apply();
  auto report = probe.stop();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_NE(r.output.find("run completed"), std::string::npos) << r.output;
  for (const char* n : kMembers) EXPECT_EQ(lab.node_field(n, "version"), "9.1R3") << n;
  EXPECT_GT(report.requests, 100u);
  EXPECT_EQ(report.failed, 0u) << nlohmann::json(report.failures_by_cause).dump();
  EXPECT_GT(report.sessions_opened, 8u);
  EXPECT_GT(report.sessions_completed, 0u);
  EXPECT_EQ(report.sessions_dropped, 0u);
  EXPECT_EQ(report.answered_by.size(), 4u) << "every member served through HAProxy";
}

TEST(S2ActiveActive, HaproxyKilledMidDrainStopsTheRunSafeAndServing) {
  // Sessions of 30 model minutes (1.8 s here): the first drain waits for them.
  UpgradeLab lab(s02_yaml("30m"), kScale);
  auto plan = plan_s02(lab, "lb-rejoin");
  ASSERT_EQ(plan.exit_code, 0) << plan.output;
  const int pid = lab.handle().description().at("clusters").at("aa").at("haproxy").at("pid");
  BackgroundProbe probe(lab.service("aa"), 50, 8);
  auto run = std::async(std::launch::async, [&] { return lab.apply(); });
  ASSERT_TRUE(wait_journal(lab.journal_path(), [](const std::string&, const auto& steps) {
    for (const auto& [id, state] : steps)
      if (id.find("lb-drain-aa-1") != std::string::npos && state == "running") return true;
    return false;
  }));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  auto r = run.get();
  (void)probe.stop();
  ASSERT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("HAProxy"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("lb-drain-aa-1"), std::string::npos) << r.output;
  // No member left service: nothing was installed, every member serves its clients.
  for (const char* n : kMembers) {
    EXPECT_EQ(lab.node_field(n, "version"), "9.1R1") << n;
    EXPECT_EQ(lab.node_field(n, "serving"), "true") << n;
  }
}

TEST(S2ActiveActive, HaproxyGoneStopsTheRunBeforeAnyMemberLeavesService) {
  UpgradeLab lab(s02_yaml("2m"), kScale);
  auto plan = plan_s02(lab, "lb-rejoin");
  ASSERT_EQ(plan.exit_code, 0) << plan.output;
  const int pid = lab.handle().description().at("clusters").at("aa").at("haproxy").at("pid");
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  auto r = lab.apply();
  ASSERT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("failed: aa/02-lb-check: HAProxy (cluster aa"), std::string::npos)
      << r.output;
  for (const char* n : kMembers) {
    EXPECT_EQ(lab.node_field(n, "version"), "9.1R1") << n;
    EXPECT_EQ(lab.node_field(n, "serving"), "true") << n;
    EXPECT_EQ(lab.node(n).at("member").at("enabled"), true) << n << " was disabled";
  }
}

TEST(S2ActiveActive, HaproxyFailingToStartStopsLabUpWithItsOwnError) {
  // The load balancer's port is taken: HAProxy cannot bind its frontend.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const std::string port = std::to_string(ntohs(a.sin_port));
  std::string yaml = s02_yaml("2m");
  yaml.replace(yaml.find("    nodes:"), 0, "    load_balancer: 127.0.0.1:" + port + "\n");
  const std::string dir = make_temp_dir("s02bad");
  write_text(dir + "/lab.yaml", yaml);
  auto r = run_hitless("lab up " + dir + "/lab.yaml --dir " + dir + "/run --time-scale 0.001");
  ::close(fd);
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("HAProxy"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("cannot bind socket"), std::string::npos) << "HAProxy's own words:\n"
                                                                    << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "/run/lab.json"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/run/haproxy/admin.sock"));
  std::error_code ec;
  if (!HasFailure()) std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace hitless::testing
