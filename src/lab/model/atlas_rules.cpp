// Seed 001 Atlas cluster rules on LabWorld: the primary master holds the cluster configuration
// (each traffic node's "Accepting New Client Connections"), distributes staged packages to every
// node, marks every traffic node not accepting when it installs, and sends its configuration to
// the traffic nodes on Sync Now; backup operations gate the masters' data sync; clients of a
// region reach an accepting traffic node of that region.
//
// When the configuration reaches a traffic node: an explicit change on the primary is sent to
// that node at once; the install's "mark all not accepting" only changes the installing master's
// copy and reaches the traffic nodes at the next Sync Now. So the seed's order (re-enable the
// upgraded nodes, then Sync Now) never leaves a region without an accepting node, while Sync Now
// before re-enabling them does: the lab shows the wrong order.
#include <algorithm>

#include "lab/model/lab_world.hpp"

namespace hitless::lab {
namespace {

NodeStatus refuse(const std::string& why) { return make_error(NodeErrc::kRefused, why); }

double transfer_seconds(const StagedPackage& p, const Node& to) {
  return p.manifest.size_mb / std::max(0.001, to.spec().sync_mb_per_s);
}

}  // namespace

Node* LabWorld::atlas_primary(const std::string& cluster) {
  Node* only_master = nullptr;
  for (const auto& n : nodes_) {
    if (n->spec().cluster != cluster || !n->atlas_master()) continue;
    if (n->ha().role == HaRole::kPrimary) return n->management_up() ? n.get() : nullptr;
    if (n->ha().role == HaRole::kNone && n->spec().role == "master") only_master = n.get();
  }
  return only_master && only_master->management_up() ? only_master : nullptr;
}

namespace {
NodeStatus require_primary_master(LabWorld& w, Node& self, const std::string& page) {
  if (!self.atlas_master())
    return make_error(NodeErrc::kBadRequest, self.name() +
                                                 " is not a master of an Atlas cluster; " + page +
                                                 " is only on the primary master");
  if (w.atlas_primary(self.spec().cluster) != &self)
    return refuse(self.name() + " is not the primary master of " + self.spec().cluster + "; " +
                  page + " is only on the primary master");
  return Unit{};
}
}  // namespace

NodeStatus LabWorld::distribute(Node& self, const std::string& package_id) {
  if (auto s = self.require_management(); !s) return s;
  if (auto s = require_primary_master(*this, self, "Distribute to Cluster"); !s) return s;
  auto it = self.staged_.find(package_id);
  if (it == self.staged_.end())
    return make_error(NodeErrc::kNotFound, package_id + " is not staged on " + self.name() +
                                               "; upload it before Distribute to Cluster");
  const StagedPackage pkg = it->second;
  for (const auto& n : nodes_) {
    if (n.get() == &self || n->spec().cluster != self.spec().cluster) continue;
    clock_.call_after(transfer_seconds(pkg, *n), [this, to = n->name(), pkg, from = self.name()] {
      Node* dst = find(to);
      if (!dst) return;
      if (auto staged = dst->stage(pkg.file, pkg.signature_b64); !staged) {
        dst->last_error_ = "Distribute to Cluster of " + pkg.manifest.id() + " from " + from +
                           " failed: " + staged.message();
        dst->notify();
      }
    });
  }
  return Unit{};
}

NodeStatus LabWorld::set_traffic_accepting(Node& self, const std::string& traffic, bool accepting) {
  if (auto s = self.require_management(); !s) return s;
  if (auto s = require_primary_master(*this, self, "Management > Cluster"); !s) return s;
  Node* t = find(traffic);
  if (!t || !t->atlas_traffic() || t->spec().cluster != self.spec().cluster)
    return make_error(NodeErrc::kNotFound,
                      "no traffic node '" + traffic + "' in cluster " + self.spec().cluster);
  self.atlas_config_[traffic] = accepting;
  t->accepting_ = accepting;  // sent at once; a node that is down takes it when it boots
  self.notify();
  t->notify();
  return Unit{};
}

NodeStatus LabWorld::cluster_sync_now(Node& self) {
  if (auto s = self.require_management(); !s) return s;
  if (auto s = require_primary_master(*this, self, "Cluster :: Status > Sync Now"); !s) return s;
  Node* backup = peer_of(self);
  const bool sync_backup =
      backup && self.ha().role == HaRole::kPrimary && backup_operations(self.spec().cluster);
  if (sync_backup) {
    if (!backup->management_up())
      return refuse("Sync Now: the backup master " + backup->name() + " cannot be contacted (" +
                    to_string(backup->phase()) +
                    "); disable Backup Operations or wait until it runs");
    if (backup->version() != self.version())
      return refuse("Sync Now: the backup master " + backup->name() + " runs " + backup->version() +
                    ", the primary " + self.name() + " runs " + self.version() +
                    "; uncheck Enable Backup Operations until both run the "
                    "same version (seed 001)");
  }
  for (const auto& n : nodes_) {
    if (n->spec().cluster != self.spec().cluster || !n->atlas_traffic()) continue;
    auto it = self.atlas_config_.find(n->name());
    n->accepting_ = it == self.atlas_config_.end() ? true : it->second;
    n->notify();
  }
  if (sync_backup) {
    backup->atlas_config_ = self.atlas_config_;
    return sync(self);
  }
  self.notify();
  return Unit{};
}

NodeStatus LabWorld::set_backup_operations(Node& self, bool enabled) {
  if (auto s = self.require_management(); !s) return s;
  if (!self.atlas_master() || self.ha().role == HaRole::kNone)
    return make_error(NodeErrc::kBadRequest,
                      self.name() +
                          " is not a master in an Atlas failover relation; Backup "
                          "Operations apply to the primary and backup masters");
  backup_operations_[self.spec().cluster] = enabled;
  self.notify();
  if (Node* peer = peer_of(self)) peer->notify();
  return Unit{};
}

bool LabWorld::backup_operations(const std::string& cluster) const {
  auto it = backup_operations_.find(cluster);
  return it != backup_operations_.end() && it->second;
}

void LabWorld::atlas_install_completed(Node& node) {
  if (!node.atlas_master()) return;
  for (auto& [traffic, accepting] : node.atlas_config_) accepting = false;
  node.notify();
}

Node* LabWorld::route_client(const std::string& cluster, const std::string& region) {
  Node* best = nullptr;
  for (const auto& n : nodes_) {
    if (n->spec().cluster != cluster || !n->atlas_traffic() || n->spec().region != region) continue;
    if (!n->serving() || !n->accepting()) continue;
    if (!best || n->sessions_open() < best->sessions_open()) best = n.get();
  }
  return best;
}

}  // namespace hitless::lab
