#include "drivers/shared_ip_switch.hpp"

namespace hitless::drivers {

void SharedIpTrafficSwitch::move_clients(const std::string& cluster, const std::string& from,
                                         const std::string& to, const std::string& via,
                                         Callback<nlohmann::json> done) {
  if (via != "shared-ip")
    return done(
        make_error(DriverErrc::kUnsupported,
                   "cluster " + cluster + ": no traffic switch for '" + via + "' is configured"));
  appliance_.perform(
      from, Action{"shared-ip", {{"enabled", false}}},
      [this, to, done = std::move(done)](Result<nlohmann::json, DriverErrc> r) mutable {
        if (!r) return done(std::move(r));
        appliance_.perform(to, Action{"shared-ip", {{"enabled", true}}}, std::move(done));
      });
}

}  // namespace hitless::drivers
