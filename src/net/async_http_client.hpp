#pragma once
// AsyncHttpClient: HTTP/1.1 requests on an io_context, each with its own deadline, completing
// through a callback on the io_context's thread. Keep-alive, for requests that ask for it
// (ClientRequest::keep_alive; others get a fresh connection, closed after): a connection whose
// reply allowed it is kept idle per host:port (a few dozen per host, dropped after a while) and
// reused by the next idempotent request there (GET, HEAD, PUT, DELETE, OPTIONS), so a run polling
// hundreds of nodes does not open a TCP connection per look. A kept connection the server closed
// meanwhile is retried once on a fresh one; a POST always opens its own, so it is never sent twice.
// Single-threaded: create and use it on the io_context's thread.

#include <cstddef>
#include <functional>
#include <memory>

#include "net/http_client.hpp"

namespace boost::asio {
class io_context;
}

namespace hitless::net {

class AsyncHttpClient {
 public:
  explicit AsyncHttpClient(boost::asio::io_context& io);
  ~AsyncHttpClient();
  AsyncHttpClient(const AsyncHttpClient&) = delete;
  AsyncHttpClient& operator=(const AsyncHttpClient&) = delete;

  void request(ClientRequest rq, std::function<void(Result<HttpResponse, NetErrc>)> done);
  // The loop its callbacks run on (drivers that also run commands complete on it too).
  boost::asio::io_context& io() const { return io_; }
  // TCP connections this client has opened so far (keep-alive at work: tests, benchmarks).
  std::size_t connections_opened() const;

  struct Pool;  // idle kept connections by host:port (defined beside the Asio code)

 private:
  boost::asio::io_context& io_;
  std::shared_ptr<Pool> pool_;  // shared with requests in flight, which hand connections back
};

}  // namespace hitless::net
