#include "net/http_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace hitless::net {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
}  // namespace

Result<HttpResponse, NetErrc> http_call(const ClientRequest& rq) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  const std::string where = rq.host + ":" + std::to_string(rq.port);
  beast::error_code ec;
  auto addr = asio::ip::make_address(rq.host, ec);
  if (ec) return make_error(NetErrc::kConnect, "'" + rq.host + "' is not an IP address");

  std::optional<Result<HttpResponse, NetErrc>> result;
  http::request<http::string_body> req{http::string_to_verb(rq.method), rq.target, 11};
  req.set(http::field::host, rq.host);
  req.set(http::field::user_agent, "hitless");
  if (!rq.bearer_token.empty()) req.set(http::field::authorization, "Bearer " + rq.bearer_token);
  for (const auto& [k, v] : rq.headers) req.set(k, v);
  if (!rq.body.empty() || rq.method == "POST" || rq.method == "PUT") {
    req.set(http::field::content_type, rq.content_type);
    req.body() = rq.body;
  }
  req.keep_alive(false);
  req.prepare_payload();
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256u << 20);

  const auto deadline = std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(rq.timeout_s));
  stream.expires_after(deadline);
  auto fail = [&](NetErrc code, const std::string& what, beast::error_code e) {
    if (e == beast::error::timeout) code = NetErrc::kTimeout;
    result = make_error(code, what + " " + where + ": " +
                                  (code == NetErrc::kTimeout ? std::string("no answer in time") : e.message()));
  };
  stream.async_connect(tcp::endpoint(addr, rq.port), [&](beast::error_code e) {
    if (e) return fail(NetErrc::kConnect, "cannot connect to", e);
    http::async_write(stream, req, [&](beast::error_code we, std::size_t) {
      if (we) return fail(NetErrc::kClosed, "cannot send to", we);
      http::async_read(stream, buffer, parser, [&](beast::error_code re, std::size_t) {
        if (re) return fail(re == http::error::end_of_stream ? NetErrc::kClosed : NetErrc::kProtocol, "no reply from", re);
        const auto& res = parser.get();
        HttpResponse out;
        out.status = static_cast<int>(res.result_int());
        out.content_type = std::string(res[http::field::content_type]);
        out.body = res.body();
        for (const auto& f : res) {
          std::string name(f.name_string());
          for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          out.headers[name] = std::string(f.value());
        }
        result = std::move(out);
      });
    });
  });
  io.run();
  if (!result) return make_error(NetErrc::kTimeout, "no answer from " + where);
  return std::move(*result);
}

}  // namespace hitless::net
