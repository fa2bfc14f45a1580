#include "planner/strategy.hpp"

#include "common/durations.hpp"
#include "planner/atlas_strategy.hpp"
#include "planner/cluster_push_strategy.hpp"
#include "planner/issu_strategy.hpp"
#include "planner/load_balancer_strategies.hpp"
#include "planner/migration_strategy.hpp"
#include "planner/pair_strategies.hpp"
#include "planner/single_strategy.hpp"
#include "planner/sps_strategy.hpp"

namespace hitless::plan {

std::string soak_phase_name(const catalog::CatalogPackage& done,
                            const catalog::CatalogPackage& next) {
  return "soak " + format_duration(done.soak_s) + " after " + done.manifest.name + " " +
         done.manifest.version + ", then " + next.manifest.name + " " + next.manifest.version;
}

const std::vector<const Strategy*>& all_strategies() {
  // The explicit list: a new scenario adds its strategy here.
  static const SynchronousPairStrategy synchronous;
  static const AsynchronousPairStrategy asynchronous;
  static const SingleNodeStrategy single;
  static const ClusterPushStrategy cluster_push;
  static const LbRejoinStrategy lb_rejoin;
  static const LbPushStrategy lb_push;
  static const AtlasStrategy atlas;
  static const IssuStrategy issu;
  static const MigrationStrategy migrate;
  static const SpsHaStrategy sps_ha;
  // Active/active: cluster-push (the seed's order, S3) is the first that fits; behind a load
  // balancer with members that can be disabled, default_strategy() picks lb-rejoin (S2).
  static const std::vector<const Strategy*> list{
      &asynchronous, &synchronous, &single, &cluster_push, &lb_rejoin,
      &lb_push,      &atlas,       &issu,   &migrate,      &sps_ha};
  return list;
}

const Strategy* find_strategy(const std::string& name) {
  for (const Strategy* s : all_strategies())
    if (name == s->name()) return s;
  return nullptr;
}

const Strategy* default_strategy(const std::string& cluster_kind) {
  for (const Strategy* s : all_strategies())  // the first listed that fits: the least downtime
    if (s->fits(cluster_kind)) return s;
  return nullptr;
}

const Strategy* default_strategy(const InventoryCluster& cluster, const ObservedState& observed) {
  bool members_can_be_disabled = !cluster.nodes.empty();
  for (const auto& n : cluster.nodes) {
    const ObservedNode* o = observed.find(n.name);
    members_can_be_disabled = members_can_be_disabled && o && !o->membership.empty();
  }
  if (cluster.kind == "active-active" && cluster.traffic_kind == "load-balancer" &&
      members_can_be_disabled)
    return find_strategy("lb-rejoin");
  return default_strategy(cluster.kind);
}

}  // namespace hitless::plan
