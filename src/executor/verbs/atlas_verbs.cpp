// Seed 001 Atlas cluster verbs: Distribute to Cluster, waiting for a traffic node's connected
// clients to end (bounded by the policy's drain timeout, with its action on timeout), Sync Now
// and Enable Backup Operations. Accepting per traffic node is set-accepting with params.master.
#include <limits>

#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {
namespace {

using Channel = DriverCall::Channel;

class Distribute : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kDistribute; }
  const char* summary() const override {
    return "the primary master pushes a staged package to every node of the Atlas cluster; "
           "nothing installs (seed 001)";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    return std::vector<DriverCall>{
        {Channel::kAppliance,
         c.step.targets.at(0),
         {"atlas-distribute", {{"package", c.step.params.at("package")}}}}};
  }
};

class WaitDrained : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kWaitDrained; }
  const char* summary() const override {
    return "waits until a node's Connected Clients table is empty; on the drain timeout the "
           "policy stops the run, goes on (force: remaining sessions are cut) or waits on";
  }
  // The clients end their sessions themselves: nothing to send.
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext&) const override {
    return std::vector<DriverCall>{};
  }
  std::vector<plan::Condition> implied_gate(const plan::Step& s) const override {
    return {{plan::Cond::kDrained, s.targets.at(0), ""}};
  }
  std::optional<double> gate_timeout_s(const plan::Step& s) const override {
    if (s.params.value("on_timeout", "stop") == "wait")
      return std::numeric_limits<double>::infinity();
    return s.params.value("timeout_s", 600.0);
  }
  std::optional<std::string> on_gate_timeout(const VerbContext& c) const override {
    if (c.step.params.value("on_timeout", "stop") != "force") return std::nullopt;
    const std::string node = c.step.targets.at(0);
    auto it = c.evidence.nodes.find(node);
    const int left = it == c.evidence.nodes.end() ? -1 : it->second.connected_clients;
    return node + " did not drain within the drain timeout (" +
           (left < 0 ? std::string("clients unknown") : std::to_string(left) + " clients left") +
           "); policy on_drain_timeout force: going on, its remaining sessions will be cut";
  }
};

class ClusterSync : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kClusterSync; }
  const char* summary() const override {
    return "Sync Now on the primary master: traffic nodes take the cluster configuration; the "
           "backup master syncs when backup operations are enabled (seed 001)";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    return std::vector<DriverCall>{{Channel::kAppliance, c.step.targets.at(0), {"atlas-sync", {}}}};
  }
};

class BackupOperations : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kBackupOperations; }
  const char* summary() const override {
    return "checks or unchecks Enable Backup Operations of the Atlas masters' failover relation";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    return std::vector<DriverCall>{
        {Channel::kAppliance,
         c.step.targets.at(0),
         {"atlas-backup-ops", {{"enabled", c.step.params.value("enabled", true)}}}}};
  }
};

}  // namespace

void register_atlas_verbs(VerbRegistry& r) {
  r.add(std::make_unique<Distribute>());
  r.add(std::make_unique<WaitDrained>());
  r.add(std::make_unique<ClusterSync>());
  r.add(std::make_unique<BackupOperations>());
}

}  // namespace hitless::exec
