// After a failure: leave every cluster serving if any member can, and say what state each node
// is in. Part of Executor.
#include <map>
#include <set>

#include "executor/executor.hpp"

namespace hitless::exec {
namespace {

std::string describe(const ObservedNode& n) {
  if (!n.reachable) return n.name + ": not answering (" + n.error + ")";
  std::string s =
      n.name + ": " + n.version + ", " + n.phase + (n.serving ? ", serving" : ", NOT serving");
  if (n.ha_role != "none") s += ", " + n.ha_role + " of " + n.ha_peer;
  if (n.shared_ip_enabled) s += ", holds the shared IP";
  if (n.install_state == "failed") s += ", last install failed: " + n.install_error;
  if (n.install_state == "installing") s += ", installing " + n.install_package;
  return s;
}

struct SafetyPass : std::enable_shared_from_this<SafetyPass> {
  std::map<std::string, std::set<std::string>> clusters;  // cluster -> nodes
  std::map<std::string, ObservedNode> seen;
  std::vector<std::pair<std::string, drivers::Action>> actions;
  std::vector<std::string> notes;
};

}  // namespace

void Executor::make_safe(std::function<void()> then) {
  auto pass = std::make_shared<SafetyPass>();
  for (const auto& s : plan_.steps)
    for (const auto& t : s.targets) pass->clusters[s.cluster].insert(t);
  std::vector<std::string> nodes;
  for (const auto& [c, ns] : pass->clusters) nodes.insert(nodes.end(), ns.begin(), ns.end());
  if (nodes.empty()) return then();

  auto observe_all = [this, pass, nodes](std::function<void()> next) {
    auto pending = std::make_shared<std::size_t>(nodes.size());
    for (const auto& n : nodes)
      drivers_.appliance->observe(
          n, later<ObservedNode>(
                 [pass, n, pending, next](Result<ObservedNode, drivers::DriverErrc> r) {
                   if (r) {
                     pass->seen[n] = *r;
                   } else {
                     ObservedNode d;
                     d.name = n;
                     d.error = r.message();
                     pass->seen[n] = d;
                   }
                   if (--*pending == 0) next();
                 }));
  };

  auto summarize = [this, pass, then] {
    std::string summary;
    for (const auto& note : pass->notes) summary += "\n  safety: " + note;
    summary += "\n  nodes now:";
    for (const auto& [name, n] : pass->seen) summary += "\n    " + describe(n);
    failure_ += summary;
    then();
  };

  observe_all([this, pass, observe_all, summarize] {
    for (const auto& [cluster, ns] : pass->clusters) {
      const ObservedNode* holder = nullptr;
      const ObservedNode* candidate = nullptr;
      bool has_shared_ip = false;
      for (const auto& n : ns) {
        const ObservedNode& o = pass->seen[n];
        if (!o.shared_ip.empty()) has_shared_ip = true;
        if (o.reachable && o.shared_ip_enabled) holder = &o;
        if (o.reachable && o.serving && !candidate) candidate = &o;
      }
      if (!has_shared_ip || (holder && holder->serving)) continue;
      if (!candidate) {
        pass->notes.push_back(
            "cluster " + cluster +
            ": no member is serving; nothing can carry its clients until one comes back");
        continue;
      }
      if (holder)
        pass->actions.push_back({holder->name, drivers::Action{"shared-ip", {{"enabled", false}}}});
      pass->actions.push_back({candidate->name, drivers::Action{"shared-ip", {{"enabled", true}}}});
      pass->notes.push_back(
          "cluster " + cluster + ": moved the shared IP to " + candidate->name + " (" +
          (holder ? holder->name + " is not serving" : std::string("nobody held it")) + ")");
      event("safety", "", candidate->name, pass->notes.back());
    }
    auto step = std::make_shared<std::function<void(std::size_t)>>();
    *step = [this, pass, step, observe_all, summarize](std::size_t i) {
      if (i >= pass->actions.size()) return observe_all(summarize);
      const auto& [node, action] = pass->actions[i];
      drivers_.appliance->perform(
          node, action,
          later<nlohmann::json>(
              [pass, step, i, node](Result<nlohmann::json, drivers::DriverErrc> r) {
                if (!r)
                  pass->notes.push_back("could not change the shared IP on " + node + ": " +
                                        r.message());
                (*step)(i + 1);
              }));
    };
    (*step)(0);
  });
}

}  // namespace hitless::exec
