// Seed 000 cluster rules on LabWorld: the push of an installed package to the other members,
// package revisions, membership (disable / re-enable with the version rules) and the VIP of an
// active/passive cluster, which follows the push and carries the user sessions with it.
#include <algorithm>

#include "lab/model/lab_world.hpp"
#include "model/version.hpp"

namespace hitless::lab {
namespace {

bool older(const std::string& a, const std::string& b) {
  auto va = Version::parse(a);
  auto vb = Version::parse(b);
  return va && vb && *va < *vb;
}

// Model seconds one member needs to send a package to another over the cluster link.
double push_seconds(const StagedPackage& p, const Node& to) {
  return p.manifest.size_mb / std::max(0.001, to.spec().sync_mb_per_s);
}

}  // namespace

std::string LabWorld::cluster_version(const Node& self, const Node* except) const {
  std::string best;
  for (const auto& n : nodes_) {
    if (n.get() == except || n->spec().cluster != self.spec().cluster) continue;
    if (!n->member_enabled() || !n->powered()) continue;
    if (best.empty() || older(best, n->version())) best = n->version();
  }
  return best;
}

NodeStatus LabWorld::set_member_enabled(Node& self, bool enabled) {
  if (auto s = self.require_management(); !s) return s;
  if (!self.cluster_member())
    return make_error(
        NodeErrc::kBadRequest,
        self.name() + " is not a member of an active-active or active-passive cluster");
  if (self.member_enabled_ == enabled) return Unit{};  // idempotent
  if (!enabled) {
    if (self.shared_ip_enabled_) {
      Node* heir = nullptr;
      for (const auto& n : nodes_)
        if (n.get() != &self && n->spec().cluster == self.spec().cluster && n->member_enabled() &&
            n->serving()) {
          heir = n.get();
          break;
        }
      if (!heir)
        return make_error(NodeErrc::kRefused,
                          "cannot disable " + self.name() +
                              ": it holds the VIP and no other enabled member serves to take it");
      if (auto s = move_vip(*heir); !s) return s;
    }
    self.member_enabled_ = false;
    self.notify();
    return Unit{};
  }
  const std::string cluster = cluster_version(self, &self);
  if (!cluster.empty() && older(cluster, self.version()))
    return make_error(
        NodeErrc::kRefused,
        "Cannot enable " + self.name() + ": it runs " + self.version() +
            ", a higher version than the cluster " + self.spec().cluster + " runs (" + cluster +
            "). Roll back or downgrade the node to " + cluster +
            " or lower before re-enabling it or joining it to the cluster (seed 000)");
  self.member_enabled_ = true;
  self.notify();
  if (!cluster.empty() && older(self.version(), cluster)) {
    // Upgraded by an existing member that holds the cluster's package.
    for (const auto& n : nodes_)
      if (n.get() != &self && n->spec().cluster == self.spec().cluster && n->member_enabled() &&
          n->version() == cluster && n->installed_package() && n->serving()) {
        push_to(*n, self);
        return Unit{};
      }
    self.last_push_ = "no member holding " + cluster + "'s package can upgrade " + self.name();
    self.notify();
  }
  return Unit{};
}

void LabWorld::cluster_install_completed(Node& initiator) {
  if (!initiator.cluster_member() || !initiator.member_enabled() || !initiator.installed_package())
    return;
  for (const auto& n : nodes_) {
    if (n.get() == &initiator || n->spec().cluster != initiator.spec().cluster) continue;
    if (!n->member_enabled() || !older(n->version(), initiator.version())) continue;
    push_to(initiator, *n);
  }
}

void LabWorld::push_to(Node& from, Node& to) {
  const StagedPackage& pkg = *from.installed_package();
  const std::string id = pkg.manifest.id();
  auto held = to.staged_.find(id);
  if (held != to.staged_.end() && held->second.digest == pkg.digest) {
    to.last_push_ = "staged revision " + pkg.revision() + " matches " + from.name() + "'s";
    install_pushed(from.name(), to.name(), id);
    return;
  }
  to.last_push_ = held != to.staged_.end()
                      ? "staged revision " + held->second.revision() + " replaced by " +
                            from.name() + "'s " + pkg.revision()
                      : "received " + id + " revision " + pkg.revision() + " from " + from.name();
  to.notify();
  clock_.call_after(push_seconds(pkg, to), [this, f = from.name(), t = to.name(), id] {
    Node* src = find(f);
    Node* dst = find(t);
    if (!src || !dst || !src->installed_package()) return;
    auto staged =
        dst->stage(src->installed_package()->file, src->installed_package()->signature_b64);
    if (!staged) {
      dst->last_error_ = "push of " + id + " from " + f + " failed: " + staged.message();
      dst->notify();
      return;
    }
    install_pushed(f, t, id);
  });
}

void LabWorld::install_pushed(const std::string& from_name, const std::string& to_name,
                              const std::string& package_id) {
  Node* from = find(from_name);
  Node* to = find(to_name);
  if (!from || !to || !to->member_enabled()) return;
  // Active/passive: the VIP fails over to the upgraded node before the active one stops serving.
  if (to->shared_ip_enabled_ && from->serving()) {
    if (auto moved = move_vip(*from); !moved)
      to->last_error_ = "VIP failover to " + from_name + " failed: " + moved.message();
  }
  if (auto s = to->install(package_id, true); !s) {
    to->last_error_ = "install pushed by " + from_name + " refused: " + s.message();
    to->notify();
  }
}

void LabWorld::vip_owner_stops_serving(Node& owner) {
  for (const auto& n : nodes_)
    if (n.get() != &owner && n->spec().cluster == owner.spec().cluster && n->member_enabled() &&
        n->serving() && !n->shared_ip_.empty()) {
      if (auto moved = move_vip(*n); !moved)
        owner.last_error_ = "VIP failover to " + n->name() + " failed: " + moved.message();
      return;
    }
}

NodeStatus LabWorld::move_vip(Node& to) {
  if (auto s = to.require_management(); !s) return s;
  if (to.shared_ip_.empty())
    return make_error(NodeErrc::kRefused, to.name() + " has no shared IP configured");
  if (to.cluster_member() && !to.member_enabled())
    return make_error(NodeErrc::kRefused, to.name() + " is disabled in cluster " +
                                              to.spec().cluster +
                                              "; enable it before it can take the VIP");
  if (!to.serving())
    return make_error(NodeErrc::kRefused, to.name() + " is not serving (" + to_string(to.phase()) +
                                              "); the VIP can only move to a serving member");
  Node* owner = shared_ip_owner(to.shared_ip_);
  if (owner == &to) return Unit{};
  if (owner) {
    owner->transfer_sessions_to(to);
    owner->shared_ip_enabled_ = false;
    // The VIP owner is the active node (Clustering > Status): the roles follow the VIP.
    if (owner->ha_.peer == to.name() && to.ha_.role == HaRole::kBackup) {
      owner->ha_.role = HaRole::kBackup;
      to.ha_.role = HaRole::kPrimary;
    }
    owner->notify();
  }
  to.shared_ip_enabled_ = true;
  to.notify();
  return Unit{};
}

}  // namespace hitless::lab
