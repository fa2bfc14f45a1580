// Bad input gets one clear error and changes nothing: lab files, the management API, the lab's
// own commands.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "lab_harness.hpp"

namespace hitless::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct BadLab {
  const char* name;
  std::string yaml;
  std::string expect;  // part of the message: "lab.yaml:LINE: FIELD"
};

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  if (at == std::string::npos) throw std::runtime_error("fixture text not found: " + from);
  return s.replace(at, from.size(), to);
}

class LabFileErrors : public ::testing::TestWithParam<BadLab> {};

TEST_P(LabFileErrors, OneClearErrorNamingFileLineAndFieldAndNothingStarts) {
  const auto& c = GetParam();
  const ScratchDir scratch("bad");
  const std::string& dir = scratch.path();
  write_text(dir + "/lab.yaml", c.yaml);
  auto r = run_hitless("lab up " + dir + "/lab.yaml --dir " + dir + "/run --time-scale 0.001");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(c.expect), std::string::npos)
      << "want '" << c.expect << "' in: " << r.output;
  EXPECT_FALSE(fs::exists(dir + "/run/lab.json"));
  EXPECT_FALSE(fs::exists(dir + "/run/lab.pid"));
}

// pair_yaml() lines: 12 repository, 15 clusters, 16 "- name: pair", 22 node a, 23 node b.
INSTANTIATE_TEST_SUITE_P(
    Cases, LabFileErrors,
    ::testing::Values(
        BadLab{"unknown_field",
               replace(pair_yaml(), "  reboot: 2m\n", "  reboot: 2m\n  rebot: 3m\n"),
               "lab.yaml:7: defaults.rebot"},
        BadLab{"wrong_type", replace(pair_yaml(), "reboot: 2m", "reboot: [2m]"),
               "lab.yaml:6: defaults.reboot"},
        BadLab{"not_a_duration", replace(pair_yaml(), "reboot: 2m", "reboot: soon"),
               "lab.yaml:6: defaults.reboot"},
        BadLab{"duplicate_node",
               replace(pair_yaml(), "{name: b, role: backup}", "{name: a, role: backup}"),
               "lab.yaml:23: clusters[0].nodes[1].name"},
        BadLab{"two_shared_ip_owners",
               replace(pair_yaml(), "{name: b, role: backup}",
                       "{name: b, role: backup, owns_shared_ip: true}"),
               "lab.yaml:23: clusters[0].nodes[1].owns_shared_ip"},
        BadLab{
            "port_clash",
            replace(replace(pair_yaml(), "{name: a, role: primary,",
                            "{name: a, address: 127.0.0.1:40123, role: primary,"),
                    "{name: b, role: backup}", "{name: b, role: backup, address: 127.0.0.1:40123}"),
            "lab.yaml:23: clusters[0].nodes[1].address"},
        BadLab{"syntax", "lab: x\nclusters: [\n", "lab.yaml:"}, BadLab{"empty", "", "lab.yaml"}),
    [](const ::testing::TestParamInfo<BadLab>& p) { return std::string(p.param.name); });

TEST(LabFileErrors, MissingFileIsNamed) {
  auto r = run_hitless("lab up /nonexistent/lab.yaml --dir /tmp/hitless-never");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("/nonexistent/lab.yaml"), std::string::npos) << r.output;
}

TEST(LabStartErrors, PortAlreadyTakenByAnotherProgramNamesTheNodeAndLeavesNothingRunning) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof sa;
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  const std::string port = std::to_string(ntohs(sa.sin_port));
  const ScratchDir scratch("clash");
  const std::string& dir = scratch.path();
  write_text(dir + "/lab.yaml",
             replace(pair_yaml(), "{name: b, role: backup}",
                     "{name: b, role: backup, address: 127.0.0.1:" + port + "}"));
  auto r = run_hitless("lab up " + dir + "/lab.yaml --dir " + dir + "/run --time-scale 0.001");
  close(fd);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("node b"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir + "/run/lab.json"));
}

// The management API: every bad request gets a 4xx with a reason and changes nothing.
class ApiErrors : public ::testing::Test {
 protected:
  void SetUp() override { lab_ = std::make_unique<Lab>(pair_yaml(), 0.001); }
  json state() {
    auto n = lab_->node("a");
    n.erase("time");
    n.erase("management_requests");  // counts the refused calls themselves
    return n;
  }
  std::unique_ptr<Lab> lab_;
};

TEST_F(ApiErrors, BadJsonMissingTokenWrongTokenAndImpossibleRequestsChangeNothing) {
  const json before = state();
  auto a = lab_->handle().node("a");
  auto raw = [&](const std::string& method, const std::string& target, const std::string& body,
                 const std::string& token) {
    net::ClientRequest rq{a->host, a->port, method, target, body, "application/json", token, {}, 5};
    auto r = net::http_call(rq);
    return r ? std::make_pair(r->status, json::parse(r->body, nullptr, false))
             : std::make_pair(0, json());
  };
  struct Case {
    std::string method, target, body, token;
    int status;
  };
  const std::vector<Case> cases{
      {"POST", "/api/v1/install", "{not json", a->token, 400},
      {"POST", "/api/v1/install", "[1,2]", a->token, 400},
      {"POST", "/api/v1/install", R"({"package": 7})", a->token, 400},
      {"POST", "/api/v1/install", R"({"package": "base-3.1.0", "activate": "sometime"})", a->token,
       400},
      {"POST", "/api/v1/install", R"({"package": "base-3.1.0"})", "", 401},
      {"POST", "/api/v1/install", R"({"package": "base-3.1.0"})", "not-the-token", 403},
      {"POST", "/api/v1/install", R"({"package": "base-3.1.0"})", a->token, 404},  // not staged
      {"POST", "/api/v1/failover/establish", R"({"peer": "a", "role": "primary"})", a->token, 404},
      {"POST", "/api/v1/failover/establish", R"({"peer": "b", "role": "king"})", a->token, 400},
      {"POST", "/api/v1/failover/establish", R"({"peer": "b", "role": "backup"})", a->token,
       409},                                                           // exists already
      {"POST", "/api/v1/boot-slot", R"({"slot": 1})", a->token, 409},  // empty slot
      {"POST", "/api/v1/boot-slot", R"({"slot": 7})", a->token, 400},
      {"POST", "/api/v1/power", R"({"state": "on"})", a->token, 400},
      {"POST", "/api/v1/packages", "HITLESS-PKG 1\n{}\n", a->token, 400},  // no signature header
      {"POST", "/api/v1/restore", R"({"backup": "garbage"})", a->token, 400},
      {"GET", "/api/v1/nothing-here", "", a->token, 404},
  };
  for (const auto& c : cases) {
    auto [st, body] = raw(c.method, c.target, c.body, c.token);
    EXPECT_EQ(st, c.status) << c.method << " " << c.target << " " << c.body << " -> " << body;
    ASSERT_TRUE(body.is_object() && body.contains("error")) << c.target << ": no reason given";
    EXPECT_FALSE(body.at("error").get<std::string>().empty());
  }
  EXPECT_EQ(state(), before);
}

TEST_F(ApiErrors, LabCommandsRejectUnknownNodesAndFaultsWithoutChangingAnything) {
  const json before = state();
  auto r = run_hitless("lab fault --dir " + lab_->dir() + " nosuchnode hang");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("nosuchnode"), std::string::npos) << r.output;
  r = run_hitless("lab fault --dir " + lab_->dir() + " a explode");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("install-fail"), std::string::npos) << r.output;  // lists the known kinds
  EXPECT_EQ(state(), before);
}

}  // namespace
}  // namespace hitless::testing
