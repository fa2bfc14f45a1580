#pragma once
// Drivers for the simulator: the same requests the lab driver would send, handed in-process to
// the same management API code over the same node model, on a virtual clock. A small model-time
// latency stands in for the network. Traffic moves act on the model too. Single-threaded (the
// virtual scheduler's thread).

#include <map>
#include <string>

#include "catalog/catalog.hpp"
#include "drivers/drivers.hpp"
#include "lab/model/lab_world.hpp"
#include "simulator/sim_chassis.hpp"

namespace hitless::sim {

class SimDrivers final : public drivers::ApplianceDriver,
                         public drivers::PowerDriver,
                         public drivers::ServiceProbe,
                         public drivers::TrafficSwitch {
 public:
  // `signing_secret_b64` signs packages for the world's trusted key (the simulator makes its own).
  SimDrivers(lab::LabWorld& world, const catalog::Catalog& catalog, std::string signing_secret_b64,
             double latency_s = 0.2)
      : world_(world),
        catalog_(catalog),
        secret_(std::move(signing_secret_b64)),
        latency_s_(latency_s) {}

  // A chassis cluster's engines are answered by `chassis` (not by the world's nodes).
  void add_chassis(SimChassis* chassis) { chassis_.push_back(chassis); }

  void observe(const std::string& node, drivers::Callback<ObservedNode> done) override;
  void perform(const std::string& node, const drivers::Action& action,
               drivers::Callback<nlohmann::json> done) override;
  void set_power(const std::string& node, bool on, drivers::Callback<Unit> done) override;
  // The lab node's own power state, for nodes the lab gives out-of-band power (as its BMC does).
  void power_state(const std::string& node, drivers::Callback<bool> done) override;
  void who_answers(const std::string& cluster, drivers::Callback<std::string> done) override;
  // A shared IP moves on the nodes; a DNS or NAT swing points the cluster at `to` at once (the
  // DNS TTL's gap is added to the predicted downtime by the simulator, from the step).
  void move_clients(const std::string& cluster, const std::string& from, const std::string& to,
                    const std::string& via, drivers::Callback<nlohmann::json> done) override;

 private:
  template <class T>
  void reply(drivers::Callback<T> done, Result<T, drivers::DriverErrc> r);
  // An air-gapped node's offline bundle: the simulated appliance stages its packages (ids) one
  // after the other, as the lab does, and answers {"staged": [{id, digest}]}.
  void stage_bundle(const std::string& node, nlohmann::json ids, std::size_t next,
                    nlohmann::json staged, drivers::Callback<nlohmann::json> done);

  lab::LabWorld& world_;
  const catalog::Catalog& catalog_;
  std::string secret_;
  double latency_s_;
  SimChassis* chassis_of(const std::string& node) const;
  std::vector<SimChassis*> chassis_;
  std::map<std::string, std::string> pointed_at_;  // DNS/NAT clusters: node clients reach
};

}  // namespace hitless::sim
