#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {

void VerbRegistry::add(std::unique_ptr<VerbHandler> h) {
  const plan::Verb v = h->verb();
  handlers_[v] = std::move(h);
}

const VerbHandler* VerbRegistry::find(plan::Verb v) const {
  auto it = handlers_.find(v);
  return it == handlers_.end() ? nullptr : it->second.get();
}

std::vector<const VerbHandler*> VerbRegistry::all() const {
  std::vector<const VerbHandler*> out;
  for (const auto& [v, h] : handlers_) out.push_back(h.get());
  return out;
}

const VerbRegistry& VerbRegistry::builtin() {
  static const VerbRegistry registry = [] {
    VerbRegistry r;
    register_check_verbs(r);
    register_backup_verbs(r);
    register_ha_verbs(r);
    register_package_verbs(r);
    register_traffic_verbs(r);
    register_power_verbs(r);
    register_cluster_verbs(r);
    register_atlas_verbs(r);
    register_migration_verbs(r);
    return r;
  }();
  return registry;
}

std::string VerbRegistry::unsupported(const plan::Plan& p) const {
  for (const auto& s : p.steps) {
    if (!find(s.verb))
      return "step " + s.id + ": no handler for verb '" + plan::to_string(s.verb) + "'";
    if (s.undo && !find(s.undo->verb))
      return "step " + s.id + ": no handler for its undo verb '" + plan::to_string(s.undo->verb) +
             "'";
  }
  return "";
}

Reconcile reconcile_by_gate(const VerbContext& c, const std::vector<plan::Condition>& gate) {
  if (!gate.empty()) {
    bool holds = true;
    for (const auto& g : gate)
      if (unmet(g, c.step.cluster, c.evidence)) holds = false;
    if (holds) return {Reconciled::kAlreadyDone, "already done (found so after a restart)"};
  }
  if (c.step.repeat_safe)
    return {Reconciled::kResend, "interrupted step is safe to repeat; running it again"};
  return {Reconciled::kResend, "the request never reached the node; sending it now"};
}

Reconcile VerbHandler::reconcile(const VerbContext& c) const {
  return reconcile_by_gate(c, c.gate);
}

}  // namespace hitless::exec
