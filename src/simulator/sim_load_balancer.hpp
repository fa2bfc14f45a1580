#pragma once
// SimLoadBalancer: the load balancer in front of active/active clusters, in the simulator. It
// keeps each member's state (ready, drain, maint) as HAProxy would and answers the lb-* calls of
// TrafficSwitch::balance on the virtual clock: a drain ends once the member's sessions in the
// node model ended (bounded by the drain timeout, then the policy's action), the health gate once
// the member serves. Client moves (shared IP, DNS, NAT) and their checks go to `moves`, the
// simulator's own traffic switch. The recorder
// asks `takes_traffic` to count what clients can reach. Single-threaded.

#include <functional>
#include <map>
#include <string>

#include "common/scheduler.hpp"
#include "drivers/drivers.hpp"
#include "lab/model/lab_world.hpp"

namespace hitless::sim {

class SimLoadBalancer final : public drivers::TrafficSwitch {
 public:
  SimLoadBalancer(lab::LabWorld& world, Scheduler& clock, drivers::TrafficSwitch& moves,
                  double latency_s)
      : world_(world), clock_(clock), moves_(moves), latency_s_(latency_s) {}

  void move_clients(const std::string& cluster, const std::string& from, const std::string& to,
                    const std::string& via, drivers::Callback<nlohmann::json> done) override {
    moves_.move_clients(cluster, from, to, via, std::move(done));
  }
  void check(const std::string& cluster, const std::string& via,
             drivers::Callback<nlohmann::json> done) override {
    moves_.check(cluster, via, std::move(done));
  }
  void balance(const std::string& cluster, const drivers::Action& action,
               drivers::Callback<nlohmann::json> done) override;

  // Whether the balancer sends new clients to `node` (true for nodes it never heard of).
  bool takes_traffic(const std::string& node) const {
    auto it = state_.find(node);
    return it == state_.end() || it->second == "ready";
  }
  // Called whenever a member's state changes (the recorder re-counts).
  std::function<void()> on_change;

 private:
  void set(const std::string& node, const std::string& state);
  void wait(std::string node, double started, double timeout_s, bool for_sessions,
            std::string on_timeout, drivers::Callback<nlohmann::json> done);

  lab::LabWorld& world_;
  Scheduler& clock_;
  drivers::TrafficSwitch& moves_;
  double latency_s_;
  std::map<std::string, std::string> state_;
};

}  // namespace hitless::sim
