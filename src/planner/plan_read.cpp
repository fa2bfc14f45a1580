// Reading a plan file: the text is scanned in one SAX pass (plan_scan.hpp), then the verbs are
// checked, the DAG sorted and the hash recomputed from the typed plan (plan_hash writes the
// canonical text straight from the values).
#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_map>

#include "planner/plan.hpp"
#include "planner/plan_scan.hpp"

namespace hitless::plan {
namespace {

using nlohmann::json;

// Refuses dependencies on unknown steps and cycles; returns the steps in a topological order
// (stable: plan order among steps that are ready together), so estimates and the executor can
// walk them once.
Result<std::vector<Step>, PlanErrc> topological(std::vector<Step> steps,
                                                const std::string& file_name) {
  std::unordered_map<std::string_view, std::size_t> index;
  index.reserve(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (!index.emplace(steps[i].id, i).second)
      return make_error(PlanErrc::kMalformed,
                        file_name + ": step id " + steps[i].id + " appears twice");
  std::vector<int> waiting(steps.size(), 0);
  std::vector<std::vector<std::size_t>> children(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i)
    for (const auto& a : steps[i].after) {
      auto it = index.find(a);
      if (it == index.end())
        return make_error(PlanErrc::kMalformed, file_name + ": step " + steps[i].id +
                                                    ": after: no step named '" + a + "'");
      children[it->second].push_back(i);
      ++waiting[i];
    }
  std::set<std::size_t> ready;
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (waiting[i] == 0) ready.insert(i);
  std::vector<Step> out;
  out.reserve(steps.size());
  while (!ready.empty()) {
    const std::size_t i = *ready.begin();
    ready.erase(ready.begin());
    for (std::size_t c : children[i])
      if (--waiting[c] == 0) ready.insert(c);
    out.push_back(std::move(steps[i]));
  }
  if (out.size() != steps.size()) {
    std::string in_cycle;
    for (std::size_t i = 0; i < steps.size(); ++i)
      if (waiting[i] > 0) in_cycle += (in_cycle.empty() ? "" : ", ") + steps[i].id;
    return make_error(PlanErrc::kMalformed,
                      file_name + ": the steps' dependencies form a cycle (" + in_cycle + ")");
  }
  return out;
}

}  // namespace

Result<Plan, PlanErrc> plan_from_json_text(const std::string& text, const std::string& file_name) {
  ScannedPlan sax = scan_plan_text(text);
  const bool parsed = sax.parsed;
  json& j = sax.top;
  const auto schema = j.find("schema");
  const bool foreign = sax.not_object || (schema != j.end() && *schema != Plan::kSchema) ||
                       (parsed && schema == j.end());
  if (foreign)
    return make_error(PlanErrc::kUnsupported, file_name + ": not a hitless plan (schema " +
                                                  std::string(Plan::kSchema) + " expected)");
  if (!sax.error.empty()) return make_error(PlanErrc::kMalformed, file_name + ": " + sax.error);
  if (!parsed)
    return make_error(PlanErrc::kMalformed,
                      file_name + ": not a complete JSON document (truncated or not a plan)");
  try {
    Plan p;
    p.inventory_file = j.at("inventory");
    p.target_version = j.at("target_version");
    p.clusters = j.at("clusters").get<std::vector<std::string>>();
    p.strategies = j.at("strategies").get<std::vector<std::string>>();
    p.time_scale = j.at("time_scale");
    p.policy = std::move(j.at("policy"));
    if (j.contains("notes")) p.notes = j.at("notes").get<std::vector<std::string>>();
    p.observed = observed_state_from_json(j.at("observed"));
    for (const auto& ph : j.at("phases")) p.phases.push_back({ph.at("index"), ph.at("name")});
    if (!sax.saw_steps)
      return make_error(PlanErrc::kMalformed, file_name + ": steps: expected an array of steps");
    for (std::size_t i = 0; i < sax.steps.size(); ++i) {
      auto v = parse_verb(sax.verbs[i]);
      if (!v)
        return make_error(PlanErrc::kMalformed, file_name + ": step " + sax.steps[i].id +
                                                    ": unknown verb " + json(sax.verbs[i]).dump());
      sax.steps[i].verb = *v;
    }
    auto ordered = topological(std::move(sax.steps), file_name);
    if (!ordered) return ordered.error();
    p.steps = std::move(*ordered);
    const std::string want = j.at("plan_hash");
    const std::string have = plan_hash(p);
    if (want != have)
      return make_error(PlanErrc::kTampered,
                        file_name +
                            ": the plan's content does not match its plan_hash (edited by hand?); "
                            "make a new plan with `hitless plan`");
    if (j.at("observed_hash") != p.observed.hash())
      return make_error(PlanErrc::kTampered,
                        file_name + ": observed_hash does not match the observed state it carries");
    // Hashed, so written as it is: still, only a policy that reads back typed is run.
    if (!p.policy.is_object())
      return make_error(PlanErrc::kMalformed,
                        file_name + ": policy: expected an object per cluster");
    for (const auto& [cluster, pj] : p.policy.items()) {
      if (std::find(p.clusters.begin(), p.clusters.end(), cluster) == p.clusters.end())
        return make_error(PlanErrc::kMalformed,
                          file_name + ": policy: '" + cluster + "' is not a cluster of this plan");
      if (auto typed = policy_from_json(pj); !typed)
        return make_error(PlanErrc::kMalformed,
                          file_name + ": cluster " + cluster + ": " + typed.message());
    }
    return p;
  } catch (const nlohmann::json::exception& e) {
    return make_error(PlanErrc::kMalformed, file_name + ": " + e.what());
  }
}

}  // namespace hitless::plan
