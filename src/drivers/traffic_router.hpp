#pragma once
// TrafficRouter: the run's one TrafficSwitch. It hands each move to the switch of the mechanism
// the plan names (`via`): shared-ip to the appliance's own shared IP, dns to the DNS swing, nat
// to the NAT swing (a load balancer registers here too). Single-threaded.

#include <map>
#include <memory>

#include "drivers/drivers.hpp"

namespace hitless::drivers {

class TrafficRouter final : public TrafficSwitch {
 public:
  void add(const std::string& via, std::unique_ptr<TrafficSwitch> s) {
    switches_[via] = std::move(s);
  }
  void move_clients(const std::string& cluster, const std::string& from, const std::string& to,
                    const std::string& via, Callback<nlohmann::json> done) override;
  void check(const std::string& cluster, const std::string& via,
             Callback<nlohmann::json> done) override;
  // Load-balancer actions (drain, maint, health, ready) go to the "load-balancer" switch.
  void balance(const std::string& cluster, const Action& action,
               Callback<nlohmann::json> done) override;

 private:
  TrafficSwitch* find(const std::string& via) const;
  std::map<std::string, std::unique_ptr<TrafficSwitch>> switches_;
};

}  // namespace hitless::drivers
