// Failover relation verbs (seeds 001, 003, 004): Sync Now, break and establish the relation,
// change a member's role. A sync overwrites the backup's configuration with the primary's, so
// the nothing-lost check runs before it.
#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {
namespace {

using plan::Cond;
using Channel = DriverCall::Channel;

class Sync : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kSync; }
  const char* summary() const override {
    return "Sync Now: copies the primary's data to the backup and waits for it";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    return std::vector<DriverCall>{{Channel::kAppliance, c.step.targets.at(0), {"ha-sync", {}}}};
  }
  // A sync is idempotent, and "synced" is judged against a baseline taken when acting: after a
  // crash it is simply asked for again.
  Reconcile reconcile(const VerbContext&) const override {
    return {Reconciled::kResend, "a sync is harmless to ask for again; asking now"};
  }
  std::vector<std::string> overwrites_configuration_of(const plan::Step& s) const override {
    return {s.params.value("backup", s.targets.size() > 1 ? s.targets[1] : "")};
  }
  std::string configuration_source(const plan::Step& s) const override {
    const std::string backup = overwrites_configuration_of(s).front();
    for (const auto& t : s.targets)
      if (t != backup) return t;
    return "";
  }
};

class BreakHa : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kBreakHa; }
  const char* summary() const override { return "breaks the failover relation"; }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    return std::vector<DriverCall>{{Channel::kAppliance, c.step.targets.at(0), {"ha-break", {}}}};
  }
  std::vector<plan::Condition> implied_gate(const plan::Step& s) const override {
    return {{Cond::kHaNone, s.targets.at(0), ""}, {Cond::kHaNone, s.targets.at(1), ""}};
  }
};

class EstablishHa : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kEstablishHa; }
  const char* summary() const override {
    return "establishes the failover relation (primary, backup)";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    const auto& p = c.step.params;
    const std::string primary = p.at("primary"), backup = p.at("backup");
    // Never pair nodes that run different software: the first sync would mix data across
    // versions, and a real appliance refuses it anyway.
    auto a = c.evidence.nodes.find(primary), b = c.evidence.nodes.find(backup);
    if (a != c.evidence.nodes.end() && b != c.evidence.nodes.end() && a->second.reachable &&
        b->second.reachable && a->second.packages != b->second.packages)
      return make_error(VerbErrc::kRefused, "not establishing the relation: " + primary + " runs " +
                                                describe_packages(a->second) + " but " + backup +
                                                " runs " + describe_packages(b->second));
    return std::vector<DriverCall>{
        {Channel::kAppliance, primary, {"ha-establish", {{"peer", backup}, {"role", "primary"}}}}};
  }
  std::vector<plan::Condition> implied_gate(const plan::Step& s) const override {
    return {{Cond::kHaRole, s.params.value("primary", ""), "primary"},
            {Cond::kHaRole, s.params.value("backup", ""), "backup"}};
  }

 private:
  static std::string describe_packages(const ObservedNode& n) {
    std::string s;
    for (const auto& [name, v] : n.packages) s += (s.empty() ? "" : ", ") + name + " " + v;
    return s;
  }
};

class SetRole : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kSetRole; }
  const char* summary() const override { return "changes a member's failover role"; }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    const auto& p = c.step.params;
    return std::vector<DriverCall>{
        {Channel::kAppliance,
         c.step.targets.at(0),
         {"ha-role", {{"role", p.at("role")}, {"force", p.value("force", false)}}}}};
  }
  std::vector<plan::Condition> implied_gate(const plan::Step& s) const override {
    return {{Cond::kHaRole, s.targets.at(0), s.params.value("role", "")}};
  }
};

// Seed 003: the secondary that came back on the new firmware and synced becomes the hot standby
// again. Asking twice is harmless (the lab answers "ok" when it already is active).
class ActivateSlave : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kActivateSlave; }
  const char* summary() const override {
    return "Activate Slave: the synced secondary becomes the HA pair's standby again";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    return std::vector<DriverCall>{
        {Channel::kAppliance, c.step.targets.at(0), {"ha-activate-slave", {}}}};
  }
  Reconcile reconcile(const VerbContext&) const override {
    return {Reconciled::kResend, "Activate Slave is harmless to ask for again; asking now"};
  }
  std::vector<plan::Condition> implied_gate(const plan::Step& s) const override {
    return {{Cond::kHaStatus, s.targets.at(0), "ok"}};
  }
};

}  // namespace

void register_ha_verbs(VerbRegistry& r) {
  r.add(std::make_unique<Sync>());
  r.add(std::make_unique<BreakHa>());
  r.add(std::make_unique<EstablishHa>());
  r.add(std::make_unique<SetRole>());
  r.add(std::make_unique<ActivateSlave>());
}

}  // namespace hitless::exec
