// The HAProxy traffic driver against a real `haproxy` started by the test (through the lab's own
// launcher) on loopback, in front of two HTTP servers the test runs on the same io_context: one
// can hold a client session open (a streamed reply) for as long as the test wants, so HAProxy's
// scur is what the test makes it. Waits are on states, never fixed sleeps.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <filesystem>
#include <thread>

#include "drivers/haproxy_traffic_switch.hpp"
#include "lab/daemon/haproxy_process.hpp"
#include "lab_harness.hpp"
#include "net/asio_scheduler.hpp"
#include "net/http_server.hpp"

namespace hitless {
namespace {

using drivers::Action;
using drivers::DriverErrc;
using Answer = Result<nlohmann::json, DriverErrc>;

// A client session through HAProxy: a blocking socket on its own thread that sends one request
// and reads until the server (or HAProxy) closes.
class ClientSession {
 public:
  ClientSession(const std::string& service, const std::string& path) {
    const auto colon = service.rfind(':');
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(std::stoi(service.substr(colon + 1))));
    ::inet_pton(AF_INET, service.substr(0, colon).c_str(), &a.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      throw std::runtime_error("cannot connect to " + service);
    const std::string rq = "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
    if (::send(fd_, rq.data(), rq.size(), 0) != static_cast<ssize_t>(rq.size()))
      throw std::runtime_error("cannot send");
    reader_ = std::thread([this] {
      char buf[4096];
      for (;;) {
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) break;
        std::lock_guard<std::mutex> l(m_);
        received_.append(buf, static_cast<std::size_t>(n));
      }
      closed_ = true;
    });
  }
  ~ClientSession() {
    ::shutdown(fd_, SHUT_RDWR);
    reader_.join();
    ::close(fd_);
  }
  bool closed() const { return closed_; }
  std::string received() {
    std::lock_guard<std::mutex> l(m_);
    return received_;
  }

 private:
  int fd_ = -1;
  std::thread reader_;
  std::mutex m_;
  std::string received_;
  std::atomic<bool> closed_{false};
};

class HaproxyDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Short: the runtime socket path must fit a unix socket address.
    dir_ = testing::make_temp_dir("hx");
    for (const char* name : {"s1", "s2"}) {
      auto l = net::HttpListener::open(
          io_, "127.0.0.1", 0, [this, name](const net::HttpRequest& r) { return serve(name, r); });
      ASSERT_TRUE(l.ok()) << l.message();
      servers_.push_back({name, "127.0.0.1:" + std::to_string((*l)->port())});
      listeners_.push_back(std::move(*l));
    }
    auto front = net::HttpListener::open(io_, "127.0.0.1", 0,
                                         [](const net::HttpRequest&) { return net::HttpReply{}; });
    ASSERT_TRUE(front.ok());
    service_ = "127.0.0.1:" + std::to_string((*front)->port());
    front = make_error(net::NetErrc::kBind, "closed");  // frees the port for HAProxy
    auto h = lab::HaproxyProcess::start(dir_, {{"be", service_, servers_}});
    ASSERT_TRUE(h.ok()) << h.message();
    haproxy_ = std::move(*h);
    std::string why = "pending";
    haproxy_->when_serving(io_, 10, [&](std::string w) { why = std::move(w); });
    ASSERT_TRUE(run_until([&] { return why != "pending"; }));
    ASSERT_EQ(why, "");
    socket_ = dir_ + "/" + lab::kHaproxySocket;
    sw_ = make_switch(socket_);
  }
  void TearDown() override {
    sw_.reset();
    if (haproxy_) haproxy_->stop();
    std::error_code ec;
    if (!HasFailure()) std::filesystem::remove_all(dir_, ec);
  }

  std::unique_ptr<drivers::HaproxyTrafficSwitch> make_switch(const std::string& socket) {
    return std::make_unique<drivers::HaproxyTrafficSwitch>(
        io_, clock_, std::map<std::string, drivers::HaproxyBackend>{{"aa", {socket, "be"}}}, 2.0,
        0.01);
  }

  net::HttpReply serve(const std::string& name, const net::HttpRequest& r) {
    if (r.path() == "/session") {
      net::HttpReply reply;
      reply.kind = net::HttpReply::Kind::kStream;
      reply.on_stream = [this, name](std::shared_ptr<net::HttpStream> s) {
        s->write("open " + name + "\n");
        sessions_.push_back(s);
      };
      return reply;
    }
    if (unhealthy_.count(name)) return net::HttpReply::json(503, "{}");
    return net::HttpReply::json(200, "{\"node\":\"" + name + "\"}");
  }

  // Runs the io_context until pred holds (true) or a generous wall bound passes (false).
  bool run_until(const std::function<bool()>& pred, double bound_s = 20) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(bound_s);
    while (!pred()) {
      if (std::chrono::steady_clock::now() > end) return false;
      io_.restart();
      io_.run_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  Answer balance(const std::string& kind, nlohmann::json params) {
    std::optional<Answer> got;
    sw_->balance("aa", Action{kind, std::move(params)}, [&](Answer a) { got = std::move(a); });
    EXPECT_TRUE(run_until([&] { return got.has_value(); })) << kind << " never answered";
    return got ? std::move(*got) : Answer(make_error(DriverErrc::kProtocol, "no answer"));
  }

  std::map<std::string, drivers::HaproxyServerStat> stats() {
    std::optional<Result<std::string, DriverErrc>> got;
    sw_->command("aa", "show stat", [&](Result<std::string, DriverErrc> r) { got = std::move(r); });
    run_until([&] { return got.has_value(); });
    std::string why;
    auto s = drivers::parse_show_stat(got && *got ? **got : "", "be", &why);
    EXPECT_TRUE(s.has_value()) << why;
    return s ? *s : std::map<std::string, drivers::HaproxyServerStat>{};
  }

  // One session held through HAProxy on s1 (s2 is in maintenance meanwhile so it lands on s1).
  std::unique_ptr<ClientSession> session_on_s1() {
    EXPECT_TRUE(balance("lb-maint", {{"server", "s2"}}).ok());
    auto c = std::make_unique<ClientSession>(service_, "/session");
    EXPECT_TRUE(run_until([&] { return sessions_.size() == 1 && stats()["s1"].scur == 1; }));
    EXPECT_TRUE(balance("lb-ready", {{"server", "s2"}}).ok());
    return c;
  }

  boost::asio::io_context io_;
  net::AsioScheduler clock_{io_, 1.0};
  std::string dir_, service_, socket_;
  std::vector<lab::BalancedServer> servers_;
  std::vector<std::unique_ptr<net::HttpListener>> listeners_;
  std::vector<std::shared_ptr<net::HttpStream>> sessions_;
  std::set<std::string> unhealthy_;
  std::unique_ptr<lab::HaproxyProcess> haproxy_;
  std::unique_ptr<drivers::HaproxyTrafficSwitch> sw_;
};

TEST_F(HaproxyDriverTest, DrainWaitsForTheSessionsThenMaintAndReady) {
  auto client = session_on_s1();
  std::optional<Answer> drained;
  sw_->balance(
      "aa",
      Action{"lb-drain", {{"server", "s1"}, {"drain_timeout_s", 60}, {"on_drain_timeout", "stop"}}},
      [&](Answer a) { drained = std::move(a); });
  // HAProxy shows the drain while the session is still open; the driver keeps waiting.
  ASSERT_TRUE(run_until([&] { return stats()["s1"].status == "DRAIN"; }));
  EXPECT_FALSE(drained.has_value()) << "answered with a session still open";
  // New requests go to s2 only.
  EXPECT_EQ(stats()["s1"].scur, 1);
  sessions_.front()->write("end completed\n");
  sessions_.front()->finish();
  ASSERT_TRUE(run_until([&] { return drained.has_value(); }));
  ASSERT_TRUE(drained->ok()) << drained->message();
  EXPECT_EQ((**drained)["sessions"], 0);
  EXPECT_GT((**drained)["waited_s"].get<double>(), 0);
  EXPECT_TRUE(run_until([&] { return client->closed(); }));
  EXPECT_NE(client->received().find("end completed"), std::string::npos) << "ended, not cut";

  ASSERT_TRUE(balance("lb-maint", {{"server", "s1"}}).ok());
  EXPECT_EQ(stats()["s1"].status, "MAINT");
  auto up = balance("lb-health", {{"server", "s1"}, {"timeout_s", 10}});
  ASSERT_TRUE(up.ok()) << up.message();
  EXPECT_EQ((*up)["status"], "DRAIN") << "still drained until lb-ready";
  EXPECT_EQ((*up)["check"], "L7OK");
  ASSERT_TRUE(balance("lb-ready", {{"server", "s1"}}).ok());
  EXPECT_EQ(stats()["s1"].status, "UP");
}

TEST_F(HaproxyDriverTest, DrainTimeoutStopFailsAndKeepsTheSession) {
  auto client = session_on_s1();
  auto r = balance("lb-drain",
                   {{"server", "s1"}, {"drain_timeout_s", 0.2}, {"on_drain_timeout", "stop"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), DriverErrc::kRejected);
  EXPECT_NE(r.message().find("HAProxy"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("1 session(s) still open"), std::string::npos) << r.message();
  EXPECT_FALSE(client->closed());
  EXPECT_EQ(stats()["s1"].scur, 1);
}

TEST_F(HaproxyDriverTest, DrainTimeoutForceCutsTheSessions) {
  auto client = session_on_s1();
  auto r = balance("lb-drain",
                   {{"server", "s1"}, {"drain_timeout_s", 0.2}, {"on_drain_timeout", "force"}});
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ((*r)["forced"], 1);
  EXPECT_TRUE(run_until([&] { return client->closed(); }));
  EXPECT_TRUE(run_until([&] { return stats()["s1"].scur == 0; }));
}

TEST_F(HaproxyDriverTest, DrainTimeoutWaitKeepsWaitingUntilTheSessionsEnd) {
  auto client = session_on_s1();
  std::optional<Answer> drained;
  sw_->balance("aa",
               Action{"lb-drain",
                      {{"server", "s1"}, {"drain_timeout_s", 0.05}, {"on_drain_timeout", "wait"}}},
               [&](Answer a) { drained = std::move(a); });
  const double start = clock_.now();
  ASSERT_TRUE(run_until([&] { return clock_.now() > start + 0.3; }));
  EXPECT_FALSE(drained.has_value()) << "gave up although the policy says wait";
  sessions_.front()->finish();
  ASSERT_TRUE(run_until([&] { return drained.has_value(); }));
  EXPECT_TRUE(drained->ok()) << drained->message();
}

TEST_F(HaproxyDriverTest, AnyAnswerToASetIsAFailureNamingHaproxysWords) {
  auto r = balance("lb-maint", {{"server", "nosuch"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), DriverErrc::kRejected);
  EXPECT_NE(r.message().find("No such server"), std::string::npos) << r.message();
  auto check = balance("lb-check", {{"servers", {"s1", "s2", "s3"}}});
  ASSERT_FALSE(check.ok());
  EXPECT_NE(check.message().find("be/s3"), std::string::npos) << check.message();
  EXPECT_TRUE(balance("lb-check", {{"servers", {"s1", "s2"}}}).ok());
}

TEST_F(HaproxyDriverTest, HealthGateWaitsForHaproxysOwnCheck) {
  ASSERT_TRUE(balance("lb-maint", {{"server", "s2"}}).ok());
  unhealthy_.insert("s2");
  auto r = balance("lb-health", {{"server", "s2"}, {"timeout_s", 0.5}});
  ASSERT_FALSE(r.ok()) << "a member answering 503 was seen up";
  EXPECT_NE(r.message().find("health check does not see"), std::string::npos) << r.message();
  unhealthy_.clear();
  auto ok = balance("lb-health", {{"server", "s2"}, {"timeout_s", 10}});
  EXPECT_TRUE(ok.ok()) << ok.message();
}

TEST_F(HaproxyDriverTest, SocketGoneIsUnreachableNamingHaproxy) {
  auto gone = make_switch(dir_ + "/no-such.sock");
  std::optional<Answer> got;
  gone->balance("aa", Action{"lb-drain", {{"server", "s1"}}},
                [&](Answer a) { got = std::move(a); });
  ASSERT_TRUE(run_until([&] { return got.has_value(); }));
  ASSERT_FALSE(got->ok());
  EXPECT_EQ(got->code(), DriverErrc::kUnreachable);
  EXPECT_NE(got->message().find("HAProxy"), std::string::npos) << got->message();
  EXPECT_NE(got->message().find("no-such.sock"), std::string::npos) << got->message();

  // HAProxy killed while a drain waits: the wait ends with HAProxy's absence, not a hang.
  auto client = session_on_s1();
  std::optional<Answer> drained;
  sw_->balance("aa", Action{"lb-drain", {{"server", "s1"}, {"drain_timeout_s", 60}}},
               [&](Answer a) { drained = std::move(a); });
  ASSERT_TRUE(run_until([&] { return stats()["s1"].status == "DRAIN"; }));
  ::kill(haproxy_->pid(), SIGKILL);
  ASSERT_TRUE(run_until([&] { return drained.has_value(); }));
  ASSERT_FALSE(drained->ok());
  EXPECT_EQ(drained->code(), DriverErrc::kUnreachable) << drained->message();
  EXPECT_NE(drained->message().find("HAProxy"), std::string::npos) << drained->message();
}

}  // namespace
}  // namespace hitless
