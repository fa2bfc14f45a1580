#pragma once
// AsyncHttpClient: HTTP/1.1 requests on an io_context, each with its own deadline, completing
// through a callback on the io_context's thread. One connection per request (appliance
// management APIs are low-rate; a fresh connection also notices a node that went away).
// Single-threaded: create and use it on the io_context's thread.

#include <functional>

#include "net/http_client.hpp"

namespace boost::asio {
class io_context;
}

namespace hitless::net {

class AsyncHttpClient {
 public:
  explicit AsyncHttpClient(boost::asio::io_context& io) : io_(io) {}
  void request(ClientRequest rq, std::function<void(Result<HttpResponse, NetErrc>)> done);
  // The loop its callbacks run on (drivers that also run commands complete on it too).
  boost::asio::io_context& io() const { return io_; }

 private:
  boost::asio::io_context& io_;
};

}  // namespace hitless::net
