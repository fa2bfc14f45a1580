// Seed 003 (One Identity Safeguard for Privileged Sessions): what an SPS HA pair and a cluster
// with Search Master / Search Minion roles do, so that an upgrade run in the wrong order is
// visibly wrong in the lab:
//   - the firmware uploaded to the primary, and "After reboot" selected on it, reach the
//     secondary;
//   - a secondary that boots reconnects to its primary and syncs (heartbeat unavailable), then
//     waits for "Activate Slave"; the HA status is degraded while it is off;
//   - a search master that boots newer firmware while a minion still runs the old one: the minion
//     creates a legacy Elasticsearch index, the schema no longer matches and the cluster's search
//     is in a critical error state that refuses further documents.
#include "lab/model/lab_world.hpp"
#include "model/version.hpp"

namespace hitless::lab {
namespace {

bool sps_pair_member(const Node& n) {
  return n.cluster_kind() == ClusterKind::kHaPair && n.ha().role != HaRole::kNone;
}

bool same_firmware(const Node& a, const Node& b) {
  return a.active().packages == b.active().packages;
}

// a < b as firmware versions; unparsable versions compare as text.
bool older_firmware(const std::string& a, const std::string& b) {
  auto va = Version::parse(a), vb = Version::parse(b);
  if (va && vb) return *va < *vb;
  return a < b;
}

}  // namespace

void LabWorld::sps_staged(Node& self, const StagedPackage& pkg) {
  if (!sps_pair_member(self) || self.ha_.role != HaRole::kPrimary) return;
  Node* peer = peer_of(self);
  if (!peer || !peer->management_up() || peer->management_wedged())
    return;  // uploaded again when it is back (real SPS too)
  peer->staged_[pkg.manifest.id()] = pkg;
  peer->notify();
}

void LabWorld::sps_after_reboot_selected(Node& self, const std::string& package_id) {
  if (!sps_pair_member(self) || self.ha_.role != HaRole::kPrimary) return;
  Node* peer = peer_of(self);
  if (!peer || !peer->management_up() || peer->management_wedged() ||
      !peer->staged_.count(package_id))
    return;
  if (peer->install_state_ == InstallState::kInstalling ||
      (peer->install_state_ == InstallState::kPendingReboot &&
       peer->install_package_ == package_id))
    return;  // already on its way
  if (auto s = peer->install(package_id, false); !s)
    peer->last_error_ = "firmware " + package_id + " from the primary: " + s.message();
  else
    peer->install_from_peer_ = true;
}

void LabWorld::sps_firmware_written(Node& self) {
  if (!self.install_from_peer_ || !self.has_fault(Fault::kWedgeAfterPeerFirmware)) return;
  self.management_wedged_ = true;
  self.notify();
}

// The HA link, not the peer's management API, carries this: a wedged peer still shows it.
std::string LabWorld::sps_peer_after_reboot(const Node& self) {
  if (self.cluster_kind() != ClusterKind::kHaPair || self.ha().role == HaRole::kNone) return "";
  const Node* peer = find(self.ha().peer);
  if (!peer || !peer->management_up() || peer->has_fault(Fault::kUnreachable) ||
      peer->install_state() != InstallState::kPendingReboot)
    return "";  // not connected: off, rebooting, or cut off the network
  return peer->install_package();
}

void LabWorld::sps_node_booted(Node& self) {
  if (sps_pair_member(self) && self.ha_.role == HaRole::kBackup) {
    self.slave_active_ = false;
    Node* primary = peer_of(self);
    if (primary && primary->serving() && same_firmware(self, *primary))
      (void)sync(self);  // refusals leave the status at version-mismatch / degraded, as shown
    self.notify();
  }
  if (!self.search_master() && !self.search_minion()) return;
  const std::string& cluster = self.spec().cluster;
  if (search_critical_.count(cluster)) return;  // stays until support repairs the index
  Node* master = nullptr;
  for (const auto& n : nodes_)
    if (n->spec().cluster == cluster && n->search_master()) master = n.get();
  if (!master || !master->serving()) return;
  for (const auto& n : nodes_) {
    if (n->spec().cluster != cluster || !n->search_minion() || !n->serving()) continue;
    if (!older_firmware(n->version(), master->version())) continue;
    search_critical_[cluster] =
        "critical: search minion " + n->name() + " (" + n->version() +
        ") created a legacy Elasticsearch index before search master " + master->name() + " (" +
        master->version() +
        ") created the new one; the schema mapping is invalid and minions cannot push documents "
        "(seed 003: upgrade the Search Minion nodes first; contact support)";
    for (const auto& m : nodes_)
      if (m->spec().cluster == cluster) m->notify();
    return;
  }
}

std::string LabWorld::sps_ha_status(const Node& self) {
  if (self.cluster_kind() != ClusterKind::kHaPair || self.ha().role == HaRole::kNone)
    return "standalone";
  Node* peer = find(self.ha().peer);
  if (!self.serving() || !peer || !peer->serving()) return "degraded";
  if (self.ha().syncing || peer->ha().syncing) return "syncing";
  if (!same_firmware(self, *peer)) return "version-mismatch";
  const Node& secondary = self.ha().role == HaRole::kBackup ? self : *peer;
  if (!secondary.slave_active()) return "waiting-activation";
  return "ok";
}

NodeStatus LabWorld::activate_slave(Node& self) {
  if (auto s = self.require_management(); !s) return s;
  if (self.cluster_kind() != ClusterKind::kHaPair || self.ha_.role != HaRole::kPrimary)
    return make_error(
        NodeErrc::kRefused,
        self.name() + " is not the primary of an HA pair; Activate Slave is run there");
  const std::string status = sps_ha_status(self);
  if (status == "ok") return Unit{};  // idempotent
  if (status != "waiting-activation")
    return make_error(NodeErrc::kRefused, "Activate Slave refused: HA status is " + status +
                                              " (the secondary must be connected, synced and on "
                                              "the primary's firmware)");
  Node* secondary = peer_of(self);
  secondary->slave_active_ = true;
  secondary->notify();
  self.notify();
  return Unit{};
}

NodeStatus LabWorld::shutdown_other(Node& self) {
  if (auto s = self.require_management(); !s) return s;
  if (!sps_pair_member(self))
    return make_error(NodeErrc::kRefused,
                      self.name() +
                          " is not a member of an HA pair; Other node > Shutdown is "
                          "run on one of its members");
  Node* other = peer_of(self);
  if (!other || !other->management_up() || other->has_fault(Fault::kUnreachable))
    return make_error(NodeErrc::kRefused, self.name() + " cannot reach the other node " +
                                              self.ha().peer +
                                              " over the HA link; shut it down out of band (IPMI)");
  if (other->management_wedged())
    return make_error(NodeErrc::kRefused,
                      "the other node " + self.ha().peer +
                          " does not act on the shutdown (its management plane does not "
                          "answer); shut it down out of band (IPMI)");
  auto s = other->power(false);
  other->last_shutdown_ = "other-node:" + self.name();
  return s;
}

std::string LabWorld::search_critical(const std::string& cluster) const {
  auto it = search_critical_.find(cluster);
  return it == search_critical_.end() ? std::string() : it->second;
}

std::string Node::ha_status() const { return world_.sps_ha_status(*this); }

std::string Node::ha_peer_after_reboot() const { return world_.sps_peer_after_reboot(*this); }

std::string Node::search_state() const {
  if (!search_master() && !search_minion()) return "";
  const std::string why = world_.search_critical(spec_.cluster);
  return why.empty() ? "ok" : why;
}

NodeStatus LabWorld::search_push(Node& self) {
  if (auto s = self.require_management(); !s) return s;
  if (!self.search_minion())
    return make_error(NodeErrc::kBadRequest, self.name() + " is not a search minion");
  if (auto why = search_critical(self.spec().cluster); !why.empty())
    return make_error(NodeErrc::kRefused, "search write refused: " + why);
  return Unit{};
}

}  // namespace hitless::lab
