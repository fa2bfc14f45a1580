#pragma once
// S10: JunOS in-service software upgrade on a chassis with two routing engines (seed 002). Pure.

#include "planner/strategy.hpp"

namespace hitless::plan {

// The three configuration statements seed 002 requires, as `settings.NAME` of an observed
// engine, each with the command that sets it.
struct IssuPrerequisite {
  const char* setting;
  const char* command;
};
inline constexpr IssuPrerequisite kIssuPrerequisites[] = {
    {"graceful-switchover", "set chassis redundancy graceful-switchover"},
    {"nonstop-routing", "set routing-options nonstop-routing"},
    {"commit-synchronize", "set system commit synchronize"}};

class IssuStrategy final : public Strategy {
 public:
  const char* name() const override { return "issu"; }
  const char* summary() const override {
    return "prerequisites, image validated, in-service upgrade (backup engine upgraded, "
           "switchover), old master rebooted per policy, optional switch back (S10)";
  }
  bool fits(const std::string& kind) const override { return kind == "chassis"; }
  Status<PlanningErrc> build(PlanBuilder& b, const StrategyInput& in) const override;
};

}  // namespace hitless::plan
