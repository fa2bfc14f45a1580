// Traffic verbs: move a cluster's clients from one node to another through the cluster's
// TrafficSwitch (shared IP today; load balancer, DNS and NAT plug in behind the same call), and
// stop or resume accepting new connections on a node.
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

}  // namespace

void register_traffic_verbs(VerbRegistry& r) {
  r.add(std::make_unique<SwitchTraffic>());
  r.add(std::make_unique<SetAccepting>());
}

}  // namespace hitless::exec
