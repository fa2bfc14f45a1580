#pragma once
// DriverSet: the drivers of one run, chosen per node from the inventory's `driver:` through one
// explicit factory list (driver_factories()), behind one router, so that a run can mix them:
// lab nodes over the lab's REST API beside (next) command-driven nodes over SSH. Power goes to
// the node's BMC when the inventory says `power: {driver: ipmi}` (IpmiPowerDriver), otherwise to
// the driver of the node, the service probe to the driver of the cluster's first node; traffic
// to the cluster's switch (the shared IP through the appliances, HAProxy for load balancers).
// Built once per run; single-threaded like the drivers it holds.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/scheduler.hpp"
#include "drivers/drivers.hpp"
#include "drivers/ipmi_power_driver.hpp"
#include "drivers/traffic_router.hpp"
#include "model/inventory.hpp"
#include "net/async_http_client.hpp"

namespace hitless::drivers {

struct DriverFactory {
  const char* name;  // the inventory's `driver:` value
  // Builds one driver for `inventory` restricted to the nodes that name this driver.
  std::function<Result<std::unique_ptr<NodeDriver>, DriverErrc>(
      net::AsyncHttpClient&, const Inventory&, double api_timeout_s)>
      create;
};
// Every appliance driver this build has, in one list.
const std::vector<DriverFactory>& driver_factories();
// "" when every node's driver is in the list; otherwise which node names which unknown driver.
std::string unavailable_driver(const Inventory& inventory);

class DriverSet final : public NodeDriver {
 public:
  // `clock` (the run's) lets the traffic switches wait in model time; without it clusters behind
  // a load balancer cannot be driven (observing nodes needs none).
  static Result<std::unique_ptr<DriverSet>, DriverErrc> create(net::AsyncHttpClient& http,
                                                               const Inventory& inventory,
                                                               double api_timeout_s,
                                                               Scheduler* clock = nullptr);
  ~DriverSet() override;
  // Traffic moves go to the switch of the plan's `via` (shared IP, DNS, NAT, load balancer).
  Drivers drivers() { return Drivers{this, this, this, &traffic_}; }

  void observe(const std::string& node, Callback<ObservedNode> done) override;
  void perform(const std::string& node, const Action& action,
               Callback<nlohmann::json> done) override;
  void set_power(const std::string& node, bool on, Callback<Unit> done) override;
  void power_state(const std::string& node, Callback<bool> done) override;
  void who_answers(const std::string& cluster, Callback<std::string> done) override;

 private:
  NodeDriver* for_node(const std::string& node) const;
  std::vector<std::unique_ptr<NodeDriver>> owned_;
  std::unique_ptr<IpmiPowerDriver> ipmi_;
  std::map<std::string, NodeDriver*> by_node_;
  std::map<std::string, NodeDriver*> by_cluster_;
  TrafficRouter traffic_;
};

}  // namespace hitless::drivers
