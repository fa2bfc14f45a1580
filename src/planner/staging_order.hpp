#pragma once
// Test helper for issue 9 item 4 (packages staged on every node in parallel before the first
// install): what in a plan's DAG breaks that rule, in words, or "" when nothing does. Header-only,
// used by the strategies' tests; pure.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "planner/plan.hpp"
#include "planner/plan_rules.hpp"

namespace hitless::plan::testing {

// Every stage step must come before (be an ancestor of) every install step, and the stage steps
// of different nodes must not wait for one another (parallel branches).
inline std::string staging_problems(const Plan& p) {
  std::vector<const Step*> stages, installs;
  for (const auto& s : p.steps) {
    if (s.verb == Verb::kStage) stages.push_back(&s);
    if (s.verb == Verb::kInstall) installs.push_back(&s);
  }
  std::string out;
  for (const auto* i : installs) {
    const auto before = ancestors(p, i->id);
    for (const auto* s : stages)
      if (!before.count(s->id)) out += s->id + " does not precede " + i->id + "; ";
  }
  for (const auto* s : stages) {
    const auto before = ancestors(p, s->id);
    for (const auto* o : stages)
      if (o->targets != s->targets && before.count(o->id))
        out += s->id + " waits for " + o->id + " (another node's upload); ";
  }
  return out;
}

}  // namespace hitless::plan::testing
