#pragma once
// Blocking HTTP/1.1 client with a deadline, for the command line (lab control, readiness checks).
// Each call runs its own small io_context, so it is safe from any thread that is not inside an
// io_context callback.

#include <cstdint>
#include <string>

#include "common/result.hpp"
#include "net/http_server.hpp"
#include "net/http_types.hpp"

namespace hitless::net {

struct ClientRequest {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::string content_type = "application/json";
  std::string bearer_token;  // sent as "Authorization: Bearer ..." when not empty
  std::map<std::string, std::string> headers;
  double timeout_s = 5;
  // AsyncHttpClient only: may ride a connection kept from an earlier request to this host:port
  // and leave its own open for the next (a node's management API). Off: a fresh connection,
  // closed after, as a new client makes; a service address behind NAT or a load balancer must
  // be asked this way, since a kept connection stays with the backend it first reached.
  bool keep_alive = false;
};

Result<HttpResponse, NetErrc> http_call(const ClientRequest& request);

}  // namespace hitless::net
