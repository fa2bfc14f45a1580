#pragma once
// Chassis: a JunOS router with two routing engines (re0, re1) and one forwarding plane that
// carries the chassis' client sessions (seed 002, scenario S10). The service address belongs to
// the chassis: sessions survive a mastership switch only when graceful-switchover and
// nonstop-routing are both configured; otherwise the switch drops every one of them, so an
// orchestrator that switches without the prerequisites is visibly wrong.
// Pure model on the Scheduler seam (an engine's reboot takes model time). Single-threaded.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/scheduler.hpp"

namespace hitless::lab {

// The three statements seed 002 requires before an in-service upgrade.
struct RedundancyConfig {
  bool graceful_switchover = false;  // set chassis redundancy graceful-switchover
  bool nonstop_routing = false;      // set routing-options nonstop-routing
  bool commit_synchronize = false;   // set system commit synchronize
};

enum class EngineState { kMaster, kBackup, kRebooting, kDown };
const char* to_string(EngineState s);

struct RoutingEngine {
  int slot = 0;                 // 0 for re0, 1 for re1
  std::string version;          // running software
  std::string pending_version;  // installed, runs after the next reboot
  EngineState state = EngineState::kBackup;
  bool boot_fails = false;  // injected fault: a reboot onto new software does not come up
  // The engine's committed configuration beyond the redundancy statements (which the chassis
  // holds): "set ..." statements, sorted; and how many commits it has taken.
  std::set<std::string> configuration;
  long commits = 0;
};

// What a command did: the lines a CLI prints, and whether it was refused.
struct ChassisOutcome {
  bool ok = true;
  std::vector<std::string> lines;
};

class Chassis {
 public:
  Chassis(Scheduler& clock, std::string name, std::string version, double reboot_s);

  const std::string& name() const { return name_; }
  RedundancyConfig& config() { return config_; }
  const RedundancyConfig& config() const { return config_; }
  const RoutingEngine& engine(int slot) const { return engines_.at(slot); }
  RoutingEngine& engine(int slot) { return engines_.at(slot); }
  // The slot of the engine that is master, if one is.
  std::optional<int> master_slot() const;
  // The forwarding plane forwards while an engine is master (or was, with GRES, moments ago).
  bool forwarding() const { return master_slot().has_value(); }

  // Client sessions carried by the forwarding plane. `on_dropped` runs when the chassis drops
  // every one of them (a switchover without GRES+NSR, or no engine left), so the lab's data
  // plane resets the clients' connections.
  void open_sessions(int n) { open_sessions_ += n; }
  void close_session() { open_sessions_ -= open_sessions_ > 0 ? 1 : 0; }
  void set_on_dropped(std::function<void()> on_dropped) { on_dropped_ = std::move(on_dropped); }
  // Runs after an engine's state or the mastership changed (the simulator's accounting).
  void set_on_change(std::function<void()> on_change) { on_change_ = std::move(on_change); }
  int open_sessions() const { return open_sessions_; }
  long dropped_sessions() const { return dropped_sessions_; }

  // The configuration statements still missing, in "set ..." form (empty when ready for ISSU).
  std::vector<std::string> missing_prerequisites() const;

  // An image copied to the chassis (what scp/file copy would leave in /var/tmp).
  void stage(const std::string& path, const std::string& version) { staged_[path] = version; }
  std::optional<std::string> staged_version(const std::string& path) const;
  // Paths of every staged image, sorted.
  std::vector<std::string> staged_paths() const;

  // `set STATEMENT` / `delete STATEMENT` committed at once on the master engine `slot`. With
  // commit synchronize the backup engine takes the same configuration (seed 002: the engines
  // "need to be synchronizing the configs"); when it is not up the commit stays on the master
  // with a warning, and the engine takes the master's configuration when it boots. Refused on
  // the backup engine.
  ChassisOutcome commit(int slot, const std::string& statement, bool set);
  // `show configuration | display set` of engine `slot`: host name, redundancy, the rest.
  std::string configuration_text(int slot) const;
  // SHA-256 (hex) of configuration_text(slot): equal on both engines when nothing was lost.
  std::string configuration_checksum(int slot) const;

  // request system software validate PATH: the image against the configuration.
  ChassisOutcome validate(const std::string& path) const;
  // request system software in-service-upgrade PATH [reboot] (run on the master).
  ChassisOutcome in_service_upgrade(const std::string& path, bool reboot_old_master);
  // request chassis routing-engine master switch.
  ChassisOutcome switch_mastership();
  // request system reboot on one engine: down for reboot_s, then up on its pending software.
  // Rebooting the master hands mastership to the backup first (a switchover).
  ChassisOutcome reboot(int slot);

 private:
  // Moves mastership to the other engine; keeps or drops sessions as configured.
  void switchover(std::vector<std::string>& lines);
  void boot(int slot);
  void drop_sessions();
  // Commit synchronize: `to` takes the master `from`'s configuration.
  void synchronize(int from, int to);
  bool hitless_switch_configured() const {
    return config_.graceful_switchover && config_.nonstop_routing;
  }

  Scheduler& clock_;
  std::string name_;
  double reboot_s_;
  RedundancyConfig config_;
  std::map<int, RoutingEngine> engines_;
  std::map<std::string, std::string> staged_;
  int open_sessions_ = 0;
  long dropped_sessions_ = 0;
  std::function<void()> on_dropped_;
  std::function<void()> on_change_;
};

}  // namespace hitless::lab
