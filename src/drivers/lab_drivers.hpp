#pragma once
// Drivers for the appliance lab (and any appliance speaking the lab's REST API, docs/lab-api.md):
// management over HTTP/JSON with bearer tokens, out-of-band power through the lab's BMC endpoint,
// and a service probe that asks the cluster's service address who answers (a DNS cluster's
// name resolved through its own DNS server).
// Built from an Inventory; credentials are read from their files once, at construction.
// Single-threaded: runs on the io_context of the AsyncHttpClient.

#include <map>
#include <string>

#include "drivers/drivers.hpp"
#include "model/inventory.hpp"
#include "net/async_http_client.hpp"
#include "net/dns_client.hpp"

namespace hitless::drivers {

struct LabEndpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string token;
  std::string path;  // BMC only
  // A management API keeps its connections for the next call; a service address is asked on a
  // fresh one each time, as a new client would (a kept one stays with its first backend).
  bool keep_alive = true;
};

class LabApplianceDriver final : public NodeDriver {
 public:
  // Fails (naming the node and file) when a token file cannot be read or an address is malformed.
  static Result<std::unique_ptr<LabApplianceDriver>, DriverErrc> create(net::AsyncHttpClient& http,
                                                                        const Inventory& inv,
                                                                        double api_timeout_s);

  void observe(const std::string& node, Callback<ObservedNode> done) override;
  void perform(const std::string& node, const Action& action,
               Callback<nlohmann::json> done) override;
  void set_power(const std::string& node, bool on, Callback<Unit> done) override;
  // GET on the BMC endpoint: {"power": "on"|"off"}.
  void power_state(const std::string& node, Callback<bool> done) override;
  void who_answers(const std::string& cluster, Callback<std::string> done) override;

 private:
  LabApplianceDriver(net::AsyncHttpClient& http, double timeout_s)
      : http_(http), timeout_s_(timeout_s) {}
  void call(const LabEndpoint& ep, const std::string& node, const std::string& method,
            const std::string& target, std::string body, std::map<std::string, std::string> headers,
            Callback<nlohmann::json> done);

  net::AsyncHttpClient& http_;
  double timeout_s_;
  std::map<std::string, LabEndpoint> nodes_;
  std::map<std::string, LabEndpoint> bmc_;
  std::map<std::string, LabEndpoint> services_;  // by cluster
  // DNS-swung clusters: the service host is a name, resolved through the cluster's DNS server
  // at every probe (as a client would, with no cache), not through the system resolver.
  std::map<std::string, net::DnsServer> dns_servers_;  // by cluster
};

}  // namespace hitless::drivers
