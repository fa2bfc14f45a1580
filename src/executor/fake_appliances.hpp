#pragma once
// FakeAppliances: hand-written drivers for executor unit tests (ninja's VirtualFileSystem in
// spirit). Nodes are plain ObservedNode values that actions change on the virtual clock: an
// install takes the node out of service for `install_s`, a sync takes `sync_s`, a configuration
// item can be changed behind the run's back. Every call is logged with its model time.
// Single-threaded (the VirtualScheduler's thread). Test-only.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/virtual_scheduler.hpp"
#include "drivers/drivers.hpp"

namespace hitless::exec::testing {

struct FakeCall {
  double at;
  std::string node;
  std::string kind;
};

class FakeAppliances final : public drivers::ApplianceDriver,
                             public drivers::PowerDriver,
                             public drivers::ServiceProbe {
 public:
  explicit FakeAppliances(VirtualScheduler& clock) : clock_(clock) {}

  // A healthy node running `version`, serving, not in a relation.
  ObservedNode& add(const std::string& name, const std::string& version = "1.0");
  ObservedNode& node(const std::string& name) { return nodes_.at(name); }
  std::map<std::string, std::string>& config(const std::string& name) { return config_[name]; }

  double install_s = 100;  // model seconds an install (activate now) keeps a node down
  double sync_s = 50;
  bool hang_installs = false;  // installs never finish
  std::vector<FakeCall> calls;
  std::vector<FakeCall> looks;  // every observe() asked of the fake (kind "observe")
  std::function<void(const FakeCall&)> on_call;  // runs after each action took effect
  // Out-of-band power readings: nodes with a BMC answer power_state from `powered`; a node in
  // `bmc_fails` gets that error instead; others have no reading (kUnsupported).
  std::set<std::string> bmc;
  std::map<std::string, std::string> bmc_fails;
  int power_reads = 0;
  // Nodes whose management API is wedged: silent, whatever their power.
  std::set<std::string> wedged;
  int count(const std::string& kind) const;
  // Model time of the first call of `kind` on `node` (-1 when none).
  double first(const std::string& kind, const std::string& node) const;

  void observe(const std::string& node, drivers::Callback<ObservedNode> done) override;
  void perform(const std::string& node, const drivers::Action& action,
               drivers::Callback<nlohmann::json> done) override;
  void set_power(const std::string& node, bool on, drivers::Callback<Unit> done) override;
  void power_state(const std::string& node, drivers::Callback<bool> done) override;
  void who_answers(const std::string& cluster, drivers::Callback<std::string> done) override;

 private:
  Result<nlohmann::json, drivers::DriverErrc> act(const std::string& node,
                                                  const drivers::Action& a);
  VirtualScheduler& clock_;
  std::map<std::string, ObservedNode> nodes_;
  std::map<std::string, std::map<std::string, std::string>> config_;
};

}  // namespace hitless::exec::testing
