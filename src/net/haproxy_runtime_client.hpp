#pragma once
// HaproxyRuntimeClient: HAProxy's runtime API (the admin "stats socket", a unix socket) on an
// io_context. Each command is one connection in non-interactive mode: send "cmd\n", read the
// answer until HAProxy closes. Every command has a deadline. Answers complete through a callback
// on the io_context's thread, never inline. It does not judge answers (an empty answer to a `set`
// is success; the caller decides).
// Single-threaded: create and use it on the io_context's thread.

#include <functional>
#include <string>

#include "common/result.hpp"
#include "net/http_server.hpp"  // NetErrc

namespace boost::asio {
class io_context;
}

namespace hitless::net {

class HaproxyRuntimeClient {
 public:
  HaproxyRuntimeClient(boost::asio::io_context& io, std::string socket_path, double timeout_s)
      : io_(io), socket_path_(std::move(socket_path)), timeout_s_(timeout_s) {}
  // kConnect: the socket is missing or nobody listens; kTimeout: no complete answer in time;
  // kClosed: the connection broke while sending.
  void command(std::string cmd, std::function<void(Result<std::string, NetErrc>)> done);
  const std::string& socket_path() const { return socket_path_; }

 private:
  boost::asio::io_context& io_;
  std::string socket_path_;
  double timeout_s_;
};

}  // namespace hitless::net
