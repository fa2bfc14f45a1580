#include "planner/role_order.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace hitless::plan {

Result<std::vector<std::string>, PlanningErrc> order_roles(
    const std::vector<std::string>& present, const std::vector<std::string>& policy,
    const std::vector<RoleRule>& vendor_rules) {
  std::string error;
  std::vector<RoleRule> rules = vendor_rules;
  for (std::size_t i = 0; i + 1 < policy.size(); ++i)
    rules.push_back({policy[i], policy[i + 1], "policy role_order"});
  std::vector<std::string> roles = present;
  for (const auto& r : rules)
    for (const auto& name : {r.before, r.after})
      if (std::find(roles.begin(), roles.end(), name) == roles.end()) roles.push_back(name);
  std::map<std::string, std::vector<const RoleRule*>> out;
  for (const auto& r : rules) out[r.before].push_back(&r);

  // Depth-first search for a cycle; the path on the stack names it.
  std::map<std::string, int> state;  // 0 new, 1 on the stack, 2 done
  std::vector<const RoleRule*> path;
  std::function<bool(const std::string&)> visit = [&](const std::string& role) -> bool {
    state[role] = 1;
    for (const RoleRule* r : out[role]) {
      path.push_back(r);
      if (state[r->after] == 1) {
        // The cycle is the part of the path from the rule leaving r->after.
        auto from = std::find_if(path.begin(), path.end(),
                                 [&](const RoleRule* p) { return p->before == r->after; });
        std::string names = r->after, why;
        for (auto it = from; it != path.end(); ++it) {
          names += " -> " + (*it)->after;
          why += std::string(why.empty() ? "" : "; ") + (*it)->before + " before " + (*it)->after +
                 " (" + (*it)->source + ")";
        }
        error = "role_order: cycle " + names + ": " + why;
        return true;
      }
      if (state[r->after] == 0 && visit(r->after)) return true;
      path.pop_back();
    }
    state[role] = 2;
    return false;
  };
  for (const auto& role : roles)
    if (state[role] == 0 && visit(role)) return make_error(PlanningErrc::kBadPolicy, error);

  // Kahn's algorithm, taking the earliest role of `roles` among the ready ones.
  std::map<std::string, int> waiting;
  for (const auto& r : rules) ++waiting[r.after];
  std::vector<std::string> order;
  std::set<std::string> done;
  while (order.size() < roles.size()) {
    for (const auto& role : roles) {
      if (done.count(role) || waiting[role] > 0) continue;
      done.insert(role);
      order.push_back(role);
      for (const RoleRule* r : out[role]) --waiting[r->after];
      break;
    }
  }
  std::vector<std::string> result;
  for (const auto& role : order)
    if (std::find(present.begin(), present.end(), role) != present.end()) result.push_back(role);
  return result;
}

}  // namespace hitless::plan
