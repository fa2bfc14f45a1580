#include "lab/model/lab_world.hpp"

namespace hitless::lab {
namespace {

std::string main_package_of(const LabSpec& spec) {
  for (const auto& p : spec.repository)
    if (p.kind != PackageKind::kBase) return p.name;
  return "product";
}

bool pair_kind(ClusterKind k) {
  return k == ClusterKind::kFailoverPair || k == ClusterKind::kHaPair || k == ClusterKind::kAtlas ||
         k == ClusterKind::kChassis || k == ClusterKind::kActivePassive;
}

// Seed 001: both appliances of a relation run the same software. Names every package that
// differs in the active slots ("a has base 3.0, b has base 3.1.0; ..."), or "" when equal.
std::string package_difference(const Node& x, const Node& y) {
  std::map<std::string, std::pair<std::string, std::string>> all;
  for (const auto& [name, v] : x.active().packages) all[name].first = v;
  for (const auto& [name, v] : y.active().packages) all[name].second = v;
  std::string out;
  auto has = [](const Node& n, const std::string& pkg, const std::string& v) {
    return n.name() + (v.empty() ? " has no " + pkg : " has " + pkg + " " + v);
  };
  for (const auto& [name, v] : all) {
    if (v.first == v.second) continue;
    out += (out.empty() ? "" : "; ") + has(x, name, v.first) + ", " + has(y, name, v.second);
  }
  return out;
}

HaRole initial_role(const std::string& role) {
  if (role == "primary" || role == "master" || role == "active") return HaRole::kPrimary;
  if (role == "backup" || role == "backup-master" || role == "passive") return HaRole::kBackup;
  return HaRole::kNone;
}

}  // namespace

LabWorld::LabWorld(LabSpec spec, Scheduler& clock, std::string trusted_public_key_b64,
                   const std::map<std::string, std::string>& shared_ips)
    : spec_(std::move(spec)), clock_(clock), trusted_key_(std::move(trusted_public_key_b64)) {
  const std::string main_package = main_package_of(spec_);
  for (const auto& ns : spec_.nodes) {
    const ClusterSpec* c = spec_.find_cluster(ns.cluster);
    auto node =
        std::make_unique<Node>(ns, c ? c->kind : ClusterKind::kSingle, main_package, clock_, *this);
    by_name_[ns.name] = node.get();
    nodes_.push_back(std::move(node));
  }
  for (const auto& c : spec_.clusters) {
    std::string vip;
    if (auto it = shared_ips.find(c.name); it != shared_ips.end())
      vip = it->second;
    else if (c.shared_ip)
      vip = c.shared_ip->str();
    // Members of an established relation start synced: they share one data seed.
    std::vector<Node*> primaries, backups;
    for (const auto& n : c.nodes) {
      Node& node = *by_name_.at(n);
      node.shared_ip_ = vip;
      node.shared_ip_enabled_ = !vip.empty() && node.spec_.owns_shared_ip;
      const HaRole r =
          pair_kind(c.kind) && c.ha_established ? initial_role(node.spec_.role) : HaRole::kNone;
      if (r == HaRole::kPrimary) primaries.push_back(&node);
      if (r == HaRole::kBackup) backups.push_back(&node);
      const auto& d = node.spec_.data;
      const std::string seed = r != HaRole::kNone ? c.name : n;
      node.store_ = ConfigStore::generate(seed, d.users, d.settings, d.recordings, d.size_mb);
      node.store_.set_schema(node.version());
      // Every appliance in service holds a certificate issued to the name clients use, assigned
      // to its own address; a spare in factory state holds none (seed 004).
      if (!node.factory_defaults_) {
        node.certificate_ = Certificate::generate(c.dns ? c.dns->record : n, n);
        node.certificate_->assigned_ip = node.spec_.address.host;
      }
    }
    if (primaries.size() == 1 && backups.size() == 1) {
      primaries[0]->ha_.role = HaRole::kPrimary;
      primaries[0]->ha_.peer = backups[0]->name();
      backups[0]->ha_.role = HaRole::kBackup;
      backups[0]->ha_.peer = primaries[0]->name();
      backups[0]->store_ = primaries[0]->store_;
      backups[0]->store_.set_schema(backups[0]->version());
    }
    if (c.kind == ClusterKind::kAtlas) {
      // Every traffic node starts accepting, in every master's copy of the configuration.
      backup_operations_[c.name] = true;
      for (const auto& m : c.nodes)
        if (by_name_.at(m)->atlas_master())
          for (const auto& t : c.nodes)
            if (by_name_.at(t)->atlas_traffic()) by_name_.at(m)->atlas_config_[t] = true;
    }
  }
}

Node* LabWorld::find(const std::string& name) {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

Node* LabWorld::peer_of(Node& self) {
  return self.ha_.peer.empty() ? nullptr : find(self.ha_.peer);
}

NodeStatus LabWorld::establish(Node& self, const std::string& peer_name, HaRole self_role) {
  if (auto s = self.require_management(); !s) return s;
  if (self_role == HaRole::kNone)
    return make_error(NodeErrc::kBadRequest, "role must be primary or backup");
  Node* peer = find(peer_name);
  if (!peer || peer == &self)
    return make_error(NodeErrc::kNotFound, "no appliance named '" + peer_name + "' to pair with");
  if (!peer->serving() && !peer->management_up())
    return make_error(NodeErrc::kRefused,
                      "cannot contact " + peer_name + ": it is " + to_string(peer->phase()));
  if (self.ha_.role != HaRole::kNone || peer->ha_.role != HaRole::kNone) {
    // Asking again for the relation that exists is harmless.
    if (self.ha_.role == self_role && self.ha_.peer == peer_name) return Unit{};
    return make_error(NodeErrc::kRefused, "a failover relation already exists (" + self.name() +
                                              ": " + to_string(self.ha_.role) + ", " + peer_name +
                                              ": " + to_string(peer->ha_.role) +
                                              "); break it first");
  }
  if (self.spec_.inter_appliance_key != peer->spec_.inter_appliance_key)
    return make_error(NodeErrc::kRefused,
                      "inter-appliance keys of " + self.name() + " and " + peer_name + " differ");
  if (auto diff = package_difference(self, *peer); !diff.empty())
    return make_error(NodeErrc::kRefused,
                      "packages differ: " + diff +
                          "; establish refused (install the same packages on both first)");
  self.ha_ = HaState{};
  self.ha_.role = self_role;
  self.ha_.peer = peer_name;
  peer->ha_ = HaState{};
  peer->ha_.role = self_role == HaRole::kPrimary ? HaRole::kBackup : HaRole::kPrimary;
  peer->ha_.peer = self.name();
  self.notify();
  peer->notify();
  return Unit{};
}

NodeStatus LabWorld::break_relation(Node& self) {
  if (auto s = self.require_management(); !s) return s;
  if (self.ha_.role == HaRole::kNone) return Unit{};  // nothing to break: idempotent
  Node* peer = peer_of(self);
  if (self.ha_.syncing || (peer && peer->ha_.syncing))
    return make_error(NodeErrc::kBusy,
                      "a sync is in progress; wait for it to finish before breaking the relation");
  if (peer && peer->management_up() && peer->ha_.peer == self.name()) {
    peer->ha_ = HaState{};
    peer->notify();
  }
  self.ha_ = HaState{};
  self.notify();
  return Unit{};
}

NodeStatus LabWorld::sync(Node& self) {
  if (auto s = self.require_management(); !s) return s;
  if (self.ha_.role == HaRole::kNone)
    return make_error(NodeErrc::kRefused, self.name() + " is not in a failover relation");
  Node* peer = peer_of(self);
  if (!peer || !peer->management_up())
    return make_error(NodeErrc::kRefused, "cannot contact the peer " + self.ha_.peer);
  if (self.ha_.syncing) return Unit{};  // already running: idempotent
  if (auto diff = package_difference(self, *peer); !diff.empty())
    return make_error(NodeErrc::kRefused, "packages differ: " + diff + "; sync refused");
  Node& primary = self.ha_.role == HaRole::kPrimary ? self : *peer;
  Node& backup = self.ha_.role == HaRole::kPrimary ? *peer : self;
  double seconds = primary.store_.size_mb() / std::max(0.001, backup.spec_.sync_mb_per_s);
  if (primary.has_fault(Fault::kSlowSync) || backup.has_fault(Fault::kSlowSync)) seconds *= 10;
  const TimerId t = clock_.call_after(
      seconds, [this, p = primary.name(), b = backup.name()] { finish_sync(p, b); });
  for (Node* n : {&primary, &backup}) {
    n->ha_.syncing = true;
    n->ha_.sync_timer = t;
    n->ha_.last_sync_error.clear();
    n->notify();
  }
  return Unit{};
}

void LabWorld::finish_sync(const std::string& primary_name, const std::string& backup_name) {
  Node* primary = find(primary_name);
  Node* backup = find(backup_name);
  // Configuration is overwritten by the primary's; recordings are merged so that sessions
  // recorded on either node while failover was broken survive, and both end with the union.
  primary->store_.merge_recordings_from(backup->store_);
  backup->store_.take_configuration_from(primary->store_);
  for (Node* n : {primary, backup}) {
    n->ha_.syncing = false;
    n->ha_.sync_timer = 0;
    n->ha_.last_sync_at = clock_.now();
    n->notify();
  }
}

void LabWorld::node_went_down(Node& node) {
  if (!node.ha_.syncing) return;
  clock_.cancel(node.ha_.sync_timer);
  for (Node* n : {&node, peer_of(node)}) {
    if (!n) continue;
    n->ha_.syncing = false;
    n->ha_.sync_timer = 0;
    n->ha_.last_sync_error = "sync aborted: " + node.name() + " went down";
    n->notify();
  }
}

NodeStatus LabWorld::become(Node& self, HaRole role, bool force) {
  if (auto s = self.require_management(); !s) return s;
  if (role == HaRole::kNone)
    return make_error(NodeErrc::kBadRequest, "role must be primary or backup");
  if (self.ha_.role == HaRole::kNone)
    return make_error(NodeErrc::kRefused, self.name() + " is not in a failover relation");
  if (self.ha_.role == role) return Unit{};
  Node* peer = peer_of(self);
  const bool peer_up = peer && peer->management_up();
  if (!peer_up && !force)
    return make_error(NodeErrc::kRefused, "cannot contact the peer " + self.ha_.peer +
                                              "; use force to change role anyway");
  Node* new_primary = role == HaRole::kPrimary ? &self : peer;
  Node* new_backup = role == HaRole::kPrimary ? peer : &self;
  // The shared IP deactivates on the old primary before the new one takes it.
  if (new_backup && new_backup->shared_ip_enabled_) {
    new_backup->shared_ip_enabled_ = false;
    new_backup->notify();
  }
  self.ha_.role = role;
  if (peer_up) peer->ha_.role = role == HaRole::kPrimary ? HaRole::kBackup : HaRole::kPrimary;
  if (new_primary && new_primary->management_up() && !new_primary->shared_ip_.empty() &&
      !shared_ip_owner(new_primary->shared_ip_))
    new_primary->shared_ip_enabled_ = true;
  self.notify();
  if (peer) peer->notify();
  return Unit{};
}

NodeStatus LabWorld::set_shared_ip(Node& self, bool enabled) {
  if (auto s = self.require_management(); !s) return s;
  if (self.shared_ip_.empty())
    return make_error(NodeErrc::kRefused, self.name() + " has no shared IP configured");
  if (enabled) {
    Node* owner = shared_ip_owner(self.shared_ip_);
    if (owner && owner != &self)
      return make_error(NodeErrc::kConflict, "shared IP " + self.shared_ip_ + " is enabled on " +
                                                 owner->name() + "; disable it there first");
  }
  self.shared_ip_enabled_ = enabled;
  self.notify();
  return Unit{};
}

Node* LabWorld::shared_ip_owner(const std::string& address) {
  for (auto& n : nodes_)
    if (n->shared_ip_enabled_ && n->shared_ip_ == address) return n.get();
  return nullptr;
}

}  // namespace hitless::lab
