// The DNS traffic driver against a real knotd that each test starts on loopback and stops:
// signed updates move the record, a wrong key is refused with BADSIG, no key with NOTAUTH, and
// the errors name the server and its rcode.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "lab/daemon/knot_server.hpp"
#include "net/dns_client.hpp"

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

}  // namespace
}  // namespace hitless
