#pragma once
// SharedIpTrafficSwitch: moves a cluster's clients by moving its shared IP (seed 001's "Shared IP
// switch"): disable it on the node that holds it, then enable it on the other. Clients see the
// gap between the two calls. Built on the appliance driver; single-threaded like it.

#include "drivers/drivers.hpp"

namespace hitless::drivers {

class SharedIpTrafficSwitch final : public TrafficSwitch {
 public:
  explicit SharedIpTrafficSwitch(ApplianceDriver& appliance) : appliance_(appliance) {}
  void move_clients(const std::string& cluster, const std::string& from, const std::string& to,
                    const std::string& via, Callback<nlohmann::json> done) override;

 private:
  ApplianceDriver& appliance_;
};

}  // namespace hitless::drivers
