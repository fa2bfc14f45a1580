#include "lab/daemon/lab_runtime.hpp"

#include <sodium.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "lab/daemon/management_api.hpp"
#include "lab/daemon/netns_scope.hpp"

namespace hitless::lab {
namespace {

bool token_matches(const std::string& header, const std::string& token) {
  const std::string prefix = "Bearer ";
  if (token.empty() || header.size() != prefix.size() + token.size() ||
      header.rfind(prefix, 0) != 0)
    return false;
  return sodium_memcmp(header.data() + prefix.size(), token.data(), token.size()) == 0;
}

std::pair<std::string, std::uint16_t> split_host_port(const std::string& hp) {
  auto colon = hp.rfind(':');
  return {hp.substr(0, colon), static_cast<std::uint16_t>(std::stoi(hp.substr(colon + 1)))};
}

}  // namespace

LabRuntime::LabRuntime(boost::asio::io_context& io, LabWorld& world,
                       std::map<std::string, NodeEndpoint> endpoints)
    : io_(io), world_(world), endpoints_(std::move(endpoints)) {
  for (const auto& n : world_.nodes()) n->set_observer(this);
}

LabRuntime::~LabRuntime() {
  for (const auto& n : world_.nodes()) n->set_observer(nullptr);
  stop();
}

Status<net::NetErrc> LabRuntime::start() {
  for (const auto& n : world_.nodes()) {
    auto& ep = endpoints_.at(n->name());
    std::string error;
    auto l = listen(n->name(), ep.host, ep.port, false, &error);
    if (!l) return make_error(net::NetErrc::kBind, "node " + n->name() + ": " + error);
    ep.port = l->port();  // keep the chosen port across reboots
    node_listeners_[n->name()] = std::move(l);
  }
  if (auto s = open_region_dispatchers(); !s) return s;
  started_ = true;
  for (const auto& n : world_.nodes()) reconcile(*n);
  for (const auto& n : world_.nodes())
    if (n->shared_ip_enabled() && !vip_bound(n->name()))
      return make_error(net::NetErrc::kBind,
                        "node " + n->name() + ": cannot bind shared IP " + n->shared_ip());
  return Unit{};
}

Status<net::NetErrc> LabRuntime::open_region_dispatchers() {
  if (!region_listeners_.empty()) return Unit{};  // kept across stop/start: addresses stay
  for (const auto& n : world_.nodes()) {
    if (!n->atlas_traffic()) continue;
    const auto key = std::make_pair(n->spec().cluster, n->spec().region);
    if (region_listeners_.count(key)) continue;
    auto l = net::HttpListener::open(io_, "127.0.0.1", 0, [this, key](const net::HttpRequest& r) {
      return dispatch(key.first, key.second, r);
    });
    if (!l)
      return make_error(net::NetErrc::kBind,
                        "cluster " + key.first + " region " + key.second +
                            ": cannot bind its service address: " + l.message());
    region_listeners_[key] = std::move(*l);
  }
  return Unit{};
}

std::map<std::string, std::string> LabRuntime::region_addresses(const std::string& cluster) const {
  std::map<std::string, std::string> out;
  for (const auto& [key, l] : region_listeners_)
    if (key.first == cluster) out[key.second] = "127.0.0.1:" + std::to_string(l->port());
  return out;
}

net::HttpReply LabRuntime::dispatch(const std::string& cluster, const std::string& region,
                                    const net::HttpRequest& req) {
  if (req.path().rfind("/api/", 0) == 0)
    return net::HttpReply::json(404,
                                R"({"error":"a region's service address has no management API"})");
  Node* node = world_.route_client(cluster, region);
  if (!node)
    return net::HttpReply::json(
        503, nlohmann::json{{"error", "no traffic node of region " + region + " of " + cluster +
                                          " accepts new clients"}}
                 .dump());
  return data_plane(*node, req, false);
}

void LabRuntime::stop() {
  started_ = false;
  vip_listeners_.clear();
  node_listeners_.clear();
}

std::string LabRuntime::shared_ip(const std::string& cluster) const {
  for (const auto& n : world_.nodes())
    if (n->spec().cluster == cluster && !n->shared_ip().empty()) return n->shared_ip();
  return {};
}

std::uint64_t LabRuntime::requests_served(const std::string& node) const {
  auto it = served_.find(node);
  return it == served_.end() ? 0 : it->second;
}

std::uint64_t LabRuntime::management_requests(const std::string& node) const {
  auto it = management_requests_.find(node);
  return it == management_requests_.end() ? 0 : it->second;
}

std::unique_ptr<net::HttpListener> LabRuntime::listen(const std::string& node,
                                                      const std::string& host, std::uint16_t port,
                                                      bool shared_ip, std::string* error) {
  auto l = net::HttpListener::open(
      io_, host, port,
      [this, node, shared_ip](const net::HttpRequest& r) { return handle(node, r, shared_ip); });
  if (!l) {
    if (error) *error = l.message();
    std::fprintf(stderr, "hitless lab: %s: %s\n", node.c_str(), l.message().c_str());
    return nullptr;
  }
  return std::move(*l);
}

void LabRuntime::drop_shared_ip_sessions(Node& node) {
  for (auto it = streams_.begin(); it != streams_.end();) {
    if (it->first.first == node.name() && it->second.via_shared_ip) {
      auto stream = it->second.stream.lock();
      node.drop_session(it->first.second);
      it = streams_.erase(it);
      if (stream) stream->reset();
    } else {
      ++it;
    }
  }
}

void LabRuntime::node_changed(Node& node) {
  if (started_) reconcile(node);
}

void LabRuntime::reconcile(Node& node) {
  const std::string& name = node.name();
  const bool up = node.management_up();
  auto nl = node_listeners_.find(name);
  if (up && nl == node_listeners_.end()) {
    const auto& ep = endpoints_.at(name);
    if (auto l = listen(name, ep.host, ep.port, false)) node_listeners_[name] = std::move(l);
  } else if (!up && nl != node_listeners_.end()) {
    nl->second->close();
    node_listeners_.erase(nl);
  }

  const bool want_vip = up && node.shared_ip_enabled();
  auto vl = vip_listeners_.find(name);
  const auto vip_net = netns_.find(node.spec().cluster);
  if (want_vip && vl == vip_listeners_.end()) {
    auto [host, port] = split_host_port(node.shared_ip());
    if (vip_net != netns_.end()) return claim_in_netns(node, *vip_net->second, host, port);
    if (auto l = listen(name, host, port, true)) vip_listeners_[name] = std::move(l);
  } else if (!want_vip && vl != vip_listeners_.end()) {
    drop_shared_ip_sessions(node);
    vl->second->close();
    vip_listeners_.erase(vl);
    if (vip_net != netns_.end()) vip_net->second->remove_vip(name);
  }
}

// As Linux appliances take a VIP: the address onto the interface, the service listening on it,
// then the gratuitous ARP that makes clients send to this node's MAC from now on.
void LabRuntime::claim_in_netns(Node& node, SharedIpNetns& vip_net, const std::string& host,
                                std::uint16_t port) {
  const std::string& name = node.name();
  if (auto s = vip_net.add_vip(name); !s) {
    std::fprintf(stderr, "hitless lab: %s\n", s.message().c_str());
    return;
  }
  std::unique_ptr<net::HttpListener> l;
  {
    NetnsScope in(vip_net.netns_of(name));
    if (!in.entered()) {
      std::fprintf(stderr, "hitless lab: %s: %s\n", name.c_str(), in.error().c_str());
      return;
    }
    l = listen(name, host, port, true);
  }
  if (!l) return;
  vip_listeners_[name] = std::move(l);
  if (auto s = vip_net.announce(name); !s)
    std::fprintf(stderr, "hitless lab: %s\n", s.message().c_str());
}

void LabRuntime::session_ended(Node& node, SessionId id, bool dropped) {
  auto it = streams_.find({node.name(), id});
  if (it == streams_.end()) return;
  auto stream = it->second.stream.lock();
  streams_.erase(it);
  if (!stream) return;
  if (dropped) {
    stream->reset();
  } else {
    stream->write("end completed\n");
    stream->finish();
  }
}

// Seed 000: the connection stays open and now belongs to the session on `to`; the client is told
// with a `transferred NEW_ID NODE` line so it can count the move (not a drop).
void LabRuntime::session_transferred(Node& from, SessionId id, Node& to, SessionId new_id) {
  auto it = streams_.find({from.name(), id});
  if (it == streams_.end()) return;
  OpenSession moved = it->second;
  streams_.erase(it);
  auto stream = moved.stream.lock();
  if (!stream) {
    to.close_session(new_id);
    return;
  }
  *moved.key = {to.name(), new_id};
  streams_[*moved.key] = moved;
  stream->detach();  // the old owner's VIP listener closes next; the connection stays
  stream->write("transferred " + std::to_string(new_id) + " " + to.name() + "\n");
}

net::HttpReply LabRuntime::handle(const std::string& node_name, const net::HttpRequest& req,
                                  bool via_shared_ip) {
  Node* node = world_.find(node_name);
  if (!node) return net::HttpReply::json(404, R"({"error":"no such node"})");
  const std::string path = req.path();
  if (path.rfind("/api/", 0) != 0) return data_plane(*node, req, via_shared_ip);

  ++management_requests_[node_name];  // what an orchestrator costs the appliance's management plane
  // An unreachable or wedged management API accepts the connection and never answers.
  if (node->has_fault(Fault::kUnreachable) || node->management_wedged())
    return net::HttpReply::no_reply();
  const std::string auth = req.header("authorization");
  if (auth.empty())
    return net::HttpReply{net::HttpReply::Kind::kResponse,
                          error_response(401, "missing bearer token (Authorization: Bearer ...)"),
                          {}};
  if (!token_matches(auth, endpoints_.at(node_name).token))
    return net::HttpReply{net::HttpReply::Kind::kResponse,
                          error_response(403, "token not valid for " + node_name),
                          {}};
  const double delay_s = answer_delay_s(*node, req);
  net::HttpReply r;
  r.response = handle_management(world_, *node, req);
  if (delay_s > 0 && r.response.status < 300) return deferred(std::move(r.response), delay_s);
  return r;
}

// The HTTP server answers synchronously, so a slow answer is a stream: the status line and
// headers go out now (no Content-Length, Connection: close), the body after `delay_s` model
// seconds, then the connection closes. A client reads it as one ordinary response. If the node
// goes down meanwhile its listener closes and the client sees the connection reset.
net::HttpReply LabRuntime::deferred(net::HttpResponse response, double delay_s) {
  net::HttpReply r;
  r.kind = net::HttpReply::Kind::kStream;
  r.response.status = response.status;
  r.response.content_type = response.content_type;
  r.response.headers = response.headers;
  r.on_stream = [this, body = std::move(response.body),
                 delay_s](std::shared_ptr<net::HttpStream> s) {
    world_.clock().call_after(delay_s, [s, body] {
      s->write(body);
      s->finish();
    });
  };
  return r;
}

net::HttpReply LabRuntime::data_plane(Node& node, const net::HttpRequest& req, bool via_shared_ip) {
  using nlohmann::json;
  const std::string path = req.path();
  if (req.method != "GET")
    return net::HttpReply::json(405, R"({"error":"data plane answers GET only"})");
  if (path == "/") {
    if (!node.serving())
      return net::HttpReply::json(503, json{{"error", node.name() + " is not serving"}}.dump());
    if (!node.accepting())
      return net::HttpReply::json(
          503, json{{"error", node.name() + " is not accepting new connections"}}.dump());
    ++served_[node.name()];
    return net::HttpReply::json(200,
                                json{{"node", node.name()}, {"version", node.version()}}.dump());
  }
  if (path == "/session") {
    double lifetime = 0;
    if (auto q = req.query("lifetime_s"); !q.empty()) {
      std::size_t used = 0;
      try {
        lifetime = std::stod(q, &used);
      } catch (...) {
        used = 0;
      }
      if (used != q.size() || !(lifetime > 0))
        return net::HttpReply::json(400, R"({"error":"lifetime_s must be a positive number"})");
    }
    auto id = node.open_session(lifetime);
    if (!id) return net::HttpReply::json(503, json{{"error", id.message()}}.dump());
    net::HttpReply r;
    r.kind = net::HttpReply::Kind::kStream;
    r.response.content_type = "text/plain";
    r.on_stream = [this, name = node.name(), sid = *id,
                   via_shared_ip](std::shared_ptr<net::HttpStream> s) {
      auto key = std::make_shared<SessionKey>(name, sid);
      streams_[*key] = OpenSession{s, via_shared_ip, key};
      s->write("open " + std::to_string(sid) + " " + name + "\n");
      s->on_closed([this, key] {
        // The client left before the session ended: forget it without counting a drop.
        if (streams_.erase(*key))
          if (Node* n = world_.find(key->first)) n->close_session(key->second);
      });
    };
    return r;
  }
  return net::HttpReply::json(404, R"({"error":"no such page"})");
}

}  // namespace hitless::lab
