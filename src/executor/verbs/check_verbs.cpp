// Verbs that only look: the checklist before a run, verifying a node after its upgrade, and the
// approval gate a person answers (`hitless approve`). None acts on an appliance, so each is safe
// to repeat and has nothing to undo.
#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {
namespace {

class LookOnly : public VerbHandler {
 public:
  LookOnly(plan::Verb v, const char* summary) : verb_(v), summary_(summary) {}
  plan::Verb verb() const override { return verb_; }
  const char* summary() const override { return summary_; }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext&) const override {
    return std::vector<DriverCall>{};
  }

 private:
  plan::Verb verb_;
  const char* summary_;
};

}  // namespace

void register_check_verbs(VerbRegistry& r) {
  r.add(std::make_unique<LookOnly>(plan::Verb::kCheck,
                                   "checks that nodes answer and are as the plan expects"));
  r.add(std::make_unique<LookOnly>(plan::Verb::kVerify,
                                   "waits until a node serves at the expected version"));
  // The executor waits for the journal's approval record; nothing is sent to an appliance.
  r.add(
      std::make_unique<LookOnly>(plan::Verb::kApproval, "waits for a person's `hitless approve`"));
  // The executor waits until the soak's end, journaled with its intent (Run::soak).
  r.add(std::make_unique<LookOnly>(plan::Verb::kSoak,
                                   "waits the catalog's soak time after a hop; survives resume"));
}

}  // namespace hitless::exec
