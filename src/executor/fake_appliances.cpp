#include "executor/fake_appliances.hpp"

namespace hitless::exec::testing {

using drivers::DriverErrc;

ObservedNode& FakeAppliances::add(const std::string& name, const std::string& version) {
  ObservedNode n;
  n.name = name;
  n.reachable = true;
  n.version = version;
  n.packages = {{"product", version}};
  n.slot_versions = {version, ""};
  n.slot_packages = {n.packages, {}};
  n.phase = "running";
  n.serving = n.accepting = n.powered = true;
  n.install_state = "idle";
  config_[name] = {{"settings/banner", "hello"}, {"users/admin", "admin"}};
  return nodes_[name] = n;
}

int FakeAppliances::count(const std::string& kind) const {
  int c = 0;
  for (const auto& call : calls) c += call.kind == kind;
  return c;
}

double FakeAppliances::first(const std::string& kind, const std::string& node) const {
  for (const auto& call : calls)
    if (call.kind == kind && call.node == node) return call.at;
  return -1;
}

void FakeAppliances::observe(const std::string& node, drivers::Callback<ObservedNode> done) {
  looks.push_back({clock_.now(), node, "observe"});
  auto it = nodes_.find(node);
  Result<ObservedNode, DriverErrc> r =
      it == nodes_.end()
          ? Result<ObservedNode, DriverErrc>(make_error(DriverErrc::kUnreachable, "no such node"))
          : Result<ObservedNode, DriverErrc>(it->second);
  if (r && !r->powered) r = make_error(DriverErrc::kUnreachable, node + " is off");
  if (r && wedged.count(node))
    r = make_error(DriverErrc::kUnreachable, node + "'s management API is wedged");
  clock_.call_after(0.1, [done = std::move(done), r]() mutable { done(std::move(r)); });
}

void FakeAppliances::perform(const std::string& node, const drivers::Action& action,
                             drivers::Callback<nlohmann::json> done) {
  calls.push_back({clock_.now(), node, action.kind});
  auto r = act(node, action);
  if (on_call) on_call(calls.back());
  clock_.call_after(0.1, [done = std::move(done), r]() mutable { done(std::move(r)); });
}

Result<nlohmann::json, DriverErrc> FakeAppliances::act(const std::string& name,
                                                       const drivers::Action& a) {
  if (!nodes_.count(name)) return make_error(DriverErrc::kUnreachable, "no such node " + name);
  ObservedNode& n = nodes_.at(name);
  const auto& p = a.params;
  if (a.kind == "backup") return nlohmann::json{{"checksum", "c-" + name}, {"backup", "{}"}};
  if (a.kind == "config-read") {
    nlohmann::json items = config_[name];
    return nlohmann::json{{"config_checksum", items.dump()}, {"items", items}};
  }
  if (a.kind == "config-set") {
    config_[name][p.at("item").get<std::string>()] = p.at("value").get<std::string>();
    return nlohmann::json::object();
  }
  if (a.kind == "install") {
    n.serving = false;
    n.phase = "installing";
    n.install_state = "installing";
    n.install_package = p.at("package");
    if (!hang_installs)
      clock_.call_after(install_s, [this, name, pkg = n.install_package] {
        // The new software goes to the other slot, which then boots; the old slot keeps the old.
        ObservedNode& m = nodes_.at(name);
        const std::string version = pkg.substr(pkg.rfind('-') + 1);
        const int alt = 1 - m.active_slot;
        m.packages["product"] = version;
        m.slot_versions[alt] = m.version = version;
        m.slot_packages[alt] = m.packages;
        m.active_slot = m.boot_slot = alt;
        m.phase = "running";
        m.serving = true;
        m.install_state = "done";
      });
    return nlohmann::json::object();
  }
  if (a.kind == "ha-sync") {
    n.syncing = true;
    clock_.call_after(sync_s, [this, name, peer = n.ha_peer] {
      for (const auto& who : {name, peer}) {
        if (!nodes_.count(who)) continue;
        nodes_.at(who).syncing = false;
        nodes_.at(who).last_sync_at = clock_.now();
      }
      if (nodes_.count(peer) && nodes_.at(name).ha_role == "primary") config_[peer] = config_[name];
    });
    return nlohmann::json::object();
  }
  if (a.kind == "ha-break") {
    for (const auto& who : {name, n.ha_peer})
      if (nodes_.count(who)) nodes_.at(who).ha_role = "none";
    return nlohmann::json::object();
  }
  if (a.kind == "ha-establish") {
    const std::string peer = p.at("peer");
    n.ha_role = "primary";
    n.ha_peer = peer;
    nodes_.at(peer).ha_role = "backup";
    nodes_.at(peer).ha_peer = name;
    return nlohmann::json::object();
  }
  if (a.kind == "shared-ip") {
    n.shared_ip_enabled = p.at("enabled");
    return nlohmann::json::object();
  }
  if (a.kind == "select-boot-slot") {
    n.boot_slot = p.at("slot");
    return nlohmann::json::object();
  }
  if (a.kind == "reboot") {
    n.serving = false;
    n.phase = "rebooting";
    clock_.call_after(install_s / 2, [this, name] {
      ObservedNode& m = nodes_.at(name);
      m.active_slot = m.boot_slot;
      m.version = m.slot_versions[m.active_slot];
      m.packages = m.slot_packages[m.active_slot];
      m.phase = "running";
      m.serving = true;
    });
    return nlohmann::json::object();
  }
  if (a.kind == "compat-test") return nlohmann::json{{"passed", true}};
  if (a.kind == "stage") {
    n.staged.push_back(p.at("package"));
    return nlohmann::json::object();
  }
  if (a.kind == "accepting") {
    n.accepting = p.at("accepting");
    return nlohmann::json::object();
  }
  if (a.kind == "ha-role") {
    n.ha_role = p.at("role");
    return nlohmann::json::object();
  }
  return make_error(DriverErrc::kUnsupported, "the fake has no action " + a.kind);
}

void FakeAppliances::set_power(const std::string& node, bool on, drivers::Callback<Unit> done) {
  calls.push_back({clock_.now(), node, on ? "power-on" : "power-off"});
  ObservedNode& n = nodes_.at(node);
  n.powered = on;
  n.serving = on;
  clock_.call_after(0.1, [done = std::move(done)] { done(Unit{}); });
}

void FakeAppliances::power_state(const std::string& node, drivers::Callback<bool> done) {
  ++power_reads;
  Result<bool, DriverErrc> r =
      make_error(DriverErrc::kUnsupported, node + " has no out-of-band power");
  if (auto f = bmc_fails.find(node); f != bmc_fails.end())
    r = make_error(DriverErrc::kUnreachable, f->second);
  else if (bmc.count(node))
    r = nodes_.at(node).powered;
  clock_.call_after(0.1, [done = std::move(done), r]() mutable { done(std::move(r)); });
}

void FakeAppliances::who_answers(const std::string& cluster, drivers::Callback<std::string> done) {
  Result<std::string, DriverErrc> r =
      make_error(DriverErrc::kUnreachable, "nobody answers for " + cluster);
  for (const auto& [name, n] : nodes_)
    if (n.serving && (n.shared_ip.empty() || n.shared_ip_enabled)) {
      r = name;
      break;
    }
  clock_.call_after(0.1, [done = std::move(done), r]() mutable { done(std::move(r)); });
}

}  // namespace hitless::exec::testing
