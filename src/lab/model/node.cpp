#include "lab/model/node.hpp"

#include <algorithm>

#include "catalog/signing.hpp"
#include "lab/model/lab_world.hpp"
#include "model/version.hpp"

namespace hitless::lab {

const char* to_string(Phase p) {
  switch (p) {
    case Phase::kRunning:
      return "running";
    case Phase::kInstalling:
      return "installing";
    case Phase::kRebooting:
      return "rebooting";
    case Phase::kOff:
      return "off";
  }
  return "?";
}

const char* to_string(InstallState s) {
  switch (s) {
    case InstallState::kIdle:
      return "idle";
    case InstallState::kInstalling:
      return "installing";
    case InstallState::kPendingReboot:
      return "pending-reboot";
    case InstallState::kDone:
      return "done";
    case InstallState::kFailed:
      return "failed";
  }
  return "?";
}

const char* to_string(HaRole r) {
  switch (r) {
    case HaRole::kNone:
      return "none";
    case HaRole::kPrimary:
      return "primary";
    case HaRole::kBackup:
      return "backup";
  }
  return "?";
}

Node::Node(const NodeSpec& spec, ClusterKind kind, std::string main_package, Scheduler& clock,
           LabWorld& world)
    : spec_(spec),
      kind_(kind),
      main_package_(std::move(main_package)),
      clock_(clock),
      world_(world) {
  member_enabled_ = spec.enabled;
  slots_[0].version = spec.version;
  slots_[0].packages = spec.installed;
  slots_[0].packages[main_package_] = spec.version;
  slots_[1].bootable = false;                // factory state: the alternate slot holds nothing yet
  factory_defaults_ = spec.role == "spare";  // S9's new hardware arrives in factory state
}

NodeStatus Node::require_management() const {
  if (phase_ == Phase::kOff)
    return make_error(NodeErrc::kPoweredOff, spec_.name + " is powered off");
  if (phase_ == Phase::kRebooting) return make_error(NodeErrc::kBusy, spec_.name + " is rebooting");
  return Unit{};
}

Result<StagedPackage, NodeErrc> Node::stage(const std::string& file,
                                            const std::string& signature_b64) {
  if (auto s = require_management(); !s) return s.error();
  if (has_fault(Fault::kDiskFull))
    return make_error(NodeErrc::kDiskFull,
                      "no space left on " + spec_.name + " to stage the package");
  std::string arrived = file;
  if (has_fault(Fault::kCorruptStage) && !arrived.empty()) arrived[arrived.size() / 2] ^= 0x5a;
  auto decoded = catalog::decode_package(arrived);
  if (!decoded)
    return make_error(NodeErrc::kBadSignature, "package rejected: " + decoded.message());
  if (auto v = catalog::verify_package(arrived, signature_b64, world_.trusted_key(), decoded->name,
                                       decoded->version);
      !v)
    return make_error(NodeErrc::kBadSignature,
                      "package " + decoded->id() + " rejected: " + v.message());
  StagedPackage p{*decoded, catalog::sha256_hex(arrived), arrived, signature_b64};
  staged_[p.manifest.id()] = p;
  notify();
  // Seed 003: the firmware uploaded to an HA primary reaches the secondary.
  world_.sps_staged(*this, p);
  return p;
}

NodeStatus Node::unstage(const std::string& package_id) {
  if (auto s = require_management(); !s) return s;
  if (install_state_ == InstallState::kInstalling && install_package_ == package_id)
    return make_error(NodeErrc::kBusy, package_id + " is being installed");
  if (!staged_.erase(package_id))
    return make_error(NodeErrc::kNotFound, package_id + " is not staged");
  notify();
  return Unit{};
}

std::optional<std::string> Node::blocks_install(const catalog::PackageManifest& m) const {
  const Slot& cur = active();
  auto installed = cur.packages.find(m.name);
  auto target = Version::parse(m.version);
  if (!target) return "package version '" + m.version + "' is not a version";
  if (installed != cur.packages.end()) {
    auto have = Version::parse(installed->second);
    if (have && *have == *target) return m.name + " " + m.version + " is already installed";
    if (have && *target < *have)
      return "downgrade from " + installed->second + " to " + m.version +
             " is not supported (it would erase data)";
    if (!m.upgrade_from.empty() && have) {
      bool ok = false;
      for (const auto& p : m.upgrade_from) ok = ok || have->matches_prefix(p);
      if (!ok)
        return m.id() + " cannot be installed over " + installed->second + " (supported from: " +
               [&] {
                 std::string s;
                 for (auto& p : m.upgrade_from) s += (s.empty() ? "" : ", ") + p;
                 return s;
               }() +
               ")";
    }
  }
  for (const auto& r : m.requires_) {
    auto it = cur.packages.find(r.package);
    if (it == cur.packages.end())
      return m.id() + " requires " + r.package + " to be installed first";
    if (!r.min_version.empty()) {
      auto have = Version::parse(it->second);
      auto need = Version::parse(r.min_version);
      if (have && need && *have < *need)
        return m.id() + " requires " + r.package + " >= " + r.min_version +
               " (installed: " + it->second + ")";
    }
  }
  return std::nullopt;
}

// Seed 001: a failover pair is synced, then broken, before either member installs; an SPS HA pair
// likewise. Atlas masters, chassis engines and active-passive members keep their relation.
std::optional<std::string> Node::relation_blocks_install(bool activate_now) const {
  const bool breaks_first = kind_ == ClusterKind::kFailoverPair || kind_ == ClusterKind::kHaPair;
  if (!breaks_first || ha_.role == HaRole::kNone) return std::nullopt;
  // Seed 003: an SPS HA pair keeps its relation for an A/B firmware upgrade ("After reboot"): the
  // new firmware waits in the other slot; only an immediate install needs the relation broken.
  if (kind_ == ClusterKind::kHaPair && !activate_now) return std::nullopt;
  return spec_.name + " is " + to_string(ha_.role) + " in a failover relation with " + ha_.peer +
         "; break the relation before installing (seed 001)";
}

Result<std::vector<std::string>, NodeErrc> Node::compatibility_test(
    const std::string& package_id) const {
  if (auto s = require_management(); !s) return s.error();
  auto it = staged_.find(package_id);
  if (it == staged_.end())
    return make_error(NodeErrc::kNotFound, package_id + " is not staged on " + spec_.name);
  std::vector<std::string> problems;
  if (auto why = blocks_install(it->second.manifest)) problems.push_back(*why);
  if (has_fault(Fault::kCompatFail))
    problems.push_back("configuration check failed: a setting is not supported by " + package_id);
  return problems;
}

NodeStatus Node::install(const std::string& package_id, bool activate_now) {
  if (auto s = require_management(); !s) return s;
  if (phase_ != Phase::kRunning || install_state_ == InstallState::kInstalling)
    return make_error(NodeErrc::kBusy, spec_.name + " is already installing " + install_package_);
  auto it = staged_.find(package_id);
  if (it == staged_.end())
    return make_error(NodeErrc::kNotFound, package_id + " is not staged on " + spec_.name);
  const auto& m = it->second.manifest;
  if (auto why = relation_blocks_install(activate_now)) return make_error(NodeErrc::kRefused, *why);
  if (auto why = blocks_install(m)) return make_error(NodeErrc::kRefused, *why);
  if (has_fault(Fault::kCompatFail))
    return make_error(NodeErrc::kRefused,
                      "configuration check failed: a setting is not supported by " + package_id);

  const int alt = 1 - active_slot_;
  install_slot_ = alt;
  slots_[alt] = active();
  slots_[alt].packages[m.name] = m.version;
  if (m.name == main_package_) slots_[alt].version = m.version;
  slots_[alt].bootable = false;  // until the install completes
  install_state_ = InstallState::kInstalling;
  install_package_ = package_id;
  install_from_peer_ = false;  // LabWorld::sps_after_reboot_selected says otherwise
  ++installs_;
  last_error_.clear();
  // The data store migration makes installs longer with more data (seed 004).
  const double duration =
      (m.install_s > 0 ? m.install_s : spec_.install_s) + store_.size_mb() / kMigrateMbPerS;

  if (has_fault(Fault::kInstallFail)) {
    // Fails in its pre-install checks, before the node stops serving.
    install_timer_ = clock_.call_after(duration * 0.1, [this] {
      fail_install("installer exited with an error (image verification failed)");
    });
  } else {
    if (activate_now) enter(Phase::kInstalling);
    if (!has_fault(Fault::kHang))
      install_timer_ =
          clock_.call_after(duration, [this, activate_now] { finish_install(activate_now); });
  }
  notify();
  // Seed 003: "After reboot" selected on an HA primary is active on the secondary too.
  if (!activate_now) world_.sps_after_reboot_selected(*this, package_id);
  return Unit{};
}

void Node::fail_install(const std::string& why) {
  install_timer_ = 0;
  install_state_ = InstallState::kFailed;
  last_error_ = "install of " + install_package_ + " failed: " + why;
  slots_[1 - active_slot_].bootable = false;
  if (phase_ == Phase::kInstalling) enter(Phase::kRunning);
  notify();
}

void Node::finish_install(bool activate_now) {
  install_timer_ = 0;
  const int alt = 1 - active_slot_;
  slots_[alt].bootable = true;
  boot_slot_ = alt;
  install_state_ = InstallState::kPendingReboot;
  if (activate_now) {
    start_boot();
  } else {
    notify();
    world_.sps_firmware_written(*this);
  }
}

NodeStatus Node::reboot() {
  if (auto s = require_management(); !s) return s;
  if (install_state_ == InstallState::kInstalling)
    return make_error(NodeErrc::kBusy, spec_.name + " is installing " + install_package_ +
                                           "; rebooting now would corrupt it");
  start_boot();
  return Unit{};
}

NodeStatus Node::select_boot_slot(int slot) {
  if (auto s = require_management(); !s) return s;
  if (slot < 0 || slot > 1) return make_error(NodeErrc::kBadRequest, "slot must be 0 or 1");
  if (!slots_[slot].bootable)
    return make_error(NodeErrc::kRefused,
                      "slot " + std::to_string(slot) + " holds no bootable image");
  boot_slot_ = slot;
  notify();
  return Unit{};
}

void Node::start_boot() {
  cancel_timers();
  if (install_state_ == InstallState::kInstalling) {
    // Interrupted install (power cut): the half-written slot cannot boot.
    slots_[1 - active_slot_].bootable = false;
    boot_slot_ = active_slot_;
    install_state_ = InstallState::kFailed;
    last_error_ = "install of " + install_package_ + " was interrupted";
  }
  enter(Phase::kRebooting);
  boot_timer_ = clock_.call_after(spec_.reboot_s, [this] { finish_boot(); });
  notify();
}

void Node::finish_boot() {
  boot_timer_ = 0;
  ++boots_;
  const bool new_slot = boot_slot_ != active_slot_;
  if (new_slot && (has_fault(Fault::kBootFail) || !slots_[boot_slot_].bootable)) {
    // The watchdog gives up on the new slot after the boot timeout and boots the old one.
    const int failed = boot_slot_;
    boot_slot_ = active_slot_;
    boot_timer_ = clock_.call_after(spec_.boot_timeout_s, [this, failed] {
      slots_[failed].bootable = false;
      if (install_state_ == InstallState::kPendingReboot && install_slot_ == failed)
        install_state_ = InstallState::kFailed;
      last_error_ = "slot " + std::to_string(failed) + " (" + slots_[failed].version +
                    ") did not boot; reverted to slot " + std::to_string(active_slot_) + " (" +
                    version() + ")";
      boot_timer_ =
          clock_.call_after(spec_.reboot_s, [this] { finish_boot(); });  // boots the old slot
    });
    return;
  }
  active_slot_ = boot_slot_;
  if (new_slot || store_.schema() != version()) migrate_store();
  if (install_state_ == InstallState::kPendingReboot && active_slot_ == install_slot_) {
    install_state_ = InstallState::kDone;
    if (auto it = staged_.find(install_package_); it != staged_.end())
      installed_package_ = it->second;
    staged_.erase(install_package_);
    enter(Phase::kRunning);
    notify();
    // Seed 000: the member that completes an install pushes it to the rest of the cluster.
    world_.cluster_install_completed(*this);
    // Seed 001: an Atlas master that installs marks every traffic node not accepting.
    world_.atlas_install_completed(*this);
    world_.sps_node_booted(*this);
    return;
  }
  enter(Phase::kRunning);
  notify();
  // Seed 003: a secondary that boots syncs from its primary; a search master that boots new
  // firmware before its minions makes them create a legacy index.
  world_.sps_node_booted(*this);
}

// The software that boots rewrites the data store in its own schema: a round trip through the
// backup format. Writes made while the install ran are in the store and must come through.
void Node::migrate_store() {
  if (!store_.migrate(version()))
    last_error_ = "data store migration to " + version() + " failed on " + spec_.name;
}

NodeStatus Node::power(bool on) {
  if (on) {
    // A dead power supply: the BMC takes the request, the node never comes up.
    if (phase_ == Phase::kOff && !has_fault(Fault::kNoPowerOn)) start_boot();
    return Unit{};
  }
  if (phase_ == Phase::kOff) return Unit{};
  last_shutdown_ = "power";
  management_wedged_ = false;  // what a wedged box needs: it starts clean at the next power on
  cancel_timers();
  if (install_state_ == InstallState::kInstalling) {
    slots_[1 - active_slot_].bootable = false;
    boot_slot_ = active_slot_;
    install_state_ = InstallState::kFailed;
    last_error_ = "install of " + install_package_ + " was interrupted by power loss";
  }
  enter(Phase::kOff);
  notify();
  return Unit{};
}

NodeStatus Node::set_accepting(bool accepting) {
  if (auto s = require_management(); !s) return s;
  accepting_ = accepting;
  notify();
  return Unit{};
}

void Node::enter(Phase p) {
  const bool was_serving = serving();
  const bool was_up = phase_ == Phase::kRunning || phase_ == Phase::kInstalling;
  phase_ = p;
  // Seed 000: the VIP of an active/passive cluster does not go down with its owner; it fails
  // over to a serving member, taking the owner's sessions along.
  if (was_serving && !serving() && cluster_member() && shared_ip_enabled_)
    world_.vip_owner_stops_serving(*this);
  if (was_serving && !serving()) drop_sessions();
  if (was_up && !(p == Phase::kRunning || p == Phase::kInstalling)) world_.node_went_down(*this);
}

void Node::cancel_timers() {
  if (install_timer_) clock_.cancel(install_timer_);
  if (boot_timer_) clock_.cancel(boot_timer_);
  install_timer_ = boot_timer_ = 0;
}

void Node::notify() {
  if (observer_) observer_->node_changed(*this);
}

}  // namespace hitless::lab
