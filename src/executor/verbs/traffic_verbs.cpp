// Traffic verbs: move a cluster's clients from one node to another through the cluster's
// TrafficSwitch (shared IP, DNS swing, NAT swing; the load balancer behind the same call), check
// that the mechanism takes changes before a run takes nodes out, and stop or resume accepting new
// connections on a node.
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
    return std::vector<DriverCall>{{Channel::kAppliance,
                                    c.step.targets.at(0),
                                    {"accepting", {{"accepting", c.step.params.at("accepting")}}}}};
  }
  std::vector<std::string> takes_out_of_service(const plan::Step& s) const override {
    if (!s.params.value("accepting", true)) return {s.targets.at(0)};
    return {};
  }
};

}  // namespace

void register_traffic_verbs(VerbRegistry& r) {
  r.add(std::make_unique<SwitchTraffic>());
  r.add(std::make_unique<CheckTraffic>());
  r.add(std::make_unique<SetAccepting>());
}

}  // namespace hitless::exec
