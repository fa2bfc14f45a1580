#pragma once
// HttpListener: one listening HTTP/1.1 endpoint on an io_context, opened and closed at run time
// (an emulated node binds its address when it boots and a shared IP when it owns it). Each
// request goes to a synchronous handler; the reply is a normal response, no reply at all (an
// unreachable management API), or a stream that stays open (a client session).
// Listeners bind with SO_REUSEADDR so a shared IP can move between owners at once.
// Single-threaded: everything runs on the io_context's thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "common/result.hpp"
#include "net/http_types.hpp"

namespace boost::asio {
class io_context;
}

namespace hitless::net {

// The write side of a streamed reply. Safe to keep after the peer left (calls become no-ops).
class HttpStream {
 public:
  virtual ~HttpStream() = default;
  virtual void write(std::string data) = 0;
  virtual void finish() = 0;  // graceful close after pending writes
  virtual void reset() = 0;   // abortive close (RST): the peer sees its connection die
  virtual bool open() const = 0;
  // Called once when the connection ends for any reason (peer closed, finish, reset).
  virtual void on_closed(std::function<void()> fn) = 0;
  // Keeps the connection open when its listener closes: what it carries moved on with the
  // address it was made to (the lab's seed 000 VIP failover transfers sessions).
  virtual void detach() = 0;
};

struct HttpReply {
  enum class Kind { kResponse, kNoReply, kStream };
  Kind kind = Kind::kResponse;
  HttpResponse response;  // kResponse; for kStream its status, type and headers start the stream
  std::function<void(std::shared_ptr<HttpStream>)> on_stream;  // kStream: gets the writer

  static HttpReply json(int status, std::string body) {
    HttpReply r;
    r.response.status = status;
    r.response.body = std::move(body);
    return r;
  }
  static HttpReply no_reply() {
    HttpReply r;
    r.kind = Kind::kNoReply;
    return r;
  }
};

using HttpHandler = std::function<HttpReply(const HttpRequest&)>;

enum class NetErrc { kBind, kConnect, kTimeout, kProtocol, kClosed };

class HttpListener {
 public:
  static Result<std::unique_ptr<HttpListener>, NetErrc> open(boost::asio::io_context& io,
                                                             const std::string& host,
                                                             std::uint16_t port,
                                                             HttpHandler handler);
  virtual ~HttpListener() = default;
  virtual std::uint16_t port() const = 0;
  virtual const std::string& host() const = 0;
  // Stops accepting and aborts every open connection (the box went away).
  virtual void close() = 0;
};

}  // namespace hitless::net
