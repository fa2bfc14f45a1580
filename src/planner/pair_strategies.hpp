#pragma once
// Strategies for failover pairs (S4 synchronous, S5 asynchronous). Pure.

#include "planner/strategy.hpp"

namespace hitless::plan {

// S4: the primary is upgraded first and keeps its role; clients see downtime meanwhile.
class SynchronousPairStrategy final : public Strategy {
 public:
  const char* name() const override { return "synchronous"; }
  const char* summary() const override {
    return "primary first, keeps its role; downtime while it installs (S4)";
  }
  bool fits(const std::string& kind) const override { return kind == "failover-pair"; }
  Status<PlanningErrc> build(PlanBuilder& b, const StrategyInput& in) const override;
};

// S5: the backup is upgraded first, clients move to it by a shared-IP switch, roles swap.
class AsynchronousPairStrategy final : public Strategy {
 public:
  const char* name() const override { return "asynchronous"; }
  const char* summary() const override {
    return "backup first, then a shared-IP switch; minimal downtime, roles swap (S5)";
  }
  bool fits(const std::string& kind) const override { return kind == "failover-pair"; }
  Status<PlanningErrc> build(PlanBuilder& b, const StrategyInput& in) const override;
};

}  // namespace hitless::plan
