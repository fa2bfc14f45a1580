#pragma once
// The planner test worlds' one way to ask for a plan: a PlanRequest over the world's inventory,
// observations and catalog (all owned by the world, which outlives the request).

#include <string>

#include "planner/planner.hpp"

namespace hitless::plan::fixture {

inline PlanRequest request_for(const Inventory& inv, const ObservedState& obs,
                               const catalog::Catalog& cat, const std::string& target,
                               const std::string& strategy = "") {
  PlanRequest rq;
  rq.inventory = &inv;
  rq.observed = &obs;
  rq.catalog = &cat;
  rq.target = target;
  rq.strategy = strategy;
  return rq;
}

}  // namespace hitless::plan::fixture
