#include "simulator/sim_chassis.hpp"

#include <algorithm>

namespace hitless::sim {
namespace {

using drivers::DriverErrc;

int engine_number(const std::string& slot) {
  if (slot == "0" || slot == "re0") return 0;
  if (slot == "1" || slot == "re1") return 1;
  return -1;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines)
    if (l.rfind("error:", 0) == 0) text += (text.empty() ? "" : "; ") + l;
  return text;
}

}  // namespace

SimChassis::SimChassis(Scheduler& clock, const InventoryCluster& cluster,
                       const ObservedState& observed)
    : clock_(clock), cluster_(cluster.name) {
  int next = 0;
  const ObservedNode* master = nullptr;
  for (const auto& n : cluster.nodes) {
    int e = engine_number(n.slot);
    if (e < 0 || e > 1) e = next;
    next = e + 1;
    engines_[n.name] = e;
    install_s_[n.name] = n.profile.install_s;
    reboot_s_ = std::max(reboot_s_, n.profile.reboot_s);
    if (const ObservedNode* o = observed.find(n.name); o && o->ha_role == "primary") master = o;
  }
  const ObservedNode& first = *observed.find(cluster.nodes.front().name);
  const ObservedNode& m = master ? *master : first;
  for (const auto& [name, v] : m.packages)
    if (v == m.version) package_ = name;
  chassis_ =
      std::make_unique<lab::Chassis>(clock_, cluster.nodes.front().chassis, m.version, reboot_s_);
  for (const auto& [name, e] : engines_) {
    const ObservedNode* o = observed.find(name);
    chassis_->engine(e).version = o ? o->version : m.version;
    chassis_->engine(e).state =
        o && o->ha_role == "primary" ? lab::EngineState::kMaster : lab::EngineState::kBackup;
  }
  const auto set = [&](const char* key) {
    auto it = m.settings.find(key);
    return it != m.settings.end() && it->second == "true";
  };
  chassis_->config() = {set("graceful-switchover"), set("nonstop-routing"),
                        set("commit-synchronize")};
  chassis_->open_sessions(1);  // a client in session, to see a switchover that drops it
  chassis_->set_on_change([this] { account(); });
  last_ = clock_.now();
}

bool SimChassis::protected_now() const {
  int up = 0;
  for (const auto& [name, e] : engines_) {
    const auto s = chassis_->engine(e).state;
    up += s == lab::EngineState::kMaster || s == lab::EngineState::kBackup ? 1 : 0;
  }
  return up == 2;
}

void SimChassis::account() {
  const double now = clock_.now(), dt = now - last_;
  last_ = now;
  if (dt > 0 && !was_forwarding_) downtime_s_ += dt;
  if (dt > 0 && !was_protected_) exposure_s_ += dt;
  was_forwarding_ = chassis_->forwarding();
  was_protected_ = protected_now();
}

Result<ObservedNode, DriverErrc> SimChassis::observe(const std::string& node) const {
  const lab::RoutingEngine& re = chassis_->engine(engines_.at(node));
  if (re.state != lab::EngineState::kMaster && re.state != lab::EngineState::kBackup)
    return make_error(DriverErrc::kUnreachable, node + ": " + lab::to_string(re.state));
  ObservedNode n;
  n.name = node;
  n.reachable = n.serving = n.accepting = n.powered = true;
  n.phase = "running";
  n.version = re.version;
  if (!package_.empty()) n.packages[package_] = re.version;
  n.ha_role = re.state == lab::EngineState::kMaster ? "primary" : "backup";
  // As the profile reads `file list /var/tmp/`: /var/tmp/ID.tgz is package ID.
  for (const auto& path : chassis_->staged_paths())
    if (path.rfind("/var/tmp/", 0) == 0 && path.size() > 13 &&
        path.compare(path.size() - 4, 4, ".tgz") == 0)
      n.staged.push_back(path.substr(9, path.size() - 13));
  const lab::RedundancyConfig& cfg = chassis_->config();
  if (cfg.graceful_switchover) n.settings["graceful-switchover"] = "true";
  if (cfg.nonstop_routing) n.settings["nonstop-routing"] = "true";
  if (cfg.commit_synchronize) n.settings["commit-synchronize"] = "true";
  return n;
}

void SimChassis::perform(const std::string& node, const drivers::Action& a,
                         const catalog::Catalog& catalog, const Reply& reply) {
  const int e = engines_.at(node);
  const auto refused = [&](const std::string& why) {
    reply(0, make_error(DriverErrc::kRejected, node + ": " + a.kind + ": " + why));
  };
  if (auto s = chassis_->engine(e).state;
      s != lab::EngineState::kMaster && s != lab::EngineState::kBackup)
    return reply(0, make_error(DriverErrc::kUnreachable, node + ": " + lab::to_string(s)));
  // Actions without parameters (reboot, backup) carry null.
  const std::string id = a.params.is_object() ? a.params.value("package", "") : "";
  const catalog::CatalogPackage* pkg = catalog.find(id);
  const std::string image = "/var/tmp/" + id + ".tgz";
  if (a.kind == "backup") return reply(0, nlohmann::json{{"backup", "set system host-name"}});
  if (a.kind == "stage") {
    if (!pkg) return refused("unknown package " + id);
    chassis_->stage(image, pkg->manifest.version);
    return reply(0, nlohmann::json::object());
  }
  if (a.kind == "compat-test") {
    auto out = chassis_->validate(image);
    return reply(0, nlohmann::json{{"passed", out.ok}});
  }
  if (a.kind == "install") {
    // request system software in-service-upgrade: the backup engine installs and reboots
    // (away meanwhile), then the chassis switches mastership.
    if (!pkg) return refused("unknown package " + id);
    if (chassis_->master_slot() != e) return refused("must be run on the master routing engine");
    if (!chassis_->missing_prerequisites().empty())
      return refused(joined(chassis_->in_service_upgrade(image, false).lines));
    const int backup = 1 - e;
    const double took =
        (pkg->manifest.install_s > 0 ? pkg->manifest.install_s : install_s_[node]) + reboot_s_;
    chassis_->engine(backup).state = lab::EngineState::kRebooting;
    account();
    clock_.call_after(took, [this, backup, image, reply, node] {
      chassis_->engine(backup).state = lab::EngineState::kBackup;
      auto out = chassis_->in_service_upgrade(image, false);
      account();
      if (!out.ok)
        return reply(0,
                     make_error(DriverErrc::kRejected, node + ": install: " + joined(out.lines)));
      reply(0, nlohmann::json{{"progress", "ISSU: Preparing for Switchover"}});
    });
    return;
  }
  if (a.kind == "reboot") {
    auto out = chassis_->reboot(e);
    if (!out.ok) return refused(joined(out.lines));
    return reply(0, nlohmann::json{{"state", "System going down"}});
  }
  if (a.kind == "ha-role") {
    auto out = chassis_->switch_mastership();
    if (!out.ok) return refused(joined(out.lines));
    return reply(0, nlohmann::json::object());
  }
  refused("the simulated chassis has no such action");
}

}  // namespace hitless::sim
