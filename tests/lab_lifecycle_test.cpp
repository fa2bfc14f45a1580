// `hitless lab up|down|inspect|fault` as a user runs them, and the failover relation rules.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "lab/daemon/lab_dir.hpp"
#include "lab_harness.hpp"

namespace hitless::testing {
namespace {

using nlohmann::json;

bool something_listens(const std::string& address) {
  std::string host;
  std::uint16_t port = 0;
  if (!lab::split_address(address, host, port)) return false;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, host.c_str(), &sa.sin_addr);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  close(fd);
  return ok;
}

TEST(LabLifecycle, UpWritesInventoryAndLabJsonAndDownLeavesNoProcessNorPort) {
  Lab lab(pair_yaml(), 0.001);
  const auto& d = lab.handle().description();
  std::vector<std::string> addresses{d.at("control").at("address"), lab.service()};
  for (const auto& [name, n] : d.at("nodes").items()) addresses.push_back(n.at("address"));
  for (const auto& a : addresses) EXPECT_TRUE(something_listens(a)) << a;
  EXPECT_TRUE(std::filesystem::exists(lab.dir() + "/inventory.yaml"));
  const std::string inv = lab::read_file(lab.dir() + "/inventory.yaml");
  EXPECT_NE(inv.find("token_file: secrets/a.token"), std::string::npos) << inv;
  EXPECT_NE(inv.find(lab.service()), std::string::npos) << inv;
  const int pid = lab.handle().pid();
  ASSERT_TRUE(lab::process_alive(pid));

  lab.down();
  EXPECT_FALSE(lab::process_alive(pid));
  for (const auto& a : addresses)
    EXPECT_FALSE(something_listens(a)) << a << " still answers after lab down";
  // Down twice is harmless.
  EXPECT_EQ(run_hitless("lab down --dir " + lab.dir()).exit_code, 0);
}

TEST(LabLifecycle, InspectShowsEveryPromisedField) {
  Lab lab(pair_yaml(), 0.001);
  auto r = run_hitless("lab inspect --dir " + lab.dir() + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = json::parse(r.output);
  ASSERT_EQ(j.at("nodes").size(), 2u);
  const auto& a = j.at("nodes").at(0);
  for (const char* key :
       {"name", "version", "active_slot", "alternate_slot", "staged", "role", "ha",
        "owns_shared_ip", "accepting", "sessions", "serving", "power", "data"})
    EXPECT_TRUE(a.contains(key)) << key;
  EXPECT_EQ(a.at("ha").at("peer"), "b");
  EXPECT_EQ(a.at("owns_shared_ip"), true);
  auto text = run_hitless("lab inspect --dir " + lab.dir());
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.output.find("primary:b"), std::string::npos) << text.output;
}

TEST(LabLifecycle, SecondUpInTheSameDirIsRefused) {
  Lab lab(pair_yaml(), 0.001);
  write_text(lab.dir() + "/../again.yaml", pair_yaml());
  auto r = run_hitless("lab up " + lab.dir() + "/../again.yaml --dir " + lab.dir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("already running"), std::string::npos) << r.output;
}

TEST(LabLifecycle, CommandsOnAStoppedLabSayNothingRuns) {
  const ScratchDir scratch("none");
  const std::string& dir = scratch.path();
  auto r = run_hitless("lab inspect --dir " + dir);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.output.find("no lab is running"), std::string::npos) << r.output;
}

TEST(LabFailover, EstablishRefusedWithWrongInterApplianceKey) {
  std::string yaml = pair_yaml("", "broken");
  yaml.replace(yaml.find("{name: b, role: backup}"), 23,
               "{name: b, role: backup, inter_appliance_key: other}");
  Lab lab(yaml, 0.001);
  auto [st, body] =
      lab.api("a", "POST", "/api/v1/failover/establish", {{"peer", "b"}, {"role", "primary"}});
  EXPECT_EQ(st, 409);
  EXPECT_NE(body.at("error").get<std::string>().find("inter-appliance keys"), std::string::npos)
      << body;
  EXPECT_EQ(lab.node("a").at("ha").at("role"), "none");
}

TEST(LabFailover, EstablishRefusedWhenInstalledPackagesDiffer) {
  Lab lab(pair_yaml(), 0.001);
  ASSERT_EQ(lab.api("a", "POST", "/api/v1/failover/break").first, 200);
  EXPECT_EQ(lab.node("b").at("ha").at("role"), "none");
  ASSERT_EQ(lab.stage("b", "base-3.1.0").first, 201);
  ASSERT_EQ(lab.api("b", "POST", "/api/v1/install", {{"package", "base-3.1.0"}}).first, 202);
  ASSERT_TRUE(lab.wait_node("b", [](const json& n) {
    return n.at("install").at("state") == "done" && n.at("serving") == true;
  }));
  ASSERT_EQ(lab.stage("b", "product-7.2.0").first, 201);
  ASSERT_EQ(lab.api("b", "POST", "/api/v1/install", {{"package", "product-7.2.0"}}).first, 202);
  ASSERT_TRUE(lab.wait_node(
      "b", [](const json& n) { return n.at("version") == "7.2.0" && n.at("serving") == true; }));

  auto [st, body] =
      lab.api("b", "POST", "/api/v1/failover/establish", {{"peer", "a"}, {"role", "primary"}});
  EXPECT_EQ(st, 409);
  EXPECT_NE(body.at("error").get<std::string>().find(
                "packages differ: b has base 3.1.0, a has base 3.0; "
                "b has product 7.2.0, a has product 7.1.0; establish refused"),
            std::string::npos)
      << body;
  EXPECT_EQ(lab.node("b").at("ha").at("role"), "none");
}

TEST(LabPower, OutOfBandPowerWorksThroughTheBmcEndpoint) {
  std::string yaml = pair_yaml("  oob_power: true\n");
  Lab lab(yaml, 0.001);
  const auto& bmc = lab.handle().description().at("nodes").at("b").at("bmc");
  std::string host;
  std::uint16_t port = 0;
  ASSERT_TRUE(lab::split_address(bmc.at("address"), host, port));
  std::string token = lab::read_file(lab.dir() + "/" + bmc.at("token_file").get<std::string>());
  token.pop_back();
  net::ClientRequest rq{
      host, port, "POST", bmc.at("path"), R"({"state":"off"})", "application/json", token, {}, 5};
  auto r = net::http_call(rq);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 202) << r->body;
  EXPECT_EQ(lab.node("b").at("power"), "off");
  rq.bearer_token = "wrong";
  EXPECT_EQ(net::http_call(rq)->status, 403);
  rq.bearer_token = token;
  rq.body = R"({"state":"on"})";
  EXPECT_EQ(net::http_call(rq)->status, 202);
  ASSERT_TRUE(lab.wait_node("b", [](const json& n) { return n.at("serving") == true; }));
}

}  // namespace
}  // namespace hitless::testing
