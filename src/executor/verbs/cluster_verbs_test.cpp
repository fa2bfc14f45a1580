// The seed 000 verb handlers decide from the step and observations alone.
#include <gtest/gtest.h>

#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {
namespace {

using plan::Step;
using plan::Verb;

struct Look {
  Evidence evidence;
  nlohmann::json none = nlohmann::json::object();
  std::vector<plan::Condition> no_gate;
  VerbContext at(const Step& s) { return VerbContext{s, evidence, nullptr, none, none, no_gate}; }
  ObservedNode& node(const std::string& name) {
    auto& n = evidence.nodes[name];
    n.name = name;
    n.reachable = true;
    return n;
  }
};

Step push_step() {
  Step s;
  s.id = "aa/07-cluster-push";
  s.verb = Verb::kClusterPush;
  s.cluster = "aa";
  s.targets = {"aa-2", "aa-3"};
  s.params = {{"initiator", "aa-1"}, {"package", "pulse-9.1R3"}, {"version", "9.1R3"}};
  return s;
}

TEST(ClusterPushVerb, SendsNothingAndFailsAsSoonAsAMemberShowsThePushedInstallFailed) {
  const auto& h = *VerbRegistry::builtin().find(Verb::kClusterPush);
  Look look;
  const Step s = push_step();
  look.node("aa-2").install_state = "installing";
  look.node("aa-3").install_state = "idle";
  ASSERT_TRUE(h.calls(look.at(s)).ok());
  EXPECT_TRUE(h.calls(look.at(s))->empty());
  EXPECT_FALSE(h.early_failure(look.at(s)).has_value());
  look.node("aa-3").install_state = "failed";
  look.node("aa-3").install_package = "pulse-9.1R3";
  look.node("aa-3").install_error = "install of pulse-9.1R3 failed: disk";
  auto why = h.early_failure(look.at(s));
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(*why,
            "the install the cluster pushed to aa-3 failed: install of pulse-9.1R3 failed: disk");
  // An older failure of another package is not this push's.
  look.node("aa-3").install_package = "pulse-9.1R2";
  EXPECT_FALSE(h.early_failure(look.at(s)).has_value());
  EXPECT_EQ(h.takes_out_of_service(s), s.targets);
}

TEST(SetMemberVerb, EnablesOrDisablesAndCountsAnUpgradingRejoinAsOutOfService) {
  const auto& h = *VerbRegistry::builtin().find(Verb::kSetMember);
  Look look;
  Step s;
  s.verb = Verb::kSetMember;
  s.targets = {"aa-3"};
  s.params = {{"enabled", true}, {"version", "9.1R3"}, {"package", "pulse-9.1R3"}};
  auto calls = h.calls(look.at(s));
  ASSERT_TRUE(calls.ok());
  ASSERT_EQ(calls->size(), 1u);
  EXPECT_EQ(calls->front().target, "aa-3");
  EXPECT_EQ(calls->front().action.kind, "member-enable");
  EXPECT_EQ(h.takes_out_of_service(s), std::vector<std::string>{"aa-3"});
  s.params = {{"enabled", false}};
  EXPECT_EQ(h.calls(look.at(s))->front().action.kind, "member-disable");
  EXPECT_TRUE(h.takes_out_of_service(s).empty());
}

TEST(TakeVipVerb, AsksTheNewOwnerAndImpliesItsGateForUndo) {
  const auto& h = *VerbRegistry::builtin().find(Verb::kTakeVip);
  Look look;
  Step s;
  s.verb = Verb::kTakeVip;
  s.cluster = "ap";
  s.targets = {"ap-1"};
  s.params = {{"from", "ap-2"}, {"to", "ap-1"}};
  auto calls = h.calls(look.at(s));
  ASSERT_TRUE(calls.ok());
  EXPECT_EQ(calls->front().target, "ap-1");
  EXPECT_EQ(calls->front().action.kind, "vip-take");
  const auto gate = h.implied_gate(s);
  EXPECT_NE(
      std::find(gate.begin(), gate.end(), plan::Condition{plan::Cond::kOwnsSharedIp, "ap-1", ""}),
      gate.end());
}

}  // namespace
}  // namespace hitless::exec
