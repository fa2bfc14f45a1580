#include "planner/strategy.hpp"

#include "planner/atlas_strategy.hpp"
#include "planner/cluster_push_strategy.hpp"
#include "planner/pair_strategies.hpp"
#include "planner/single_strategy.hpp"

namespace hitless::plan {

const std::vector<const Strategy*>& all_strategies() {
  // The explicit list: a new scenario adds its strategy here.
  static const SynchronousPairStrategy synchronous;
  static const AsynchronousPairStrategy asynchronous;
  static const SingleNodeStrategy single;
  static const ClusterPushStrategy cluster_push;
  static const AtlasStrategy atlas;
  static const std::vector<const Strategy*> list{&asynchronous, &synchronous, &single,
                                                 &cluster_push, &atlas};
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

}  // namespace hitless::plan
