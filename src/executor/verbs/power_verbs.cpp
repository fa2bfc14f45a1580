// Out-of-band power (IPMI / BMC, seed 003): switch a node off or on through its power driver,
// whatever state its management plane is in.
#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {
namespace {

using Channel = DriverCall::Channel;

class Power : public VerbHandler {
 public:
  explicit Power(bool on) : on_(on) {}
  plan::Verb verb() const override { return on_ ? plan::Verb::kPowerOn : plan::Verb::kPowerOff; }
  const char* summary() const override {
    return on_ ? "powers a node on out of band" : "powers a node off out of band";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    return std::vector<DriverCall>{
        {Channel::kPower, c.step.targets.at(0), {"power", {{"on", on_}}}}};
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
