// PlanBuilder blocks for seed 004's move to new hardware: certificate export/import, Assign IP,
// restore, the migrated node's verification, the approval before the old box is retired, factory
// reset and shut-down. Pure.
#include "common/durations.hpp"
#include "planner/plan_builder.hpp"

namespace hitless::plan {
namespace {

constexpr double kBackupMbPerS = 200;  // the lab's backup and restore rate (seed 004: data-bound)

std::string host_of(const std::string& address) {
  const auto colon = address.rfind(':');
  return colon == std::string::npos ? address : address.substr(0, colon);
}

}  // namespace

std::string PlanBuilder::cert_transfer(const std::string& from, const std::string& to,
                                       const std::string& issued_to,
                                       const std::string& passphrase_file,
                                       const std::string& seed_ref) {
  Step& s = add(Verb::kCertTransfer, {from, to}, "cert-transfer-" + to,
                "Export the certificate issued to " + issued_to + " (certificate, private key, " +
                    "chain; key encrypted under the passphrase) from " + from + " and import " +
                    "it into " + to);
  s.params = {{"passphrase_file", passphrase_file}, {"issued_to", issued_to}};
  s.preconditions = {{Cond::kReachable, from, ""}, {Cond::kReachable, to, ""}};
  s.gate = {{Cond::kCertificate, to, issued_to}};
  s.estimate_s = 2 * kApiCallS;
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::cert_assign_ip(const std::string& node, const std::string& issued_to,
                                        const std::string& seed_ref) {
  const InventoryNode* n = cluster_.find(node);
  const std::string ip = host_of(n ? n->address : "");
  Step& s = add(Verb::kCertAssignIp, {node}, "cert-assign-ip-" + node,
                "Assign IP " + ip + " to the certificate issued to " + issued_to + " on " + node);
  s.params = {{"ip", ip}, {"issued_to", issued_to}};
  s.preconditions = {{Cond::kCertificate, node, issued_to}};
  s.gate = {{Cond::kCertificate, node, issued_to + "@" + ip}};
  s.estimate_s = kApiCallS;
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::restore(const std::string& to, const std::string& from,
                                 const std::string& version, const std::string& seed_ref) {
  Step& s = add(Verb::kRestore, {to}, "restore-" + to,
                "Download a fresh backup of " + from + " and restore it onto " + to +
                    " (Software :: Restore Settings)");
  s.params = {{"from", from}};
  s.preconditions = {{Cond::kReachable, from, ""}, {Cond::kVersion, to, version}};
  s.gate = {{Cond::kDataEqual, to, "", {from}}};
  s.estimate_s = kApiCallS + 2 * profile(from).data_mb / kBackupMbPerS;
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::verify_migrated(const std::string& to, const std::string& from,
                                         const std::string& version, const std::string& issued_to,
                                         const std::string& seed_ref) {
  const InventoryNode* n = cluster_.find(to);
  Step& s =
      add(Verb::kVerify, {to}, "verify-" + to,
          "Verify " + to + " serves at " + version + " with " + from + "'s data and certificate");
  s.params = {{"version", version}};
  s.gate = {{Cond::kVersion, to, version},
            {Cond::kServing, to, ""},
            {Cond::kDataEqual, to, "", {from}},
            {Cond::kCertificate, to, issued_to + "@" + host_of(n ? n->address : "")}};
  s.estimate_s = kApiCallS;
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::required_approval(const std::string& what, const std::string& seed_ref) {
  Step& s = add(Verb::kApproval, {}, "approve", "Approval: " + what);
  s.params = {{"question", what}};
  s.estimate_s = 0;
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::factory_reset(const std::string& node, const std::string& successor,
                                       const std::string& seed_ref) {
  Step& s = add(Verb::kFactoryReset, {node}, "factory-reset-" + node,
                "Reset " + node + " to factory defaults (Status > Basics)");
  // Clients must already be answered by the successor: a reset under them would cut them off.
  s.preconditions = {{Cond::kReachable, node, ""}};
  if (!successor.empty()) s.preconditions.push_back({Cond::kServiceFrom, successor, ""});
  s.gate = {{Cond::kFactoryDefaults, node, ""}};
  s.estimate_s = kApiCallS;
  s.no_return = node + "'s data and certificate are erased: the way back is the new appliance " +
                "(which holds both) or the backup taken at the start";
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::cutover_propagation(const std::string& old_box,
                                             const std::string& successor, double wall_s,
                                             bool clients_known, const std::string& seed_ref) {
  if (wall_s > 0) {
    // The soak verb counts model seconds (wall = model x time scale); the TTL is wall time.
    const double model_s = wall_s / (plan_.time_scale > 0 ? plan_.time_scale : 1.0);
    Step& s = add(Verb::kSoak, {old_box}, "propagate-" + successor,
                  "Wait " + format_duration(wall_s) + " of wall time for the cut-over to " +
                      successor + " to propagate: clients holding the old answer still reach " +
                      old_box + ", which keeps serving");
    s.params = {{"seconds", model_s}, {"after", "the cut-over to " + successor}};
    s.estimate_s = model_s;
    s.seed_ref = seed_ref;
  }
  if (!clients_known) return last_;
  return wait_drained(old_box, seed_ref);
}

std::string PlanBuilder::shut_down(const std::string& node, const std::string& seed_ref) {
  Step& s = add(Verb::kShutDown, {node}, "shut-down-" + node, "Shut down " + node);
  s.preconditions = {{Cond::kFactoryDefaults, node, ""}};
  s.gate = {{Cond::kPoweredOff, node, ""}};
  s.estimate_s = kApiCallS;
  s.seed_ref = seed_ref;
  return s.id;
}

}  // namespace hitless::plan
