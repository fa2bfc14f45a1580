#pragma once
// The scanning half of reading a plan file (plan_read.cpp): one SAX pass over the text. Steps
// (nearly all of a large plan) are filled field by field as the parser reports them, without an
// nlohmann tree; the few other top-level fields are collected as small trees. What the pass
// cannot judge alone (verbs, the DAG, the hashes) is left to plan_from_json_text.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "planner/plan.hpp"

namespace hitless::plan {

struct ScannedPlan {
  bool parsed = false;             // the text was one complete JSON document
  bool not_object = false;         // ... but not an object: not a plan at all
  bool saw_steps = false;          // "steps" was an array
  nlohmann::json top;              // every top-level field but "steps"
  std::vector<Step> steps;         // in file order, verbs not yet set
  std::vector<std::string> verbs;  // per step, as written
  std::string error;               // a content error that stopped the scan ("step ID: ...")
};

ScannedPlan scan_plan_text(const std::string& text);

}  // namespace hitless::plan
