#include "net/async_http_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <optional>

namespace hitless::net {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Outcome {
  std::optional<HttpResponse> response;
  NetErrc code = NetErrc::kConnect;
  std::string message;
};

asio::awaitable<Outcome> run(ClientRequest rq) {
  Outcome out;
  const std::string where = rq.host + ":" + std::to_string(rq.port);
  beast::error_code ec;
  auto addr = asio::ip::make_address(rq.host, ec);
  if (ec) {
    out.message = "'" + rq.host + "' is not an IP address";
    co_return out;
  }
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  stream.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(rq.timeout_s)));
  auto fail = [&](NetErrc code, const std::string& what, beast::error_code e) {
    out.code = e == beast::error::timeout ? NetErrc::kTimeout : code;
    out.message = what + " " + where + ": " +
                  (out.code == NetErrc::kTimeout ? std::string("no answer in time") : e.message());
    return out;
  };
  auto [cec] = co_await stream.async_connect(tcp::endpoint(addr, rq.port),
                                             asio::as_tuple(asio::use_awaitable));
  if (cec) co_return fail(NetErrc::kConnect, "cannot connect to", cec);

  http::request<http::string_body> req{http::string_to_verb(rq.method), rq.target, 11};
  req.set(http::field::host, rq.host);
  req.set(http::field::user_agent, "hitless");
  if (!rq.bearer_token.empty()) req.set(http::field::authorization, "Bearer " + rq.bearer_token);
  for (const auto& [k, v] : rq.headers) req.set(k, v);
  if (!rq.body.empty() || rq.method == "POST" || rq.method == "PUT") {
    req.set(http::field::content_type, rq.content_type);
    req.body() = std::move(rq.body);
  }
  req.keep_alive(false);
  req.prepare_payload();
  auto [wec, wn] = co_await http::async_write(stream, req, asio::as_tuple(asio::use_awaitable));
  if (wec) co_return fail(NetErrc::kClosed, "cannot send to", wec);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  auto [rec, rn] =
      co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  if (rec)
    co_return fail(rec == http::error::end_of_stream ? NetErrc::kClosed : NetErrc::kProtocol,
                   "no reply from", rec);
  const auto& res = parser.get();
  HttpResponse r;
  r.status = static_cast<int>(res.result_int());
  r.content_type = std::string(res[http::field::content_type]);
  r.body = res.body();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(f.value());
  }
  out.response = std::move(r);
  beast::error_code ignore;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignore);
  co_return out;
}

}  // namespace

void AsyncHttpClient::request(ClientRequest rq,
                              std::function<void(Result<HttpResponse, NetErrc>)> done) {
  asio::co_spawn(
      io_, run(std::move(rq)), [done = std::move(done)](std::exception_ptr e, Outcome o) {
        if (e) return done(make_error(NetErrc::kProtocol, "internal error in the HTTP client"));
        if (o.response) return done(std::move(*o.response));
        done(make_error(o.code, o.message));
      });
}

}  // namespace hitless::net
