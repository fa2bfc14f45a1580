#include "executor/verbs/action_kinds.hpp"

namespace hitless::exec {

std::vector<std::string> appliance_actions_of(plan::Verb verb, const nlohmann::json& params) {
  using plan::Verb;
  // Kept beside the handlers' calls(): a verb whose calls change must change here too (the
  // switch has no default, so a new verb does not build until it is listed).
  switch (verb) {
    case Verb::kCheck:
    case Verb::kVerify:
    case Verb::kApproval:
      return {"status"};
    case Verb::kBackup:
      return {"status", "backup"};
    case Verb::kSync:
      // It overwrites the peer's configuration: read first (and carried over with config-set).
      return {"status", "ha-sync", "config-read"};
    case Verb::kBreakHa:
      return {"status", "ha-break"};
    case Verb::kEstablishHa:
      return {"status", "ha-establish", "config-read"};
    case Verb::kStage:  // an air-gapped node's offline bundle, or one package
      return {"status", params.contains("bundle") ? "stage-bundle" : "stage"};
    case Verb::kCompatTest:
      return {"status", "compat-test"};
    case Verb::kInstall:
      return {"status", "install"};
    case Verb::kReboot:
      return {"status", "reboot"};
    case Verb::kSwitchTraffic:
      if (params.value("via", "shared-ip") == "shared-ip")
        return {"status", "shared-ip", "who-answers"};
      return {"status", "who-answers"};
    case Verb::kSetRole:
      return {"status", "ha-role"};
    case Verb::kSetAccepting:  // Atlas: set on the primary master as cluster configuration
      return {"status", params.contains("master") ? "atlas-accepting" : "accepting"};
    case Verb::kPowerOff:  // seed 003: Other node > Shutdown on params.through, else out of band
      if (params.value("via", "oob") == "other-node") return {"power-off", "ha-shutdown-other"};
      return {"power-off"};
    case Verb::kPowerOn:
      return {"power-on"};
    case Verb::kSelectBootSlot:
    case Verb::kRestoreSoftware:
      return {"status", "select-boot-slot", "reboot"};
    case Verb::kCheckTraffic:  // the traffic component only (DNS server, NAT gateway)
    case Verb::kLbCheck:       // the load balancer only (HAProxy's runtime API)
    case Verb::kLbDrain:
    case Verb::kLbMaint:
    case Verb::kLbHealth:
    case Verb::kLbReady:
      return {};
    case Verb::kClusterPush:  // only watches the members
      return {"status"};
    case Verb::kSetMember:
      return {"status", params.value("enabled", true) ? "member-enable" : "member-disable"};
    case Verb::kTakeVip:
      return {"status", "vip-take"};
    case Verb::kDistribute:
      return {"status", "atlas-distribute"};
    case Verb::kWaitDrained:  // only watches the node's clients
      return {"status"};
    case Verb::kClusterSync:
      return {"status", "atlas-sync"};
    case Verb::kBackupOperations:
      return {"status", "atlas-backup-ops"};
    case Verb::kCertTransfer:  // cert-export on targets[0], cert-import on targets[1]
      return {"status", "cert-export", "cert-import"};
    case Verb::kCertAssignIp:
      return {"status", "cert-assign-ip"};
    case Verb::kRestore:  // the backup is taken from params.from
      return {"status", "restore"};
    case Verb::kFactoryReset:
      return {"status", "factory-reset"};
    case Verb::kShutDown:
      return {"status", "power-off"};
    case Verb::kActivateSlave:
      return {"status", "ha-activate-slave"};
    case Verb::kSoak:  // waits on the clock only
      return {};
  }
  return {};
}

std::optional<MissingAction> missing_appliance_action(
    const plan::Plan& plan,
    const std::function<bool(const std::string& node, const std::string& kind)>& supports) {
  const auto check = [&](const std::string& step, plan::Verb verb,
                         const std::vector<std::string>& targets,
                         const nlohmann::json& params) -> std::optional<MissingAction> {
    for (const auto& node : targets)
      for (const auto& kind : appliance_actions_of(verb, params))
        if (!supports(node, kind)) return MissingAction{step, plan::to_string(verb), kind, node};
    return std::nullopt;
  };
  for (const auto& s : plan.steps) {
    if (auto m = check(s.id, s.verb, s.targets, s.params)) return m;
    if (s.undo)
      if (auto m = check(s.id + " (its undo)", s.undo->verb, s.undo->targets, s.undo->params))
        return m;
  }
  return std::nullopt;
}

}  // namespace hitless::exec
