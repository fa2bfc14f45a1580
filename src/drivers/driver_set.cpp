#include "drivers/driver_set.hpp"

#include <algorithm>

#include "drivers/command/command_driver.hpp"
#include "drivers/dns_switch.hpp"
#include "drivers/haproxy_traffic_switch.hpp"
#include "drivers/lab_drivers.hpp"
#include "drivers/nat_switch.hpp"
#include "drivers/shared_ip_switch.hpp"

namespace hitless::drivers {
namespace {

// The inventory with only the nodes that name `driver` (clusters left empty are dropped).
Inventory nodes_using(const Inventory& inv, const std::string& driver) {
  Inventory out = inv;
  out.clusters.clear();
  for (const auto& c : inv.clusters) {
    InventoryCluster kept = c;
    kept.nodes.clear();
    for (const auto& n : c.nodes)
      if (n.driver == driver) kept.nodes.push_back(n);
    if (!kept.nodes.empty()) out.clusters.push_back(std::move(kept));
  }
  return out;
}

}  // namespace

const std::vector<DriverFactory>& driver_factories() {
  static const std::vector<DriverFactory> factories{
      {"lab",
       [](net::AsyncHttpClient& http, const Inventory& inv,
          double timeout) -> Result<std::unique_ptr<NodeDriver>, DriverErrc> {
         auto d = LabApplianceDriver::create(http, inv, timeout);
         if (!d) return d.error();
         return std::unique_ptr<NodeDriver>(std::move(*d));
       }},
      {"command",
       [](net::AsyncHttpClient& http, const Inventory& inv,
          double) -> Result<std::unique_ptr<NodeDriver>, DriverErrc> {
         // Each command carries its own timeout, from the node's vendor profile.
         auto d = CommandApplianceDriver::create(http.io(), inv);
         if (!d) return d.error();
         return std::unique_ptr<NodeDriver>(std::move(*d));
       }},
  };
  return factories;
}

std::string unavailable_driver(const Inventory& inv) {
  for (const auto& c : inv.clusters)
    for (const auto& n : c.nodes) {
      bool known = false;
      std::string names;
      for (const auto& f : driver_factories()) {
        known = known || n.driver == f.name;
        names += (names.empty() ? "" : ", ") + std::string(f.name);
      }
      if (!known)
        return inv.file + ":" + std::to_string(n.line) + ": clusters[" + c.name + "].nodes[" +
               n.name + "].driver: '" + n.driver +
               "' is not available in this build (drivers: " + names + ")";
    }
  return "";
}

DriverSet::~DriverSet() = default;

Result<std::unique_ptr<DriverSet>, DriverErrc> DriverSet::create(net::AsyncHttpClient& http,
                                                                 const Inventory& inv,
                                                                 double timeout, Scheduler* clock) {
  if (auto why = unavailable_driver(inv); !why.empty())
    return make_error(DriverErrc::kUnsupported, why);
  std::unique_ptr<DriverSet> set(new DriverSet);
  for (const auto& f : driver_factories()) {
    Inventory mine = nodes_using(inv, f.name);
    if (mine.clusters.empty()) continue;
    auto d = f.create(http, mine, timeout);
    if (!d) return d.error();
    NodeDriver* raw = d->get();
    set->owned_.push_back(std::move(*d));
    for (const auto& c : mine.clusters) {
      set->by_cluster_.emplace(c.name, raw);  // the first driver of a cluster answers for it
      for (const auto& n : c.nodes) set->by_node_[n.name] = raw;
    }
  }
  set->traffic_.add("shared-ip", std::make_unique<SharedIpTrafficSwitch>(*set));
  auto dns = DnsTrafficSwitch::create(http.io(), inv);
  if (!dns) return dns.error();
  set->traffic_.add("dns", std::move(*dns));
  auto nat = NatTrafficSwitch::create(http.io(), inv);
  if (!nat) return nat.error();
  set->traffic_.add("nat", std::move(*nat));
  std::map<std::string, HaproxyBackend> balanced;
  for (const auto& c : inv.clusters)
    if (c.traffic_kind == "load-balancer" && !c.lb_runtime_socket.empty())
      balanced[c.name] = HaproxyBackend{c.lb_runtime_socket, c.lb_backend};
  if (!balanced.empty() && clock) {
    // Look at HAProxy every 20 ms of wall time, in the model seconds the switch counts in.
    const double poll_s = 0.02 / (inv.time_scale > 0 ? inv.time_scale : 1);
    set->traffic_.add("load-balancer",
                      std::make_unique<HaproxyTrafficSwitch>(http.io(), *clock, std::move(balanced),
                                                             timeout, poll_s));
  }
  // ipmitool retransmits after 1 s: a lab's scaled API timeout would cut a slow BMC short.
  auto ipmi = IpmiPowerDriver::create(http.io(), inv, std::max(timeout, 10.0));
  if (!ipmi) return ipmi.error();
  set->ipmi_ = std::move(*ipmi);
  return set;
}

NodeDriver* DriverSet::for_node(const std::string& node) const {
  auto it = by_node_.find(node);
  return it == by_node_.end() ? nullptr : it->second;
}

void DriverSet::observe(const std::string& node, Callback<ObservedNode> done) {
  if (NodeDriver* d = for_node(node)) return d->observe(node, std::move(done));
  done(make_error(DriverErrc::kUnsupported, "no driver for node " + node));
}

void DriverSet::perform(const std::string& node, const Action& action,
                        Callback<nlohmann::json> done) {
  if (NodeDriver* d = for_node(node)) return d->perform(node, action, std::move(done));
  done(make_error(DriverErrc::kUnsupported, "no driver for node " + node));
}

void DriverSet::set_power(const std::string& node, bool on, Callback<Unit> done) {
  if (ipmi_->serves(node)) return ipmi_->set_power(node, on, std::move(done));
  if (NodeDriver* d = for_node(node)) return d->set_power(node, on, std::move(done));
  done(make_error(DriverErrc::kUnsupported, "no driver for node " + node));
}

void DriverSet::power_state(const std::string& node, Callback<bool> done) {
  if (ipmi_->serves(node)) return ipmi_->power_state(node, std::move(done));
  if (NodeDriver* d = for_node(node)) return d->power_state(node, std::move(done));
  done(make_error(DriverErrc::kUnsupported, "no driver for node " + node));
}

void DriverSet::who_answers(const std::string& cluster, Callback<std::string> done) {
  auto it = by_cluster_.find(cluster);
  if (it != by_cluster_.end()) return it->second->who_answers(cluster, std::move(done));
  done(make_error(DriverErrc::kUnsupported, "no driver for cluster " + cluster));
}

}  // namespace hitless::drivers
