#pragma once
// S11: a single node with A/B firmware (SPS, seed 003). Pure.

#include "planner/strategy.hpp"

namespace hitless::plan {

class SingleNodeStrategy final : public Strategy {
 public:
  const char* name() const override { return "single"; }
  const char* summary() const override {
    return "checklist, upload, compatibility test, activate after reboot, reboot, verify (S11)";
  }
  bool fits(const std::string& kind) const override { return kind == "single"; }
  Status<PlanningErrc> build(PlanBuilder& b, const StrategyInput& in) const override;
};

}  // namespace hitless::plan
