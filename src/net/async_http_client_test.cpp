// AsyncHttpClient keep-alive: GETs to one host share a kept connection, a kept connection the
// server closed is retried on a fresh one, PUTs share one too, and a POST never rides a kept
// connection.
#include "net/async_http_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hitless::net {
namespace {

// A loopback server that remembers the client end (address:port) of every request it answered:
// one distinct remote per TCP connection.
struct CountingServer {
  explicit CountingServer(boost::asio::io_context& io, std::uint16_t port = 0) {
    auto l = HttpListener::open(io, "127.0.0.1", port, [this](const HttpRequest& rq) {
      remotes.insert(rq.remote);
      ++requests;
      return HttpReply::json(200, R"({"ok":true})");
    });
    EXPECT_TRUE(l) << l.message();
    listener = std::move(*l);
  }
  std::unique_ptr<HttpListener> listener;
  std::set<std::string> remotes;
  int requests = 0;
};

ClientRequest to(std::uint16_t port, const std::string& method = "GET") {
  ClientRequest rq;
  rq.port = port;
  rq.method = method;
  rq.target = "/status";
  rq.timeout_s = 10;
  rq.keep_alive = true;
  return rq;
}

// Sends `rqs` one after the other (each after the previous answered), then stops `io`.
void send_in_turn(boost::asio::io_context& io, AsyncHttpClient& client,
                  std::vector<ClientRequest> rqs, std::vector<bool>& ok) {
  auto next = std::make_shared<std::function<void(std::size_t)>>();
  *next = [&io, &client, rqs, &ok, next](std::size_t i) {
    if (i == rqs.size()) return io.stop();
    client.request(rqs[i], [&ok, next, i](Result<HttpResponse, NetErrc> r) {
      ok.push_back(r && r->status == 200);
      (*next)(i + 1);
    });
  };
  (*next)(0);
  io.run();
  io.restart();
  *next = nullptr;
}

TEST(AsyncHttpClient, SequentialGetsToOneHostShareOneConnection) {
  boost::asio::io_context io;
  CountingServer server(io);
  AsyncHttpClient client(io);
  std::vector<bool> ok;
  send_in_turn(io, client, std::vector<ClientRequest>(20, to(server.listener->port())), ok);
  EXPECT_EQ(ok, std::vector<bool>(20, true));
  EXPECT_EQ(server.requests, 20);
  EXPECT_EQ(server.remotes.size(), 1u);
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST(AsyncHttpClient, ConcurrentGetsOpenAtMostOneConnectionEachAndKeepAFew) {
  boost::asio::io_context io;
  CountingServer server(io);
  AsyncHttpClient client(io);
  int answered = 0;
  for (int i = 0; i < 30; ++i)
    client.request(to(server.listener->port()), [&](Result<HttpResponse, NetErrc> r) {
      EXPECT_TRUE(r) << r.message();
      if (++answered == 30) io.stop();
    });
  io.run();
  io.restart();
  EXPECT_LE(client.connections_opened(), 30u);
  // A second round reuses what the first kept: no more than it opened again.
  const std::size_t first_round = client.connections_opened();
  std::vector<bool> ok;
  send_in_turn(io, client, std::vector<ClientRequest>(10, to(server.listener->port())), ok);
  EXPECT_EQ(ok, std::vector<bool>(10, true));
  EXPECT_EQ(client.connections_opened(), first_round);
}

TEST(AsyncHttpClient, AKeptConnectionTheServerDroppedIsRetriedOnAFreshOne) {
  boost::asio::io_context io;
  auto server = std::make_unique<CountingServer>(io);
  const std::uint16_t port = server->listener->port();
  AsyncHttpClient client(io);
  std::vector<bool> ok;
  send_in_turn(io, client, {to(port)}, ok);
  // The box went away (its listener aborts every connection) and came back on the same port.
  server->listener->close();
  server.reset();
  CountingServer again(io, port);
  send_in_turn(io, client, {to(port), to(port)}, ok);
  EXPECT_EQ(ok, std::vector<bool>(3, true));
  EXPECT_EQ(again.requests, 2);
  EXPECT_EQ(client.connections_opened(), 2u);
}

TEST(AsyncHttpClient, APostAlwaysOpensItsOwnConnection) {
  boost::asio::io_context io;
  CountingServer server(io);
  AsyncHttpClient client(io);
  std::vector<bool> ok;
  send_in_turn(io, client, std::vector<ClientRequest>(5, to(server.listener->port(), "POST")), ok);
  EXPECT_EQ(ok, std::vector<bool>(5, true));
  EXPECT_EQ(server.remotes.size(), 5u);
  EXPECT_EQ(client.connections_opened(), 5u);
}

TEST(AsyncHttpClient, PutsAreIdempotentAndShareAConnection) {
  boost::asio::io_context io;
  CountingServer server(io);
  AsyncHttpClient client(io);
  std::vector<bool> ok;
  send_in_turn(io, client, std::vector<ClientRequest>(5, to(server.listener->port(), "PUT")), ok);
  EXPECT_EQ(ok, std::vector<bool>(5, true));
  EXPECT_EQ(client.connections_opened(), 1u);
}

// A service address behind NAT or a balancer is asked on a new connection each time: a kept one
// would stay with the backend it first reached.
TEST(AsyncHttpClient, ARequestWithoutKeepAliveAlwaysOpensAFreshConnection) {
  boost::asio::io_context io;
  CountingServer server(io);
  AsyncHttpClient client(io);
  ClientRequest rq = to(server.listener->port());
  rq.keep_alive = false;
  std::vector<bool> ok;
  send_in_turn(io, client, {to(server.listener->port()), rq, rq}, ok);
  EXPECT_EQ(ok, std::vector<bool>(3, true));
  EXPECT_EQ(server.remotes.size(), 3u);
  EXPECT_EQ(client.connections_opened(), 3u);
}

TEST(AsyncHttpClient, ANodeThatIsGoneStillFailsToConnect) {
  boost::asio::io_context io;
  auto server = std::make_unique<CountingServer>(io);
  const std::uint16_t port = server->listener->port();
  AsyncHttpClient client(io);
  std::vector<bool> ok;
  send_in_turn(io, client, {to(port)}, ok);
  server.reset();  // closed for good: the kept connection dies and nobody listens
  std::optional<Result<HttpResponse, NetErrc>> last;
  client.request(to(port), [&](Result<HttpResponse, NetErrc> r) {
    last = std::move(r);
    io.stop();
  });
  io.run();
  ASSERT_TRUE(last);
  ASSERT_FALSE(*last);
  EXPECT_EQ(last->code(), NetErrc::kConnect) << last->message();
}

}  // namespace
}  // namespace hitless::net
