// The NAT traffic driver against real nftables in a network namespace that each test creates
// (through the lab's NatGateway) and removes: the swing moves new connections in one nft
// transaction, and nft's refusals come back naming nft and its stderr.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <thread>

#include "drivers/nat_switch.hpp"
#include "lab/daemon/nat_gateway.hpp"

namespace hitless {
namespace {

// A TCP server on host:0 that answers every connection with `reply` and closes.
class ReplyServer {
 public:
  ReplyServer(const std::string& host, std::string reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    inet_pton(AF_INET, host.c_str(), &a.sin_addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 64);
    thread_ = std::thread([this] {
      for (;;) {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;  // the listener was shut down
        (void)!::write(c, reply_.data(), reply_.size());
        ::close(c);
      }
    });
  }
  ~ReplyServer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }

 private:
  std::string reply_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// What a new connection to host:port reads ("" when it fails).
std::string fetch(const std::string& host, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, host.c_str(), &a.sin_addr);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    char buf[64];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) out.assign(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

Inventory nat_inventory(const lab::NatGateway& g, std::uint16_t port_a, std::uint16_t port_b) {
  Inventory inv;
  inv.file = "test-inventory.yaml";
  InventoryCluster c;
  c.name = "pair";
  c.traffic_kind = "nat";
  c.service = g.public_address() + ":9000";
  c.nat = NatTraffic{g.netns(), g.table(), "svc0", 1};
  InventoryNode a, b;
  a.name = "a";
  a.address = g.inside_address() + ":" + std::to_string(port_a);
  b.name = "b";
  b.address = g.inside_address() + ":" + std::to_string(port_b);
  c.nodes = {a, b};
  inv.clusters.push_back(c);
  return inv;
}

// One driver call, its answer awaited: nft runs on the switch's worker thread and the answer is
// posted back to `io`, so the io_context runs until it comes. It must come back asynchronously
// (the executor's thread is never held by nft).
Result<nlohmann::json, drivers::DriverErrc> call(
    boost::asio::io_context& io, const std::function<void(drivers::Callback<nlohmann::json>)>& f) {
  std::optional<Result<nlohmann::json, drivers::DriverErrc>> out;
  f([&](Result<nlohmann::json, drivers::DriverErrc> r) { out.emplace(std::move(r)); });
  EXPECT_FALSE(out.has_value()) << "answered on the caller's stack: nft ran on the io thread";
  io.restart();
  io.run();
  return std::move(*out);
}

TEST(NatTraffic, SwingMovesNewConnectionsInOneTransactionAndTheNamespaceGoesAway) {
  boost::asio::io_context io;
  std::string netns;
  {
    auto g = lab::NatGateway::create();
    ASSERT_TRUE(g) << g.message();
    netns = (*g)->netns();
    ASSERT_TRUE(std::filesystem::exists("/run/netns/" + netns));
    ReplyServer a((*g)->inside_address(), "A"), b((*g)->inside_address(), "B");
    ASSERT_TRUE(
        (*g)->add_service("svc0", 9000, (*g)->inside_address() + ":" + std::to_string(a.port())));
    const std::string pub = (*g)->public_address();
    EXPECT_EQ(fetch(pub, 9000), "A");

    auto nat = drivers::NatTrafficSwitch::create(io, nat_inventory(**g, a.port(), b.port()));
    ASSERT_TRUE(nat) << nat.message();
    auto checked = call(io, [&](auto done) { (*nat)->check("pair", "nat", done); });
    ASSERT_TRUE(checked) << checked.message();
    auto moved = call(io, [&](auto done) { (*nat)->move_clients("pair", "a", "b", "nat", done); });
    ASSERT_TRUE(moved) << moved.message();
    EXPECT_EQ(moved->at("target"), (*g)->inside_address() + ":" + std::to_string(b.port()));
    // Only new connections follow the rule, and the very next one does.
    for (int i = 0; i < 20; ++i) EXPECT_EQ(fetch(pub, 9000), "B") << i;
    auto back = call(io, [&](auto done) { (*nat)->move_clients("pair", "b", "a", "nat", done); });
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(fetch(pub, 9000), "A");
  }
  EXPECT_FALSE(std::filesystem::exists("/run/netns/" + netns)) << netns << " left behind";
}

TEST(NatTraffic, NftRefusalNamesNftAndItsErrorAndChangesNothing) {
  boost::asio::io_context io;
  auto g = lab::NatGateway::create();
  ASSERT_TRUE(g) << g.message();
  ReplyServer a((*g)->inside_address(), "A"), b((*g)->inside_address(), "B");
  ASSERT_TRUE(
      (*g)->add_service("svc0", 9000, (*g)->inside_address() + ":" + std::to_string(a.port())));
  Inventory inv = nat_inventory(**g, a.port(), b.port());
  inv.clusters[0].nat->chain = "no_such_chain";  // the driver is pointed at a chain not there
  auto nat = drivers::NatTrafficSwitch::create(io, inv);
  ASSERT_TRUE(nat);
  auto checked = call(io, [&](auto done) { (*nat)->check("pair", "nat", done); });
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.message().find("nft (in netns " + (*g)->netns() + ")"), std::string::npos)
      << checked.message();
  EXPECT_NE(checked.message().find("No such file or directory"), std::string::npos)
      << checked.message();
  auto moved = call(io, [&](auto done) { (*nat)->move_clients("pair", "a", "b", "nat", done); });
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.code(), drivers::DriverErrc::kRejected);
  EXPECT_NE(moved.message().find("NAT swing of"), std::string::npos) << moved.message();
  EXPECT_EQ(fetch((*g)->public_address(), 9000), "A");  // all or nothing: still A
}

}  // namespace
}  // namespace hitless
