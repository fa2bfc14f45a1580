#pragma once
// LabRuntime: the thin network front over a LabWorld. It binds each node's address while the
// node's management API is up, binds a cluster's shared IP only on its current owner, serves the
// management API (token auth) and the data plane on those sockets, ties client sessions to open
// connections, and resets connections when their node stops serving. Slow answers (a backup
// takes time with data size) are delivered after their model-time delay.
// Everything runs on one io_context thread; the model is driven only from there.

#include <map>
#include <memory>
#include <string>

#include "lab/daemon/shared_ip_netns.hpp"
#include "lab/model/lab_world.hpp"
#include "net/asio_scheduler.hpp"
#include "net/http_server.hpp"

namespace hitless::lab {

struct NodeEndpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string token;      // management API bearer token
  std::string bmc_token;  // out-of-band power token ("" when the node has none)
};

class LabRuntime final : public NodeObserver {
 public:
  LabRuntime(boost::asio::io_context& io, LabWorld& world,
             std::map<std::string, NodeEndpoint> endpoints);
  ~LabRuntime() override;

  // `cluster`'s shared IP lives in `net`'s namespaces: its owner's listener opens in the owner's
  // namespace, after the VIP is added there; a gratuitous ARP follows. Call before start().
  void use_netns(const std::string& cluster, SharedIpNetns& net) { netns_[cluster] = &net; }
  // Binds every node (and the shared IPs of their owners). On failure names the node and address.
  Status<net::NetErrc> start();
  void stop();

  const NodeEndpoint& endpoint(const std::string& node) const { return endpoints_.at(node); }
  // Resolved "host:port" of a cluster's shared IP ("" when it has none).
  std::string shared_ip(const std::string& cluster) const;
  bool listening(const std::string& node) const { return node_listeners_.count(node) > 0; }
  // Seed 001 Atlas: the service address of each region, "host:port" by region, for `cluster`
  // (empty for other clusters). The lab's own dispatcher: a new client reaches an accepting
  // traffic node of the region (LabWorld::route_client), or is refused with 503.
  std::map<std::string, std::string> region_addresses(const std::string& cluster) const;
  bool vip_bound(const std::string& node) const { return vip_listeners_.count(node) > 0; }
  std::uint64_t requests_served(const std::string& node) const;  // data plane (clients)
  std::uint64_t management_requests(
      const std::string& node) const;  // management API calls received

  // NodeObserver
  void node_changed(Node& node) override;
  void session_ended(Node& node, SessionId id, bool dropped) override;
  void session_transferred(Node& from, SessionId id, Node& to, SessionId new_id) override;

 private:
  net::HttpReply handle(const std::string& node_name, const net::HttpRequest& req,
                        bool via_shared_ip);
  net::HttpReply deferred(net::HttpResponse response, double delay_s);
  net::HttpReply data_plane(Node& node, const net::HttpRequest& req, bool via_shared_ip);
  std::unique_ptr<net::HttpListener> listen(const std::string& node, const std::string& host,
                                            std::uint16_t port, bool shared_ip,
                                            std::string* error = nullptr);
  void drop_shared_ip_sessions(Node& node);
  void reconcile(Node& node);
  void claim_in_netns(Node& node, SharedIpNetns& vip_net, const std::string& host,
                      std::uint16_t port);
  Status<net::NetErrc> open_region_dispatchers();
  net::HttpReply dispatch(const std::string& cluster, const std::string& region,
                          const net::HttpRequest& req);

  boost::asio::io_context& io_;
  LabWorld& world_;
  std::map<std::string, NodeEndpoint> endpoints_;
  std::map<std::string, std::unique_ptr<net::HttpListener>> node_listeners_;
  std::map<std::string, std::unique_ptr<net::HttpListener>> vip_listeners_;
  // Atlas: (cluster, region) -> the region's dispatcher, bound on loopback at a chosen port.
  std::map<std::pair<std::string, std::string>, std::unique_ptr<net::HttpListener>>
      region_listeners_;
  using SessionKey = std::pair<std::string, SessionId>;
  struct OpenSession {
    std::weak_ptr<net::HttpStream> stream;
    bool via_shared_ip;
    // Where the session lives now; a transfer (seed 000) moves it, the close handler reads it.
    std::shared_ptr<SessionKey> key;
  };
  std::map<std::pair<std::string, SessionId>, OpenSession> streams_;
  std::map<std::string, std::uint64_t> served_;
  std::map<std::string, std::uint64_t> management_requests_;
  std::map<std::string, SharedIpNetns*> netns_;  // clusters with `shared_ip: netns`
  bool started_ = false;
};

}  // namespace hitless::lab
