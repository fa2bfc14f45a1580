// PlanBuilder blocks for seed 003 (SPS HA pairs): out-of-band power, Activate Slave and the
// procedure's own downtime (the primary reboots while the secondary is shut down). Pure.
#include <algorithm>

#include "planner/plan_builder.hpp"

namespace hitless::plan {

std::string PlanBuilder::power(const std::string& node, bool on, std::vector<Condition> gate,
                               double estimate_s, const std::string& title,
                               const std::string& seed_ref) {
  Step& s = add(on ? Verb::kPowerOn : Verb::kPowerOff, {node},
                (on ? "power-on-" : "power-off-") + node, title);
  s.params = {{"via", "oob"}};
  s.gate = on ? std::move(gate) : std::vector<Condition>{{Cond::kPoweredOff, node, ""}};
  s.estimate_s = kApiCallS + estimate_s;
  if (!on)
    s.undo = Undo{
        Verb::kPowerOn, {node}, {{"via", "oob"}}, "Power " + node + " on again through its BMC"};
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::shut_down_other(const std::string& node, const std::string& through,
                                         const std::string& seed_ref) {
  const InventoryNode* n = cluster_.find(node);
  const bool oob = n && n->power.has_value();
  Step& s =
      add(Verb::kPowerOff, {node}, "power-off-" + node,
          "High Availability > Other node > Shutdown on " + through + ": " + node + " shuts down" +
              (oob ? " (out-of-band power off through its BMC if " + through + " or " + node +
                         " does not answer)"
                   : " (no out-of-band power: the run stops if " + through + " or " + node +
                         " does not answer)"));
  s.params = {{"via", "other-node"}, {"through", through}};
  s.preconditions = {{Cond::kReachable, through, ""}};
  s.gate = {{Cond::kPoweredOff, node, ""}};
  s.estimate_s = kApiCallS;
  s.undo =
      Undo{Verb::kPowerOn, {node}, {{"via", "oob"}}, "Power " + node + " on again through its BMC"};
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::activate_slave(const std::string& primary, const std::string& backup,
                                        const std::string& seed_ref) {
  Step& s = add(Verb::kActivateSlave, {primary}, "activate-slave-" + backup,
                "Activate Slave on " + primary + ": " + backup + " is the HA standby again");
  s.params = {{"backup", backup}};
  s.preconditions = {{Cond::kReachable, primary, ""}, {Cond::kReachable, backup, ""}};
  s.gate = {{Cond::kHaStatus, primary, "ok"}};
  s.estimate_s = kApiCallS;
  s.seed_ref = seed_ref;
  return s.id;
}

void PlanBuilder::add_gate(const std::string& id, Condition c) {
  for (Step& s : plan_.steps)
    if (s.id == id) s.gate.push_back(std::move(c));
}

void PlanBuilder::also_writes_slot(const std::string& id, const std::string& node,
                                   const std::string& what) {
  for (Step& s : plan_.steps)
    if (s.id == id) note_slot_write(s, node, what);
}

void PlanBuilder::planned_downtime(const std::string& id, const std::string& why) {
  for (Step& s : plan_.steps) {
    if (s.id != id) continue;
    std::erase_if(s.guards, [](const Condition& c) {
      return c.kind == Cond::kPairUp || c.kind == Cond::kMaxOut || c.kind == Cond::kMinServing;
    });
    note(s.id + ": planned downtime: " + why);
  }
}

}  // namespace hitless::plan
