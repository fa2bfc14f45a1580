// Seed 003's secondary shut-down: "Other node > Shutdown" on the primary while both answer; out
// of band through the BMC when either does not.
#include <gtest/gtest.h>

#include "executor/verbs/action_kinds.hpp"
#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {
namespace {

using plan::Step;
using plan::Verb;

struct PowerLook {
  Evidence evidence;
  nlohmann::json none = nlohmann::json::object();
  std::vector<plan::Condition> no_gate;
  VerbContext at(const Step& s) { return VerbContext{s, evidence, nullptr, none, none, no_gate}; }
  ObservedNode& node(const std::string& name, bool reachable) {
    auto& n = evidence.nodes[name];
    n.name = name;
    n.reachable = reachable;
    return n;
  }
};

Step shutdown_step() {
  Step s;
  s.id = "sps/09-power-off-sps-b";
  s.verb = Verb::kPowerOff;
  s.cluster = "sps";
  s.targets = {"sps-b"};
  s.params = {{"via", "other-node"}, {"through", "sps-a"}};
  return s;
}

TEST(PowerOffVerb, ShutsTheSecondaryDownFromThePrimaryWhileBothAnswer) {
  const auto& h = *VerbRegistry::builtin().find(Verb::kPowerOff);
  PowerLook look;
  look.node("sps-a", true);
  look.node("sps-b", true);
  auto calls = h.calls(look.at(shutdown_step()));
  ASSERT_TRUE(calls.ok());
  ASSERT_EQ(calls->size(), 1u);
  EXPECT_EQ(calls->front().channel, DriverCall::Channel::kAppliance);
  EXPECT_EQ(calls->front().target, "sps-a");
  EXPECT_EQ(calls->front().action.kind, "ha-shutdown-other");
  EXPECT_EQ(h.route_note(look.at(shutdown_step())), std::nullopt);
  EXPECT_EQ(h.takes_out_of_service(shutdown_step()), std::vector<std::string>{"sps-b"});
  EXPECT_EQ(appliance_actions_of(Verb::kPowerOff, shutdown_step().params),
            (std::vector<std::string>{"power-off", "ha-shutdown-other"}));
}

TEST(PowerOffVerb, FallsBackToOutOfBandPowerWhenThePrimaryCannotReachTheSecondary) {
  const auto& h = *VerbRegistry::builtin().find(Verb::kPowerOff);
  for (const bool primary_answers : {true, false}) {
    PowerLook look;
    look.node("sps-a", primary_answers);
    look.node("sps-b", !primary_answers);
    auto calls = h.calls(look.at(shutdown_step()));
    ASSERT_TRUE(calls.ok());
    ASSERT_EQ(calls->size(), 1u);
    EXPECT_EQ(calls->front().channel, DriverCall::Channel::kPower) << primary_answers;
    EXPECT_EQ(calls->front().target, "sps-b");
    EXPECT_EQ(calls->front().action.params.value("on", true), false);
    // Journaled and shown: who did not answer, and which way the node is shut down instead.
    look.evidence.nodes[primary_answers ? "sps-b" : "sps-a"].error = "timed out";
    const auto note = h.route_note(look.at(shutdown_step()));
    ASSERT_TRUE(note.has_value());
    EXPECT_EQ(note->rfind(std::string(primary_answers ? "sps-b" : "sps-a") +
                              " does not answer its management API (timed out): sps-b is "
                              "powered off out of band",
                          0),
              0u)
        << *note;
  }
  // A plain out-of-band power-off never asks the peer.
  PowerLook look;
  look.node("sps-a", true);
  look.node("sps-b", true);
  Step oob = shutdown_step();
  oob.params = {{"via", "oob"}};
  EXPECT_EQ(h.calls(look.at(oob))->front().channel, DriverCall::Channel::kPower);
}

// Resumed after a crash between its intent and its outcome, with the secondary not answering:
// "powered off" cannot be told from "wedged", so an out-of-band power off is sent again.
TEST(PowerOffVerb, InterruptedOutOfBandPowerOffIsSentAgainNotTakenAsDone) {
  const auto& h = *VerbRegistry::builtin().find(Verb::kPowerOff);
  PowerLook look;
  look.node("sps-a", true);
  look.node("sps-b", false);
  const std::vector<plan::Condition> off{{plan::Cond::kPoweredOff, "sps-b", ""}};
  const Step s = shutdown_step();
  const nlohmann::json oob = {{"@calls", {{{"channel", "power"}, {"target", "sps-b"}}}}};
  EXPECT_EQ(h.reconcile(VerbContext{s, look.evidence, nullptr, oob, look.none, off}).kind,
            Reconciled::kResend);
  // Shut down from the primary (or an intent without calls on record): off is off.
  const nlohmann::json peer = {{"@calls", {{{"channel", "appliance"}, {"target", "sps-a"}}}}};
  EXPECT_EQ(h.reconcile(VerbContext{s, look.evidence, nullptr, peer, look.none, off}).kind,
            Reconciled::kAlreadyDone);
  EXPECT_EQ(h.reconcile(VerbContext{s, look.evidence, nullptr, look.none, look.none, off}).kind,
            Reconciled::kAlreadyDone);
}

// With the BMC's reading in the look, the interrupted out-of-band power-off trusts it: off is
// done, on (the node wedged, silent but powered) or unreadable is sent again.
TEST(PowerOffVerb, InterruptedOutOfBandPowerOffTrustsTheBmcReading) {
  const auto& h = *VerbRegistry::builtin().find(Verb::kPowerOff);
  PowerLook look;
  look.node("sps-a", true);
  look.node("sps-b", false);
  const std::vector<plan::Condition> off{{plan::Cond::kPoweredOff, "sps-b", ""}};
  const Step s = shutdown_step();
  const nlohmann::json oob = {{"@calls", {{{"channel", "power"}, {"target", "sps-b"}}}}};
  look.evidence.bmc_power["sps-b"] = {false, ""};
  EXPECT_EQ(h.reconcile(VerbContext{s, look.evidence, nullptr, oob, look.none, off}).kind,
            Reconciled::kAlreadyDone);
  look.evidence.bmc_power["sps-b"] = {true, ""};
  EXPECT_EQ(h.reconcile(VerbContext{s, look.evidence, nullptr, oob, look.none, off}).kind,
            Reconciled::kResend);
  look.evidence.bmc_power["sps-b"] = {std::nullopt, "BMC of sps-b: ipmitool: no session"};
  EXPECT_EQ(h.reconcile(VerbContext{s, look.evidence, nullptr, oob, look.none, off}).kind,
            Reconciled::kResend);
}

}  // namespace
}  // namespace hitless::exec
