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

class Power : public VerbHandler {
 public:
  explicit Power(bool on) : on_(on) {}
  plan::Verb verb() const override { return on_ ? plan::Verb::kPowerOn : plan::Verb::kPowerOff; }
  const char* summary() const override {
    return on_ ? "powers a node on out of band" : "powers a node off out of band";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    const std::string& node = c.step.targets.at(0);
    if (!on_ && c.step.params.value("via", "oob") == "other-node") {
      const std::string through = c.step.params.value("through", "");
      if (answers(c, through) && answers(c, node))
        return std::vector<DriverCall>{{Channel::kAppliance, through, {"ha-shutdown-other", {}}}};
    }
    return std::vector<DriverCall>{{Channel::kPower, node, {"power", {{"on", on_}}}}};
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
