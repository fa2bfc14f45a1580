// Seed 000 cluster verbs (active-active, active-passive): waiting for the initiator's push,
// enabling or disabling a member (the cluster upgrades an older member when it re-joins), and a
// member taking the VIP (the manual failback; sessions are transferred, not dropped).
#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {
namespace {

using plan::Cond;
using Channel = DriverCall::Channel;

const ObservedNode* seen(const VerbContext& c, const std::string& node) {
  auto it = c.evidence.nodes.find(node);
  return it == c.evidence.nodes.end() ? nullptr : &it->second;
}

// A pushed install that failed shows on its node as a failed install of the package.
std::optional<std::string> failed_push(const VerbContext& c, const std::string& node) {
  const ObservedNode* n = seen(c, node);
  if (!n || !n->reachable) return std::nullopt;
  const std::string package = c.step.params.value("package", "");
  if (n->install_state == "failed" && (package.empty() || n->install_package == package))
    return "the install the cluster pushed to " + node + " failed: " + n->install_error;
  return std::nullopt;
}

class ClusterPush : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kClusterPush; }
  const char* summary() const override {
    return "waits while the initiator's push upgrades the other cluster members (seed 000)";
  }
  // The push started when the initiator came up on the new version: nothing to send.
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext&) const override {
    return std::vector<DriverCall>{};
  }
  std::optional<std::string> early_failure(const VerbContext& c) const override {
    for (const auto& node : c.step.targets)
      if (auto why = failed_push(c, node)) return why;
    return std::nullopt;
  }
  std::vector<std::string> takes_out_of_service(const plan::Step& s) const override {
    return s.targets;
  }
};

class SetMember : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kSetMember; }
  const char* summary() const override {
    return "enables or disables a cluster member; an older member re-joining is upgraded by the "
           "cluster, a newer one is refused (seed 000)";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    const bool enabled = c.step.params.value("enabled", true);
    return std::vector<DriverCall>{{Channel::kAppliance,
                                    c.step.targets.at(0),
                                    {enabled ? "member-enable" : "member-disable", {}}}};
  }
  std::optional<std::string> early_failure(const VerbContext& c) const override {
    return failed_push(c, c.step.targets.at(0));
  }
  std::vector<plan::Condition> implied_gate(const plan::Step& s) const override {
    if (!s.gate.empty()) return s.gate;
    return {{Cond::kReachable, s.targets.at(0), ""}};
  }
  // Re-enabling an older member makes the cluster install on it.
  std::vector<std::string> takes_out_of_service(const plan::Step& s) const override {
    if (s.params.value("enabled", true) && s.params.contains("version")) return {s.targets.at(0)};
    return {};
  }
};

class TakeVip : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kTakeVip; }
  const char* summary() const override {
    return "a member takes the cluster's VIP; open sessions are transferred to it (seed 000)";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    return std::vector<DriverCall>{
        {Channel::kAppliance, c.step.params.value("to", c.step.targets.at(0)), {"vip-take", {}}}};
  }
  std::vector<plan::Condition> implied_gate(const plan::Step& s) const override {
    const std::string to = s.params.value("to", s.targets.at(0));
    return {{Cond::kOwnsSharedIp, to, ""}, {Cond::kServiceFrom, to, ""}};
  }
};

}  // namespace

void register_cluster_verbs(VerbRegistry& r) {
  r.add(std::make_unique<ClusterPush>());
  r.add(std::make_unique<SetMember>());
  r.add(std::make_unique<TakeVip>());
}

}  // namespace hitless::exec
