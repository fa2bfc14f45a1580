// SshRunner (libssh client) against a real SSH server on loopback (libssh's server side):
// commands over a kept connection, host key pinning, key-only authentication, deadlines and a
// connection dropped mid-command.
#include "net/ssh_runner.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>

#include "drivers/command/command_driver.hpp"
#include "lab_harness.hpp"
#include "ssh_test_server.hpp"

namespace hitless::testing {
namespace {

namespace fs = std::filesystem;

class Ssh : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("ssh"); }
  void TearDown() override {
    server_.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }
  SshTestServer& start(bool password_only = false) {
    server_ = std::make_unique<SshTestServer>(dir_, password_only);
    write_text(dir_ + "/known_hosts", server_->known_hosts_line());
    return *server_;
  }
  net::SshTarget target() const {
    return {
        "n", "127.0.0.1", server_->port(), "admin", server_->client_key(), dir_ + "/known_hosts",
        5,   15};
  }
  net::ProcessResult run(const net::SshTarget& t, const std::string& command,
                         const std::string& input = "", double timeout_s = 10) {
    net::ProcessResult got;
    runner_.run(t, {command, input, timeout_s, 1 << 20},
                [&](net::ProcessResult r) { got = std::move(r); });
    io_.run();
    io_.restart();
    return got;
  }

  std::string dir_;
  std::unique_ptr<SshTestServer> server_;
  boost::asio::io_context io_;
  net::SshRunner runner_{io_};
};

TEST_F(Ssh, RunsCommandsWithStdinOutputAndExitStatusOverOneConnection) {
  start();
  auto r = run(target(), "echo out; echo err >&2; exit 3");
  ASSERT_TRUE(r.started) << r.spawn_error;
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_EQ(r.exit_code, 3);
  r = run(target(), "cat", "from stdin");
  EXPECT_EQ(r.out, "from stdin");
  EXPECT_EQ(r.exit_code, 0);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(run(target(), "echo " + std::to_string(i)).exit_code, 0);
}

TEST_F(Ssh, AnUnknownHostKeyIsRefusedShowingItsFingerprint) {
  start();
  write_text(dir_ + "/known_hosts", "");
  auto r = run(target(), "echo hi");
  EXPECT_FALSE(r.started);
  EXPECT_FALSE(r.unreachable);
  EXPECT_NE(r.spawn_error.find("host key SHA256:"), std::string::npos) << r.spawn_error;
  EXPECT_NE(r.spawn_error.find("is not in " + dir_ + "/known_hosts"), std::string::npos)
      << r.spawn_error;
}

TEST_F(Ssh, AChangedHostKeyIsRefusedShowingTheNewFingerprint) {
  start();
  ASSERT_EQ(std::system(("ssh-keygen -q -t ed25519 -N '' -f " + dir_ + "/other_key").c_str()), 0);
  std::ifstream pub(dir_ + "/other_key.pub");
  std::string type, key;
  pub >> type >> key;
  write_text(dir_ + "/known_hosts",
             "[127.0.0.1]:" + std::to_string(server_->port()) + " " + type + " " + key + "\n");
  auto r = run(target(), "echo hi");
  EXPECT_FALSE(r.started);
  EXPECT_NE(r.spawn_error.find("host key CHANGED (now SHA256:"), std::string::npos)
      << r.spawn_error;
}

TEST_F(Ssh, APasswordOnlyServerIsRefusedBecauseKeysAreRequired) {
  start(/*password_only=*/true);
  auto r = run(target(), "echo hi");
  EXPECT_FALSE(r.started);
  EXPECT_NE(r.spawn_error.find("does not offer key authentication"), std::string::npos)
      << r.spawn_error;
}

TEST_F(Ssh, NobodyListeningIsUnreachable) {
  start();
  auto t = target();
  server_.reset();  // the port is free again
  auto r = run(t, "echo hi");
  EXPECT_FALSE(r.started);
  EXPECT_TRUE(r.unreachable) << r.spawn_error;
}

TEST_F(Ssh, ACommandPastItsDeadlineIsAbandonedAndTheNextOneRuns) {
  start();
  auto r = run(target(), "sleep 30", "", 0.3);
  EXPECT_TRUE(r.timed_out);
  r = run(target(), "echo after");
  EXPECT_EQ(r.out, "after\n") << r.spawn_error;
}

TEST_F(Ssh, AConnectionDroppedMidCommandIsReportedAndMadeAgain) {
  start();
  auto r = run(target(), "__drop__");
  EXPECT_TRUE(r.started);
  EXPECT_TRUE(r.connection_lost);
  EXPECT_EQ(r.out, "going down\n");
  r = run(target(), "echo back");
  EXPECT_EQ(r.out, "back\n") << r.spawn_error;
  EXPECT_EQ(r.exit_code, 0);
}

}  // namespace
}  // namespace hitless::testing

namespace hitless::testing {
namespace {

// The command driver with a profile whose `exec` commands run on the node over SSH.
TEST_F(Ssh, TheCommandDriverRunsExecCommandsOnTheNodeOverSsh) {
  start();
  ::chmod(server_->client_key().c_str(), 0600);
  write_text(dir_ + "/p.yaml", R"(profile: remote
transport: {kind: ssh, user: admin, key_file: '{secret.token_file}', known_hosts: '{inventory.dir}/known_hosts'}
actions:
  status:
    exec: 'printf "Version: 7.2.0\nrole: Backup\n"'
    timeout: 10s
    output: regex
    regex: 'Version: (?<version>\S+)\nrole: (?<role>\w+)'
    fields: {version: version, ha_role: role}
    values: {ha_role: {Backup: backup, Master: primary}}
  install:
    exec: 'echo installing {params.package} activate={params.activate}'
    timeout: 10s
    output: regex
    regex: 'installing (?<package>\S+)'
  reboot:
    exec: __drop__
    timeout: 10s
    output: regex
    regex: '(?<state>going down)'
)");
  auto inv = parse_inventory_text(
      "inventory: t\nrepository: {dir: r, public_key_file: r/k}\n"
      "clusters:\n  - name: c\n    kind: single\n"
      "    traffic: {kind: none}\n    nodes:\n"
      "      - {name: n, role: standalone, driver: command, "
      "vendor_profile: p.yaml, address: 127.0.0.1:" +
          std::to_string(server_->port()) + ", token_file: client_key}\n",
      dir_ + "/inv.yaml", dir_);
  ASSERT_TRUE(inv.ok()) << inv.message();
  auto d = drivers::CommandApplianceDriver::create(io_, *inv);
  ASSERT_TRUE(d.ok()) << d.message();
  std::optional<Result<ObservedNode, drivers::DriverErrc>> seen;
  (*d)->observe("n", [&](Result<ObservedNode, drivers::DriverErrc> r) { seen = std::move(r); });
  io_.run();
  io_.restart();
  ASSERT_TRUE(seen && seen->ok()) << (seen ? seen->message() : "no answer");
  EXPECT_EQ((*seen)->version, "7.2.0");
  EXPECT_EQ((*seen)->ha_role, "backup");
  const auto perform = [&](const drivers::Action& a) {
    std::optional<Result<nlohmann::json, drivers::DriverErrc>> got;
    (*d)->perform("n", a,
                  [&](Result<nlohmann::json, drivers::DriverErrc> r) { got = std::move(r); });
    io_.run();
    io_.restart();
    return std::move(*got);
  };
  auto installed = perform({"install", {{"package", "junos-22.2R3"}, {"activate", "now"}}});
  ASSERT_TRUE(installed.ok()) << installed.message();
  EXPECT_EQ((*installed)["package"], "junos-22.2R3");
  // A value that is not a plain word never reaches the node's command line.
  auto refused = perform({"install", {{"package", "x; reboot"}, {"activate", "now"}}});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("is not a plain word"), std::string::npos) << refused.message();
  // The node drops the connection as it reboots: what it said first is the answer.
  auto rebooted = perform({"reboot", {}});
  ASSERT_TRUE(rebooted.ok()) << rebooted.message();
  EXPECT_EQ((*rebooted)["state"], "going down");
  // The reboot ended the connection, so the next command connects afresh: with the host key
  // no longer pinned, the driver refuses, naming the fingerprint.
  write_text(dir_ + "/known_hosts", "");
  auto unpinned = perform({"install", {{"package", "p"}, {"activate", "now"}}});
  ASSERT_FALSE(unpinned.ok());
  EXPECT_NE(unpinned.message().find("host key SHA256:"), std::string::npos) << unpinned.message();
}

}  // namespace
}  // namespace hitless::testing
