#pragma once
// DnsTrafficSwitch: moves a cluster's clients by a DNS swing (seed 001, "DNS swing"): one RFC
// 2136 update signed with TSIG replaces the record's A with the new node's address. Clients that
// resolved before keep the old answer for up to the record's TTL, which is why the planner
// counts the TTL in the predicted gap. The key file is read at every call, so a key changed or
// revoked during a run is noticed at the next step. The ldns calls block (a local update takes
// ~10 ms, at most timeout x attempts), so they run on a worker thread (net::BlockingWorker) with
// that bound as deadline; callbacks come back on the io_context's thread, the executor's.
// Create and call on that thread.

#include <map>

#include "drivers/drivers.hpp"
#include "model/inventory.hpp"
#include "net/blocking_worker.hpp"
#include "net/dns_client.hpp"

namespace hitless::drivers {

struct DnsCluster {
  net::DnsServer server;
  std::string zone, record, key_file;
  std::uint32_t ttl = 0;
  std::map<std::string, std::string> node_address;  // node -> IPv4 address for its A record
};

class DnsTrafficSwitch final : public TrafficSwitch {
 public:
  // The clusters of `inventory` with traffic kind dns; errors name the field that is wrong.
  static Result<std::unique_ptr<DnsTrafficSwitch>, DriverErrc> create(boost::asio::io_context& io,
                                                                      const Inventory& inventory);
  bool serves(const std::string& cluster) const { return clusters_.count(cluster) > 0; }

  void move_clients(const std::string& cluster, const std::string& from, const std::string& to,
                    const std::string& via, Callback<nlohmann::json> done) override;
  void check(const std::string& cluster, const std::string& via,
             Callback<nlohmann::json> done) override;

 private:
  explicit DnsTrafficSwitch(boost::asio::io_context& io) : worker_(io) {}
  std::map<std::string, DnsCluster> clusters_;
  net::BlockingWorker worker_;
};

// "host:port" split; false when it is not that.
bool split_host_port(const std::string& address, std::string& host, std::uint16_t& port);

}  // namespace hitless::drivers
