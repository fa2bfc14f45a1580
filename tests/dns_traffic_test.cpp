// The DNS traffic driver against a real knotd that each test starts on loopback and stops:
// signed updates move the record, a wrong key is refused with BADSIG, no key with NOTAUTH, and
// the errors name the server and its rcode.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio.hpp>
#include <filesystem>
#include <fstream>

#include "drivers/dns_switch.hpp"
#include "lab/daemon/knot_server.hpp"
#include "net/dns_client.hpp"
#include "net/tsig_key.hpp"

namespace hitless {
namespace {
namespace fs = std::filesystem;
using net::DnsErrc;

class DnsTraffic : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hitless-dns-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    key_ = lab::generate_tsig_key("upd-key");
    lab::KnotOptions o;
    o.dir = dir_.string();
    o.zones = {{"example.test", 5, {{"app.example.test", "127.0.0.11"}}}};
    o.key = key_;
    auto k = lab::KnotServer::start(o);
    ASSERT_TRUE(k) << k.message();
    knot_ = std::move(*k);
  }
  void TearDown() override {
    const int pid = knot_ ? knot_->pid() : -1;
    knot_.reset();
    if (pid > 0) {
      EXPECT_NE(::kill(pid, 0), 0) << "knotd still running";
    }
    fs::remove_all(dir_);
  }
  fs::path dir_;
  net::TsigKey key_;
  std::unique_ptr<lab::KnotServer> knot_;
};

TEST_F(DnsTraffic, SignedUpdateReplacesTheRecordVisibleAtOnce) {
  auto before = net::query_a(knot_->server(), "app.example.test");
  ASSERT_TRUE(before) << before.message();
  EXPECT_EQ(before->addresses, std::vector<std::string>{"127.0.0.11"});
  EXPECT_EQ(before->ttl, 5u);

  auto r = net::replace_a_record(knot_->server(), key_, "example.test", "app.example.test", 7,
                                 "127.0.0.12");
  ASSERT_TRUE(r) << r.message();
  auto after = net::query_a(knot_->server(), "app.example.test");
  ASSERT_TRUE(after) << after.message();
  EXPECT_EQ(after->addresses, std::vector<std::string>{"127.0.0.12"});
  EXPECT_EQ(after->ttl, 7u);
}

TEST_F(DnsTraffic, WrongSecretIsRefusedWithBadsigNamingTheServer) {
  net::TsigKey wrong = lab::generate_tsig_key("upd-key");
  auto r = net::replace_a_record(knot_->server(), wrong, "example.test", "app.example.test", 5,
                                 "127.0.0.13");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.code(), net::DnsErrc::kRefused);
  EXPECT_NE(r.message().find(knot_->server().str()), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("NOTAUTH"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("BADSIG"), std::string::npos) << r.message();
  auto still = net::query_a(knot_->server(), "app.example.test");
  ASSERT_TRUE(still);
  EXPECT_EQ(still->addresses, std::vector<std::string>{"127.0.0.11"});
}

TEST_F(DnsTraffic, UnknownKeyNameIsRefusedWithNotauth) {
  net::TsigKey other = lab::generate_tsig_key("someone-else");
  auto r = net::check_update_allowed(knot_->server(), other, "example.test");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.code(), net::DnsErrc::kRefused);
  EXPECT_NE(r.message().find("NOTAUTH"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("BADKEY"), std::string::npos) << r.message();
}

TEST_F(DnsTraffic, NoOpUpdateChecksTheKeyWithoutChangingTheZone) {
  auto r = net::check_update_allowed(knot_->server(), key_, "example.test");
  ASSERT_TRUE(r) << r.message();
  auto outside = net::check_update_allowed(knot_->server(), key_, "other.test");
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.code(), net::DnsErrc::kRefused);
  auto still = net::query_a(knot_->server(), "app.example.test");
  ASSERT_TRUE(still);
  EXPECT_EQ(still->addresses, std::vector<std::string>{"127.0.0.11"});
}

TEST_F(DnsTraffic, SilentServerIsUnreachableAfterTheRetryPolicy) {
  net::DnsServer gone = knot_->server();
  knot_->stop();
  gone.timeout_s = 0.3;
  gone.attempts = 2;
  auto r = net::replace_a_record(gone, key_, "example.test", "app.example.test", 5, "127.0.0.14");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.code(), net::DnsErrc::kUnreachable);
  EXPECT_NE(r.message().find("2 attempts"), std::string::npos) << r.message();
}

// The switch the executor calls: the ldns update runs off the io thread, which keeps serving
// (a timer fires) while the update waits; the result comes back on the io thread.
struct SwitchRun {
  bool timer_fired_first = false;
  Result<nlohmann::json, drivers::DriverErrc> result = nlohmann::json();
};

SwitchRun move_through_switch(const std::string& server, const std::string& key_file) {
  Inventory inv;
  inv.file = "inventory.yaml";
  InventoryCluster c;
  c.name = "pair";
  c.traffic_kind = "dns";
  c.dns = hitless::DnsTraffic{server, "example.test", "app.example.test", 5, key_file, 1};
  for (const char* n : {"a", "b"}) {
    InventoryNode node;
    node.name = n;
    node.address = std::string(n) == "a" ? "127.0.0.11:80" : "127.0.0.12:80";
    c.nodes.push_back(node);
  }
  inv.clusters = {c};
  boost::asio::io_context io;
  auto sw = drivers::DnsTrafficSwitch::create(io, inv);
  EXPECT_TRUE(sw) << sw.message();
  SwitchRun run;
  bool done = false, fired = false;
  boost::asio::steady_timer tick(io, std::chrono::milliseconds(1));
  tick.async_wait([&](const boost::system::error_code&) { fired = true; });
  (*sw)->move_clients("pair", "a", "b", "dns", [&](auto r) {
    run.timer_fired_first = fired;
    run.result = std::move(r);
    done = true;
  });
  io.run();
  EXPECT_TRUE(done);
  return run;
}

TEST_F(DnsTraffic, SwitchUpdatesOffTheIoThreadAndAnswersOnIt) {
  const std::string key_file = (dir_ / "update.tsig").string();
  { std::ofstream(key_file) << net::format_tsig_key(key_) << "\n"; }
  fs::permissions(key_file, fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace);
  auto moved = move_through_switch(knot_->server().str(), key_file);
  ASSERT_TRUE(moved.result) << moved.result.message();
  EXPECT_EQ(moved.result->at("address"), "127.0.0.12");
  auto answer = net::query_a(knot_->server(), "app.example.test");
  ASSERT_TRUE(answer) << answer.message();
  EXPECT_EQ(answer->addresses, std::vector<std::string>{"127.0.0.12"});

  // A server that never answers: the io thread keeps running meanwhile (the timer fires long
  // before the retries run out, 2 x 2 s), then the switch reports it unreachable, naming it.
  // Updates go over TCP: a listener whose connections the kernel completes and nobody reads.
  // (A stopped knotd is no such server: its closed port refuses at once.)
  boost::asio::io_context quiet;
  boost::asio::ip::tcp::acceptor never_answers(
      quiet, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const std::string silent = "127.0.0.1:" + std::to_string(never_answers.local_endpoint().port());
  auto stuck = move_through_switch(silent, key_file);
  EXPECT_TRUE(stuck.timer_fired_first);
  ASSERT_FALSE(stuck.result);
  EXPECT_EQ(stuck.result.code(), drivers::DriverErrc::kUnreachable);
  EXPECT_NE(stuck.result.message().find(silent), std::string::npos) << stuck.result.message();
}

}  // namespace
}  // namespace hitless
