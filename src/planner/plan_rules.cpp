#include "planner/plan_rules.hpp"

#include <map>
#include <vector>

namespace hitless::plan {

std::set<std::string> ancestors(const Plan& p, const std::string& id) {
  std::map<std::string, const Step*> by_id;
  for (const auto& s : p.steps) by_id[s.id] = &s;
  std::set<std::string> seen;
  std::vector<std::string> todo{id};
  while (!todo.empty()) {
    const auto it = by_id.find(todo.back());
    todo.pop_back();
    if (it == by_id.end()) continue;
    for (const auto& a : it->second->after)
      if (seen.insert(a).second) todo.push_back(a);
  }
  return seen;
}

std::string install_before_backup(const Plan& p) {
  std::map<std::string, std::vector<std::string>> backups_of;  // node -> its backup steps' ids
  for (const auto& s : p.steps)
    if (s.verb == Verb::kBackup)
      for (const auto& n : s.targets) backups_of[n].push_back(s.id);
  std::string out;
  for (const auto& s : p.steps) {
    if (s.verb != Verb::kInstall) continue;
    const auto before = ancestors(p, s.id);
    for (const auto& n : s.targets) {
      bool backed_up = false;
      for (const auto& b : backups_of[n]) backed_up = backed_up || before.count(b) > 0;
      if (!backed_up)
        out += (out.empty() ? "" : "; ") + s.id + " installs on " + n +
               (backups_of[n].empty() ? " but the plan never backs " + n + " up"
                                      : " without waiting for " + backups_of[n].front());
    }
  }
  return out;
}

}  // namespace hitless::plan
