#include "lab/model/chassis.hpp"

#include <utility>

#include "catalog/package.hpp"

namespace hitless::lab {

const char* to_string(EngineState s) {
  switch (s) {
    case EngineState::kMaster:
      return "Master";
    case EngineState::kBackup:
      return "Backup";
    case EngineState::kRebooting:
      return "Rebooting";
    case EngineState::kDown:
      return "Not present";
  }
  return "?";
}

Chassis::Chassis(Scheduler& clock, std::string name, std::string version, double reboot_s)
    : clock_(clock), name_(std::move(name)), reboot_s_(reboot_s) {
  engines_[0] = RoutingEngine{0, version, "", EngineState::kMaster, false, {}, 0};
  engines_[1] = RoutingEngine{1, version, "", EngineState::kBackup, false, {}, 0};
}

std::optional<int> Chassis::master_slot() const {
  for (const auto& [slot, re] : engines_)
    if (re.state == EngineState::kMaster) return slot;
  return std::nullopt;
}

std::vector<std::string> Chassis::missing_prerequisites() const {
  std::vector<std::string> missing;
  if (!config_.graceful_switchover) missing.push_back("set chassis redundancy graceful-switchover");
  if (!config_.nonstop_routing) missing.push_back("set routing-options nonstop-routing");
  if (!config_.commit_synchronize) missing.push_back("set system commit synchronize");
  return missing;
}

std::optional<std::string> Chassis::staged_version(const std::string& path) const {
  auto it = staged_.find(path);
  if (it == staged_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Chassis::staged_paths() const {
  std::vector<std::string> out;
  for (const auto& [path, version] : staged_) out.push_back(path);
  return out;
}

ChassisOutcome Chassis::validate(const std::string& path) const {
  ChassisOutcome out;
  out.lines.push_back("Checking compatibility with configuration");
  if (!staged_version(path)) {
    out.ok = false;
    out.lines.push_back("error: " + path + ": No such file or directory");
    out.lines.push_back("Validation failed");
    return out;
  }
  out.lines.push_back("Initializing...");
  out.lines.push_back("Using " + path);
  out.lines.push_back("Validation succeeded");
  return out;
}

ChassisOutcome Chassis::in_service_upgrade(const std::string& path, bool reboot_old_master) {
  ChassisOutcome out;
  auto master = master_slot();
  int backup = master ? 1 - *master : 1;
  if (!master || engines_[backup].state != EngineState::kBackup) {
    out.ok = false;
    out.lines.push_back("error: ISSU needs a master and a backup routing engine, both up");
    return out;
  }
  // JunOS checks the redundancy configuration before it touches anything.
  auto missing = missing_prerequisites();
  if (!missing.empty()) {
    out.ok = false;
    if (!config_.graceful_switchover) out.lines.push_back("error: GRES not configured");
    if (!config_.nonstop_routing) out.lines.push_back("error: NSR not configured");
    if (!config_.commit_synchronize)
      out.lines.push_back("error: commit synchronize not configured");
    out.lines.push_back("error: ISSU Aborted! Configure:");
    for (const auto& m : missing) out.lines.push_back("  " + m);
    return out;
  }
  out.lines.push_back("Chassis ISSU Check Done");
  out.lines.push_back("ISSU: Validating Image");
  auto checked = validate(path);
  out.lines.insert(out.lines.end(), checked.lines.begin(), checked.lines.end());
  if (!checked.ok) {
    out.ok = false;
    out.lines.push_back("error: ISSU Aborted!");
    return out;
  }
  const std::string new_version = *staged_version(path);
  auto& re_backup = engines_[backup];
  out.lines.push_back("Saving package file in /var/sw/pkg/" + path.substr(path.rfind('/') + 1) +
                      " ...");
  out.lines.push_back("Saving state for rollback ...");
  re_backup.pending_version = new_version;
  out.lines.push_back("Backup upgrade done");
  out.lines.push_back("Rebooting Backup RE");
  out.lines.push_back("");
  out.lines.push_back("Rebooting re" + std::to_string(backup));
  out.lines.push_back("ISSU: Backup RE Prepare Done");
  out.lines.push_back("Waiting for Backup RE reboot");
  boot(backup);
  if (re_backup.version != new_version) {
    // The backup came back on the software it had: the master never stopped forwarding.
    out.ok = false;
    out.lines.push_back("error: Backup RE re" + std::to_string(backup) + " did not boot " +
                        new_version + "; it runs " + re_backup.version);
    out.lines.push_back("error: ISSU Aborted! Chassis left on re" + std::to_string(*master) +
                        " (master, " + engines_[*master].version + ")");
    return out;
  }
  out.lines.push_back("GRES operational");
  out.lines.push_back("Initiating Chassis In-Service-Upgrade");
  out.lines.push_back("Chassis ISSU Started");
  out.lines.push_back("ISSU: Preparing Daemons");
  out.lines.push_back("ISSU: Daemons Ready for ISSU");
  out.lines.push_back("ISSU: Starting Upgrade for FRUs");
  out.lines.push_back("ISSU: Preparing for Switchover");
  switchover(out.lines);
  // Seed 002: the old master stays the backup on the old code unless `reboot` was asked.
  engines_[*master].pending_version = new_version;
  if (reboot_old_master) {
    out.lines.push_back("ISSU: Old Master Upgrade Done");
    out.lines.push_back("Rebooting re" + std::to_string(*master));
    auto rebooted = reboot(*master);
    out.lines.insert(out.lines.end(), rebooted.lines.begin(), rebooted.lines.end());
  } else {
    out.lines.push_back("ISSU: Old Master re" + std::to_string(*master) +
                        " stays on the old software until it is rebooted");
  }
  return out;
}

ChassisOutcome Chassis::switch_mastership() {
  ChassisOutcome out;
  auto master = master_slot();
  if (!master || engines_[1 - *master].state != EngineState::kBackup) {
    out.ok = false;
    out.lines.push_back("error: Backup RE not ready for switchover");
    return out;
  }
  switchover(out.lines);
  return out;
}

ChassisOutcome Chassis::reboot(int slot) {
  ChassisOutcome out;
  auto& re = engines_.at(slot);
  if (re.state == EngineState::kRebooting || re.state == EngineState::kDown) {
    out.ok = false;
    out.lines.push_back("error: re" + std::to_string(slot) + " is not running");
    return out;
  }
  out.lines.push_back("*** FINAL System shutdown message from root@" + name_ + " ***");
  out.lines.push_back("System going down IMMEDIATELY");
  out.lines.push_back("");
  out.lines.push_back("Shutdown NOW!");
  if (!re.pending_version.empty())
    out.lines.push_back("Reboot consistency check bypassed - jinstall " + re.pending_version +
                        " will complete installation upon reboot");
  if (re.state == EngineState::kMaster) {
    std::vector<std::string> ignored;
    if (engines_[1 - slot].state == EngineState::kBackup) {
      switchover(ignored);
    } else {
      // No engine left to forward: the chassis stops carrying its sessions.
      drop_sessions();
    }
  }
  re.state = EngineState::kRebooting;
  clock_.call_after(reboot_s_, [this, slot] { boot(slot); });
  if (on_change_) on_change_();
  return out;
}

void Chassis::switchover(std::vector<std::string>& lines) {
  int old_master = *master_slot();
  engines_[old_master].state = EngineState::kBackup;
  engines_[1 - old_master].state = EngineState::kMaster;
  if (on_change_) on_change_();
  if (hitless_switch_configured()) {
    lines.push_back("Switchover to re" + std::to_string(1 - old_master) +
                    " (graceful; nonstop routing kept every session)");
  } else {
    // Without GRES the new master restarts the forwarding plane; without NSR every routing
    // session is re-established. Either way the clients' sessions are lost.
    lines.push_back("Switchover to re" + std::to_string(1 - old_master) +
                    " (not graceful: forwarding restarted)");
    drop_sessions();
  }
}

void Chassis::drop_sessions() {
  dropped_sessions_ += open_sessions_;
  open_sessions_ = 0;
  if (on_dropped_) on_dropped_();
}

ChassisOutcome Chassis::commit(int slot, const std::string& statement, bool set) {
  ChassisOutcome out;
  const auto master = master_slot();
  if (master != slot) {
    out.ok = false;
    out.lines.push_back("error: re" + std::to_string(slot) +
                        " is not the master routing engine: configure on the master" +
                        (master ? " (re" + std::to_string(*master) + ")" : std::string()));
    return out;
  }
  bool* flag = statement == "chassis redundancy graceful-switchover" ? &config_.graceful_switchover
               : statement == "routing-options nonstop-routing"      ? &config_.nonstop_routing
               : statement == "system commit synchronize"            ? &config_.commit_synchronize
                                                                     : nullptr;
  auto& re = engines_.at(slot);
  if (flag)
    *flag = set;
  else if (set)
    re.configuration.insert("set " + statement);
  else
    re.configuration.erase("set " + statement);
  ++re.commits;
  const int other = 1 - slot;
  if (!config_.commit_synchronize) {
    out.lines.push_back("commit complete");
    return out;
  }
  if (engines_.at(other).state == EngineState::kBackup) {
    out.lines.push_back("re" + std::to_string(slot) + ":");
    out.lines.push_back("configuration check succeeds");
    out.lines.push_back("re" + std::to_string(other) + ":");
    out.lines.push_back("commit complete");
    synchronize(slot, other);
    out.lines.push_back("re" + std::to_string(slot) + ":");
    out.lines.push_back("commit complete");
  } else {
    out.lines.push_back("warning: Cannot connect to other RE, ignoring it");
    out.lines.push_back("commit complete");
  }
  return out;
}

void Chassis::synchronize(int from, int to) {
  engines_.at(to).configuration = engines_.at(from).configuration;
  engines_.at(to).commits = engines_.at(from).commits;
}

std::string Chassis::configuration_text(int slot) const {
  std::string text = "set system host-name " + name_ + "\n";
  if (config_.commit_synchronize) text += "set system commit synchronize\n";
  if (config_.graceful_switchover) text += "set chassis redundancy graceful-switchover\n";
  if (config_.nonstop_routing) text += "set routing-options nonstop-routing\n";
  for (const auto& s : engines_.at(slot).configuration) text += s + "\n";
  return text;
}

std::string Chassis::configuration_checksum(int slot) const {
  return catalog::sha256_hex(configuration_text(slot));
}

void Chassis::boot(int slot) {
  auto& re = engines_.at(slot);
  if (!re.pending_version.empty()) {
    if (!re.boot_fails) re.version = re.pending_version;
    re.pending_version.clear();  // a failed boot falls back to the software it had
  }
  re.state = master_slot() ? EngineState::kBackup : EngineState::kMaster;
  // An engine coming up beside a master catches up on the commits it missed while down.
  if (re.state == EngineState::kBackup && config_.commit_synchronize) synchronize(1 - slot, slot);
  if (on_change_) on_change_();
}

}  // namespace hitless::lab
