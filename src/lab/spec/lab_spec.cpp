#include "lab/spec/lab_spec.hpp"

namespace hitless::lab {

const NodeSpec* LabSpec::find_node(const std::string& node_name) const {
  for (const NodeSpec& n : nodes)
    if (n.name == node_name) return &n;
  return nullptr;
}

const ClusterSpec* LabSpec::find_cluster(const std::string& cluster_name) const {
  for (const ClusterSpec& c : clusters)
    if (c.name == cluster_name) return &c;
  return nullptr;
}

// The spellings below are the ones the YAML format uses (docs/lab-format.md).
const char* to_string(ClusterKind kind) {
  switch (kind) {
    case ClusterKind::kSingle:
      return "single";
    case ClusterKind::kFailoverPair:
      return "failover-pair";
    case ClusterKind::kHaPair:
      return "ha-pair";
    case ClusterKind::kActivePassive:
      return "active-passive";
    case ClusterKind::kActiveActive:
      return "active-active";
    case ClusterKind::kAtlas:
      return "atlas";
    case ClusterKind::kChassis:
      return "chassis";
    case ClusterKind::kMigration:
      return "migration";
  }
  return "?";
}

const char* to_string(TrafficSteering t) {
  switch (t) {
    case TrafficSteering::kNone:
      return "none";
    case TrafficSteering::kSharedIp:
      return "shared-ip";
    case TrafficSteering::kLoadBalancer:
      return "load-balancer";
    case TrafficSteering::kDns:
      return "dns";
    case TrafficSteering::kNat:
      return "nat";
  }
  return "?";
}

const char* to_string(PackageKind kind) {
  switch (kind) {
    case PackageKind::kBase:
      return "base";
    case PackageKind::kProduct:
      return "product";
    case PackageKind::kFirmware:
      return "firmware";
  }
  return "?";
}

}  // namespace hitless::lab
