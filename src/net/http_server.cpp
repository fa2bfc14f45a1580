// Boost.Beast lives here and in http_client.cpp only.
#include "net/http_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <map>

namespace hitless::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kReadTimeout = std::chrono::seconds(30);
constexpr auto kNoReplyHold = std::chrono::seconds(120);
constexpr std::size_t kBodyLimit = 256u << 20;

struct ListenerState;

class Connection final : public HttpStream, public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket s, std::weak_ptr<ListenerState> owner)
      : stream_(std::move(s)), owner_(std::move(owner)) {}

  void write(std::string data) override {
    if (!open_) return;
    out_.push_back(std::move(data));
    if (!writing_) write_next();
  }
  void finish() override {
    if (!open_) return;
    finish_after_write_ = true;
    if (!writing_) close_now(false);
  }
  void reset() override {
    if (!open_) return;
    if (responding_) {
      reset_after_response_ = true;  // let the reply that is being written reach the client first
      return;
    }
    close_now(true);
  }
  bool open() const override { return open_; }
  void on_closed(std::function<void()> fn) override { on_closed_ = std::move(fn); }
  void detach() override;

  asio::awaitable<void> serve();

 private:
  void write_next() {
    writing_ = true;
    asio::async_write(stream_.socket(), asio::buffer(out_.front()),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->out_.pop_front();
                        if (ec) return self->close_now(true);
                        if (!self->out_.empty()) return self->write_next();
                        self->writing_ = false;
                        if (self->finish_after_write_) self->close_now(false);
                      });
  }
  void close_now(bool abortive);
  asio::awaitable<void> wait_for_peer_close(std::chrono::seconds max);

  beast::tcp_stream stream_;
  std::weak_ptr<ListenerState> owner_;
  std::deque<std::string> out_;
  bool open_ = true;
  bool writing_ = false;
  bool finish_after_write_ = false;
  bool responding_ = false;
  bool reset_after_response_ = false;
  std::function<void()> on_closed_;
};

struct ListenerState {
  explicit ListenerState(asio::io_context& io) : acceptor(io) {}
  tcp::acceptor acceptor;
  HttpHandler handler;
  std::string host;
  std::uint16_t port = 0;
  std::map<Connection*, std::weak_ptr<Connection>> connections;
  bool closed = false;
};

void Connection::close_now(bool abortive) {
  if (!open_) return;
  open_ = false;
  beast::error_code ec;
  auto& sock = stream_.socket();
  if (abortive) {
    sock.set_option(asio::socket_base::linger(true, 0), ec);
  } else {
    sock.shutdown(tcp::socket::shutdown_send, ec);
  }
  sock.close(ec);
  if (auto owner = owner_.lock()) owner->connections.erase(this);
  if (auto fn = std::move(on_closed_)) fn();
}

asio::awaitable<void> Connection::wait_for_peer_close(std::chrono::seconds max) {
  stream_.expires_after(max);
  char scratch[512];
  for (;;) {
    auto [ec, n] = co_await stream_.async_read_some(asio::buffer(scratch),
                                                    asio::as_tuple(asio::use_awaitable));
    if (ec) break;
  }
  close_now(false);
}

HttpRequest to_request(const http::request<http::string_body>& r, const tcp::socket& s) {
  HttpRequest out;
  out.method = std::string(r.method_string());
  out.target = std::string(r.target());
  for (const auto& f : r) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = r.body();
  beast::error_code ec;
  auto ep = s.remote_endpoint(ec);
  if (!ec) out.remote = ep.address().to_string() + ":" + std::to_string(ep.port());
  return out;
}

asio::awaitable<void> Connection::serve() {
  auto self = shared_from_this();
  beast::flat_buffer buffer;
  while (open_) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    stream_.expires_after(kReadTimeout);
    auto [ec, n] =
        co_await http::async_read(stream_, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (ec || !open_) break;
    auto state = owner_.lock();
    if (!state || state->closed) break;
    const auto& req = parser.get();
    responding_ = true;
    HttpReply reply = state->handler(to_request(req, stream_.socket()));
    if (!open_) break;

    if (reply.kind == HttpReply::Kind::kNoReply) {
      responding_ = false;
      co_await wait_for_peer_close(kNoReplyHold);
      co_return;
    }
    if (reply.kind == HttpReply::Kind::kStream) {
      std::string head =
          "HTTP/1.1 " + std::to_string(reply.response.status) + " " +
          std::string(http::obsolete_reason(static_cast<http::status>(reply.response.status))) +
          "\r\nContent-Type: " + reply.response.content_type + "\r\nConnection: close\r\n";
      for (const auto& [k, v] : reply.response.headers) head += k + ": " + v + "\r\n";
      head += "\r\n";
      responding_ = false;
      write(std::move(head));
      if (reply.on_stream) reply.on_stream(self);
      if (reset_after_response_) close_now(true);
      if (open_) co_await wait_for_peer_close(std::chrono::hours(24 * 365));
      co_return;
    }

    http::response<http::string_body> res{static_cast<http::status>(reply.response.status),
                                          req.version()};
    res.set(http::field::server, "hitless-lab");
    res.set(http::field::content_type, reply.response.content_type);
    for (const auto& [k, v] : reply.response.headers) res.set(k, v);
    res.keep_alive(req.keep_alive() && !reset_after_response_);
    res.body() = std::move(reply.response.body);
    res.prepare_payload();
    const bool keep = res.keep_alive();
    stream_.expires_after(kReadTimeout);
    auto [wec, wn] = co_await http::async_write(stream_, res, asio::as_tuple(asio::use_awaitable));
    responding_ = false;
    if (reset_after_response_) {
      close_now(true);
      break;
    }
    if (wec || !keep) break;
  }
  close_now(false);
}

asio::awaitable<void> accept_loop(std::shared_ptr<ListenerState> state) {
  for (;;) {
    auto [ec, sock] = co_await state->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (state->closed) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      continue;  // e.g. EMFILE: keep listening
    }
    sock.set_option(tcp::no_delay(true), ec);
    auto conn = std::make_shared<Connection>(std::move(sock), state);
    state->connections[conn.get()] = conn;
    asio::co_spawn(state->acceptor.get_executor(), conn->serve(), asio::detached);
  }
}

class ListenerImpl final : public HttpListener {
 public:
  explicit ListenerImpl(std::shared_ptr<ListenerState> s) : state_(std::move(s)) {}
  ~ListenerImpl() override { close(); }
  std::uint16_t port() const override { return state_->port; }
  const std::string& host() const override { return state_->host; }
  void close() override {
    if (state_->closed) return;
    state_->closed = true;
    beast::error_code ec;
    state_->acceptor.close(ec);
    auto conns = state_->connections;
    for (auto& [p, w] : conns)
      if (auto c = w.lock()) c->reset();
  }

 private:
  std::shared_ptr<ListenerState> state_;
};

}  // namespace

void Connection::detach() {
  if (auto owner = owner_.lock()) owner->connections.erase(this);
  owner_.reset();
}

Result<std::unique_ptr<HttpListener>, NetErrc> HttpListener::open(asio::io_context& io,
                                                                  const std::string& host,
                                                                  std::uint16_t port,
                                                                  HttpHandler handler) {
  auto state = std::make_shared<ListenerState>(io);
  state->handler = std::move(handler);
  state->host = host;
  beast::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) return make_error(NetErrc::kBind, "'" + host + "' is not an IP address");
  tcp::endpoint ep(addr, port);
  auto& a = state->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return make_error(NetErrc::kBind, "cannot listen on " + host + ":" + std::to_string(port) +
                                          ": " + ec.message());
  state->port = a.local_endpoint().port();
  asio::co_spawn(io, accept_loop(state), asio::detached);
  return std::unique_ptr<HttpListener>(new ListenerImpl(state));
}

std::string HttpRequest::query(const std::string& key) const {
  auto q = target.find('?');
  if (q == std::string::npos) return {};
  std::string rest = target.substr(q + 1);
  std::size_t pos = 0;
  while (pos <= rest.size()) {
    auto amp = rest.find('&', pos);
    std::string kv = rest.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = kv.find('=');
    if (kv.substr(0, eq) == key) return eq == std::string::npos ? std::string() : kv.substr(eq + 1);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return {};
}

}  // namespace hitless::net
