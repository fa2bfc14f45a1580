// Out-of-band power (IPMI / BMC, seed 003): switch a node off or on through its power driver,
// whatever state its management plane is in. A power-off with params.via "other-node" is the
// seed's "Other node > Shutdown" on its HA peer params.through; out-of-band power is the fallback
// when that peer does not answer or the node itself cannot be reached (the peer could not reach
// it either). The choice is made from the step's first look and journaled with its calls.
#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {
namespace {

using Channel = DriverCall::Channel;

// The node's management API answered the step's first look.
bool answers(const VerbContext& c, const std::string& node) {
  auto it = c.evidence.nodes.find(node);
  return it != c.evidence.nodes.end() && it->second.reachable && it->second.powered;
}

// "NODE does not answer its management API (why)" from the first look.
std::string silent(const VerbContext& c, const std::string& node) {
  auto it = c.evidence.nodes.find(node);
  const std::string why = it == c.evidence.nodes.end() ? "not observed" : it->second.error;
  return node + " does not answer its management API" + (why.empty() ? "" : " (" + why + ")");
}

bool via_peer(const VerbContext& c) { return c.step.params.value("via", "oob") == "other-node"; }

// The interrupted run's intent records a call on the power channel.
bool sent_out_of_band(const VerbContext& c) {
  if (!c.intent_detail.is_object() || !c.intent_detail.contains("@calls")) return false;
  for (const auto& call : c.intent_detail["@calls"])
    if (call.is_object() && call.value("channel", "") == "power") return true;
  return false;
}

class Power : public VerbHandler {
 public:
  explicit Power(bool on) : on_(on) {}
  plan::Verb verb() const override { return on_ ? plan::Verb::kPowerOn : plan::Verb::kPowerOff; }
  const char* summary() const override {
    return on_ ? "powers a node on out of band" : "powers a node off out of band";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    const std::string& node = c.step.targets.at(0);
    if (!on_ && via_peer(c)) {
      const std::string through = c.step.params.value("through", "");
      if (answers(c, through) && answers(c, node))
        return std::vector<DriverCall>{{Channel::kAppliance, through, {"ha-shutdown-other", {}}}};
    }
    return std::vector<DriverCall>{{Channel::kPower, node, {"power", {{"on", on_}}}}};
  }
  std::optional<std::string> route_note(const VerbContext& c) const override {
    if (on_ || !via_peer(c)) return std::nullopt;
    const std::string& node = c.step.targets.at(0);
    const std::string through = c.step.params.value("through", "");
    const bool peer = answers(c, through), self = answers(c, node);
    if (peer && self) return std::nullopt;
    return (peer ? silent(c, node) : silent(c, through)) + ": " + node +
           " is powered off out of band through its power driver (BMC) instead of Other node > "
           "Shutdown on " +
           through;
  }
  // An interrupted power-off is judged by its gate: for a node with a power reading that is
  // the BMC's answer (off: done; on or unreadable: sent again). A node without one is "off"
  // when silent, which a wedged node is too: an out-of-band power-off that had chosen the power
  // channel is then sent again (harmless on a node already off), not taken as done.
  Reconcile reconcile(const VerbContext& c) const override {
    if (!on_ && sent_out_of_band(c) && !c.evidence.bmc_power.count(c.step.targets.at(0)))
      return {Reconciled::kResend,
              "interrupted out-of-band power off sent again: " + c.step.targets.at(0) +
                  " has no BMC power reading, and a node that does not answer may be wedged "
                  "rather than off"};
    return reconcile_by_gate(c, c.gate);
  }
  std::vector<std::string> takes_out_of_service(const plan::Step& s) const override {
    if (on_) return {};
    return {s.targets.at(0)};
  }

 private:
  bool on_;
};

}  // namespace

void register_power_verbs(VerbRegistry& r) {
  r.add(std::make_unique<Power>(false));
  r.add(std::make_unique<Power>(true));
}

}  // namespace hitless::exec
