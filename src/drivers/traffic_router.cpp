#include "drivers/traffic_router.hpp"

namespace hitless::drivers {

TrafficSwitch* TrafficRouter::find(const std::string& via) const {
  auto it = switches_.find(via);
  return it == switches_.end() ? nullptr : it->second.get();
}

void TrafficRouter::move_clients(const std::string& cluster, const std::string& from,
                                 const std::string& to, const std::string& via,
                                 Callback<nlohmann::json> done) {
  if (TrafficSwitch* s = find(via)) return s->move_clients(cluster, from, to, via, std::move(done));
  done(make_error(DriverErrc::kUnsupported,
                  "cluster " + cluster + ": no traffic switch for '" + via + "' is configured"));
}

void TrafficRouter::check(const std::string& cluster, const std::string& via,
                          Callback<nlohmann::json> done) {
  if (TrafficSwitch* s = find(via)) return s->check(cluster, via, std::move(done));
  done(make_error(DriverErrc::kUnsupported,
                  "cluster " + cluster + ": no traffic switch for '" + via + "' is configured"));
}

void TrafficRouter::balance(const std::string& cluster, const Action& action,
                            Callback<nlohmann::json> done) {
  if (TrafficSwitch* s = find("load-balancer")) return s->balance(cluster, action, std::move(done));
  done(make_error(DriverErrc::kUnsupported,
                  "cluster " + cluster + ": no load balancer driver in this run"));
}

}  // namespace hitless::drivers
