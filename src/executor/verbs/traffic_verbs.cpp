// Traffic verbs: move a cluster's clients from one node to another through the cluster's
// TrafficSwitch (shared IP, DNS swing, NAT swing), check that the mechanism takes changes before a
// run takes nodes out, stop or resume accepting new connections on a node, and set a member's
// state at the cluster's load balancer.
#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {
namespace {

using plan::Cond;
using Channel = DriverCall::Channel;

class SwitchTraffic : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kSwitchTraffic; }
  const char* summary() const override {
    return "moves the cluster's clients from one node to another";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    const auto& p = c.step.params;
    return std::vector<DriverCall>{
        {Channel::kTraffic,
         c.step.cluster,
         {"switch",
          {{"from", p.at("from")}, {"to", p.at("to")}, {"via", p.value("via", "shared-ip")}}}}};
  }
  std::vector<plan::Condition> implied_gate(const plan::Step& s) const override {
    const std::string to = s.params.value("to", "");
    if (s.params.value("via", "shared-ip") == "shared-ip")
      return {{Cond::kOwnsSharedIp, to, ""}, {Cond::kServiceFrom, to, ""}};
    return {{Cond::kServiceFrom, to, ""}};
  }
};

// Asks the cluster's traffic switch whether it can move clients (a signed no-op DNS update, the
// NAT chain listed): changes nothing, so it is safe to repeat, and a refusal stops the run
// before any node leaves service.
class CheckTraffic : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kCheckTraffic; }
  const char* summary() const override {
    return "checks that the traffic mechanism (DNS server, NAT gateway) takes our changes";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    return std::vector<DriverCall>{
        {Channel::kTraffic, c.step.cluster, {"check", {{"via", c.step.params.value("via", "")}}}}};
  }
};

class SetAccepting : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kSetAccepting; }
  const char* summary() const override {
    return "stops or resumes accepting new connections on a node";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    const auto& p = c.step.params;
    // Seed 001 Atlas: the flag is cluster configuration, set on the primary master.
    if (p.contains("master"))
      return std::vector<DriverCall>{
          {Channel::kAppliance,
           p.at("master").get<std::string>(),
           {"atlas-accepting",
            {{"node", c.step.targets.at(0)}, {"accepting", p.at("accepting")}}}}};
    return std::vector<DriverCall>{{Channel::kAppliance,
                                    c.step.targets.at(0),
                                    {"accepting", {{"accepting", p.at("accepting")}}}}};
  }
  std::vector<plan::Condition> implied_gate(const plan::Step& s) const override {
    if (!s.gate.empty()) return s.gate;
    return {{Cond::kAccepting, s.targets.at(0), s.params.value("accepting", true) ? "yes" : "no"}};
  }
  std::vector<std::string> takes_out_of_service(const plan::Step& s) const override {
    if (!s.params.value("accepting", true)) return {s.targets.at(0)};
    return {};
  }
};

// A member's state at the cluster's load balancer: one handler for the lb-* family, told apart
// by the verb. The call goes to the cluster's TrafficSwitch (HAProxy), whose answer ends the step:
// a drain answers once the member's sessions ended (or the policy said what to do at the
// timeout), a health gate once the balancer's own check sees the member up. Every call only sets
// a state, so a step interrupted by a crash is sent again.
class LoadBalancerMember : public VerbHandler {
 public:
  explicit LoadBalancerMember(plan::Verb v) : verb_(v) {}
  plan::Verb verb() const override { return verb_; }
  const char* summary() const override {
    switch (verb_) {
      case plan::Verb::kLbCheck:
        return "checks that the load balancer answers and knows every member";
      case plan::Verb::kLbDrain:
        return "drains a member at the load balancer and waits for its sessions to end";
      case plan::Verb::kLbMaint:
        return "puts a member in maintenance at the load balancer (no traffic at all)";
      case plan::Verb::kLbHealth:
        return "waits until the load balancer's own health check sees the member up";
      default:
        return "lets the load balancer send new sessions to a member again";
    }
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    const auto& s = c.step;
    if (s.targets.empty()) return make_error(VerbErrc::kRefused, "names no member");
    nlohmann::json params = s.params;
    std::string kind = plan::to_string(verb_);
    if (verb_ == plan::Verb::kLbCheck)
      params["servers"] = s.targets;
    else
      params["server"] = s.targets.front();
    return std::vector<DriverCall>{{Channel::kTraffic, s.cluster, {kind, params}}};
  }
  std::vector<std::string> takes_out_of_service(const plan::Step& s) const override {
    // Drained, in maintenance, or back but still drained: no new clients reach it.
    if (verb_ == plan::Verb::kLbDrain || verb_ == plan::Verb::kLbMaint ||
        verb_ == plan::Verb::kLbHealth)
      return {s.targets.at(0)};
    return {};
  }

 private:
  plan::Verb verb_;
};

}  // namespace

void register_traffic_verbs(VerbRegistry& r) {
  r.add(std::make_unique<SwitchTraffic>());
  r.add(std::make_unique<CheckTraffic>());
  r.add(std::make_unique<SetAccepting>());
  for (auto v : {plan::Verb::kLbCheck, plan::Verb::kLbDrain, plan::Verb::kLbMaint,
                 plan::Verb::kLbHealth, plan::Verb::kLbReady})
    r.add(std::make_unique<LoadBalancerMember>(v));
}

}  // namespace hitless::exec
