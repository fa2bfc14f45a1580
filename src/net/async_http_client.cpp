#include "net/async_http_client.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <deque>
#include <map>
#include <optional>

namespace hitless::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Idle connections by host:port, newest at the back. Bounded per host and in all, so hundreds of
// polled nodes cannot exhaust the process's descriptors; kept well under the lab server's 30 s
// idle timeout so a kept connection is rarely one the server already closed.
struct AsyncHttpClient::Pool {
  static constexpr std::size_t kPerHost = 32;  // a primary master takes bursts of hundreds
  static constexpr auto kIdleFor = std::chrono::seconds(10);

  struct Idle {
    std::unique_ptr<beast::tcp_stream> stream;
    Clock::time_point since;
  };
  std::map<std::string, std::deque<Idle>> idle;
  std::size_t idle_count = 0;
  std::size_t opened = 0;
  std::size_t max_idle = limit_from_descriptors();

  // A quarter of the descriptors this process may open, at most 4,096, at least 16.
  static std::size_t limit_from_descriptors() {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 1024;
    return std::clamp<std::size_t>(rl.rlim_cur / 4, 16, 4096);
  }

  std::unique_ptr<beast::tcp_stream> take(const std::string& key) {
    auto it = idle.find(key);
    if (it == idle.end()) return nullptr;
    auto& q = it->second;
    const auto now = Clock::now();
    while (!q.empty()) {
      Idle kept = std::move(q.back());
      q.pop_back();
      --idle_count;
      // The newest is too old: so are the others.
      if (now - kept.since > kIdleFor) {
        idle_count -= q.size();
        q.clear();
        break;
      }
      if (kept.stream->socket().is_open()) return std::move(kept.stream);
    }
    idle.erase(it);
    return nullptr;
  }

  void give_back(const std::string& key, std::unique_ptr<beast::tcp_stream> s) {
    auto& q = idle[key];
    if (q.size() >= kPerHost || idle_count >= max_idle) return;  // closed as it goes
    s->expires_never();
    q.push_back({std::move(s), Clock::now()});
    ++idle_count;
  }
};

namespace {

struct Outcome {
  std::optional<HttpResponse> response;
  NetErrc code = NetErrc::kConnect;
  std::string message;
};

http::request<http::string_body> make_request(ClientRequest& rq) {
  http::request<http::string_body> req{http::string_to_verb(rq.method), rq.target, 11};
  req.set(http::field::host, rq.host);
  req.set(http::field::user_agent, "hitless");
  if (!rq.bearer_token.empty()) req.set(http::field::authorization, "Bearer " + rq.bearer_token);
  for (const auto& [k, v] : rq.headers) req.set(k, v);
  if (!rq.body.empty() || rq.method == "POST" || rq.method == "PUT") {
    req.set(http::field::content_type, rq.content_type);
    req.body() = std::move(rq.body);
  }
  req.keep_alive(rq.keep_alive);
  req.prepare_payload();
  return req;
}

HttpResponse to_response(const http::response<http::string_body>& res) {
  HttpResponse r;
  r.status = static_cast<int>(res.result_int());
  r.content_type = std::string(res[http::field::content_type]);
  r.body = res.body();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(f.value());
  }
  return r;
}

asio::awaitable<Outcome> run(ClientRequest rq, std::shared_ptr<AsyncHttpClient::Pool> pool) {
  Outcome out;
  const std::string where = rq.host + ":" + std::to_string(rq.port);
  beast::error_code ec;
  auto addr = asio::ip::make_address(rq.host, ec);
  if (ec) {
    out.message = "'" + rq.host + "' is not an IP address";
    co_return out;
  }
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(std::max(0.0, rq.timeout_s)));
  auto fail = [&](NetErrc code, const std::string& what, beast::error_code e) {
    out.code = e == beast::error::timeout ? NetErrc::kTimeout : code;
    out.message = what + " " + where + ": " +
                  (out.code == NetErrc::kTimeout ? std::string("no answer in time") : e.message());
    return out;
  };
  // RFC 9110 9.2.2: repeating these has the effect of sending them once.
  const bool idempotent = rq.method == "GET" || rq.method == "HEAD" || rq.method == "PUT" ||
                          rq.method == "DELETE" || rq.method == "OPTIONS";
  const bool may_reuse = rq.keep_alive && idempotent;
  auto req = make_request(rq);
  // At most two tries: a kept connection the server closed meanwhile, then a fresh one.
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<beast::tcp_stream> stream =
        may_reuse && attempt == 0 ? pool->take(where) : nullptr;
    const bool reused = stream != nullptr;
    if (!stream) {
      stream = std::make_unique<beast::tcp_stream>(co_await asio::this_coro::executor);
      stream->expires_at(deadline);
      ++pool->opened;
      auto [cec] = co_await stream->async_connect(tcp::endpoint(addr, rq.port),
                                                  asio::as_tuple(asio::use_awaitable));
      if (cec) co_return fail(NetErrc::kConnect, "cannot connect to", cec);
      stream->socket().set_option(tcp::no_delay(true), cec);
    }
    stream->expires_at(deadline);
    auto [wec, wn] = co_await http::async_write(*stream, req, asio::as_tuple(asio::use_awaitable));
    if (wec && reused && wec != beast::error::timeout) continue;
    if (wec) co_return fail(NetErrc::kClosed, "cannot send to", wec);

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    auto [rec, rn] =
        co_await http::async_read(*stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (rec && reused && rec != beast::error::timeout) continue;
    if (rec)
      co_return fail(rec == http::error::end_of_stream ? NetErrc::kClosed : NetErrc::kProtocol,
                     "no reply from", rec);
    out.response = to_response(parser.get());
    if (rq.keep_alive && parser.get().keep_alive() && parser.is_done()) {
      pool->give_back(where, std::move(stream));
    } else {
      beast::error_code ignore;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignore);
    }
    co_return out;
  }
}

}  // namespace

AsyncHttpClient::AsyncHttpClient(asio::io_context& io) : io_(io), pool_(std::make_shared<Pool>()) {}

AsyncHttpClient::~AsyncHttpClient() = default;

std::size_t AsyncHttpClient::connections_opened() const { return pool_->opened; }

void AsyncHttpClient::request(ClientRequest rq,
                              std::function<void(Result<HttpResponse, NetErrc>)> done) {
  asio::co_spawn(
      io_, run(std::move(rq), pool_), [done = std::move(done)](std::exception_ptr e, Outcome o) {
        if (e) return done(make_error(NetErrc::kProtocol, "internal error in the HTTP client"));
        if (o.response) return done(std::move(*o.response));
        done(make_error(o.code, o.message));
      });
}

}  // namespace hitless::net
