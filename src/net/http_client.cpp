// The blocking client is the asynchronous one run on a private io_context: one request path.
#include "net/http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <optional>

#include "net/async_http_client.hpp"

namespace hitless::net {

Result<HttpResponse, NetErrc> http_call(const ClientRequest& request) {
  boost::asio::io_context io;
  std::optional<Result<HttpResponse, NetErrc>> result;
  AsyncHttpClient(io).request(request,
                              [&](Result<HttpResponse, NetErrc> r) { result = std::move(r); });
  io.run();
  if (!result)
    return make_error(NetErrc::kTimeout,
                      "no answer from " + request.host + ":" + std::to_string(request.port));
  return std::move(*result);
}

}  // namespace hitless::net
