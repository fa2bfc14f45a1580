#pragma once
// Helpers for end-to-end upgrade tests: a lab pair, `hitless plan/apply/resume` through the real
// binary, the probe running in the background, and quick looks at the nodes.

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <string>

#include "lab_harness.hpp"
#include "probe/probe.hpp"

namespace hitless::testing {

// A pair with short timings (base 5 min, product 10 min, reboot 2 min, 3 GB at 10 MB/s).
class UpgradeLab : public Lab {
 public:
  explicit UpgradeLab(const std::string& yaml = pair_yaml(), double time_scale = 0.001)
      : Lab(yaml, time_scale) {}
  std::string inventory() const { return dir() + "/inventory.yaml"; }
  // `hitless plan ... -o DIR/NAME`; returns the command's result.
  CommandResult plan(const std::string& strategy, const std::string& target = "7.2.0",
                     const std::string& name = "plan.json");
  std::string plan_path(const std::string& name = "plan.json") const { return dir() + "/" + name; }
  std::string journal_path(const std::string& name = "run.journal") const {
    return dir() + "/" + name;
  }
  CommandResult apply(const std::string& extra = "--auto-approve",
                      const std::string& plan = "plan.json",
                      const std::string& journal = "run.journal");
  std::string checksum(const std::string& node) { return node_field(node, "data", "checksum"); }
  std::string node_field(const std::string& node, const std::string& a, const std::string& b = "");
  // True when the cluster's service address answers a request (and who answered).
  bool service_answers(std::string* who = nullptr, const std::string& cluster = "pair");
  // Writes on a node's management API while a run is under way (data that must not be lost).
  void add_recording(const std::string& node, const std::string& id);
  void set_setting(const std::string& node, const std::string& key, const std::string& value);
  // GET /api/v1/config: {config_checksum, items, recordings, ...}.
  nlohmann::json config(const std::string& node);
};

// Rewrites the lab's inventory so that every node is driven by the command driver through the
// vendor profile `profile` (a path) instead of the lab driver.
void use_command_driver(const UpgradeLab& lab, const std::string& profile);

// How many failed requests one traffic move may cost a probe sending `rate` requests per second
// and holding `sessions` open: every failure falls in the one gap without success, so at most the
// requests sent during it, the sessions' connections, and one request in flight at each edge.
std::uint64_t failures_within_one_gap(const probe::ProbeReport& report, double rate, int sessions);

// The asynchronous pair upgrade under the probe, asserted as clients and operators see it: the
// run completes, only the shared-IP switch may cost a handful of requests, b is primary and
// holds the shared IP, both nodes run 7.2.0 and keep their data, `hitless status` says
// completed. Shared by every driver that can run it (lab REST, command + lab-rest profile).
void expect_async_pair_upgrade_seen_only_as_the_switch(UpgradeLab& lab);

// Waits (polling the journal read-only, as `hitless status` does) until `pred` holds for the
// run's journal: its run state and its steps. Chosen points of a run, not wall-clock delays.
// Returns false after `timeout_s` (generous: a guard against a hung run, not a timing).
bool wait_journal(const std::string& journal_path,
                  const std::function<bool(const std::string& run_state,
                                           const std::map<std::string, std::string>& steps)>& pred,
                  double timeout_s = 120);

// The probe running in the background against `target` until stop() (or `max_duration_s`).
class BackgroundProbe {
 public:
  // `dns_server` (ip:port): `target`'s host is a name resolved there (a DNS-swung cluster).
  BackgroundProbe(const std::string& target, double rate, int sessions, double max_duration_s = 120,
                  const std::string& dns_server = "");
  // A test that fails before stop() ends the probe here instead of waiting out max_duration_s.
  ~BackgroundProbe() { stop_ = true; }
  BackgroundProbe(const BackgroundProbe&) = delete;
  BackgroundProbe& operator=(const BackgroundProbe&) = delete;
  probe::ProbeReport stop();

 private:
  std::atomic<bool> stop_{false};
  std::future<probe::ProbeReport> report_;
};

}  // namespace hitless::testing
