#include "planner/migration_strategy.hpp"

#include <algorithm>

#include "common/durations.hpp"
#include "model/version.hpp"

namespace hitless::plan {
namespace {

constexpr const char* kMigrationSeed = "004 Upgrade BeyondTrust Hardware";

std::string ref(const std::string& step) { return std::string(kMigrationSeed) + " > " + step; }

std::string mb(double v) { return std::to_string(static_cast<long long>(v)) + " MB"; }

}  // namespace

Result<MigrationPair, PlanningErrc> check_migration(const InventoryCluster& c,
                                                    const ObservedState& obs,
                                                    const std::string& target) {
  MigrationPair p;
  int olds = 0, spares = 0;
  for (const auto& n : c.nodes) {
    if (n.role == "standalone") p.old_box = n.name, ++olds;
    if (n.role == "spare") p.spare = n.name, ++spares;
  }
  const std::string where = "cluster " + c.name + ": ";
  if (olds != 1 || spares != 1 || c.nodes.size() != 2)
    return make_error(PlanningErrc::kMismatch,
                      where +
                          "a migration needs exactly one standalone node (the old appliance) "
                          "and one spare (the new one)");
  if (c.passphrase_file.empty())
    return make_error(PlanningErrc::kBadPolicy,
                      where + "passphrase_file is missing: the certificate's private key is " +
                          "exported encrypted under a passphrase read from an owner-only file");
  const ObservedNode* old_box = obs.find(p.old_box);
  const ObservedNode* spare = obs.find(p.spare);
  if (!old_box || !spare)
    return make_error(PlanningErrc::kUnreachable, where + "both appliances must be observed");
  if (!target.empty() && target != old_box->version)
    return make_error(PlanningErrc::kBadTarget,
                      where + "a hardware migration installs the old appliance's own version (" +
                          old_box->version + ") on the new one, not " + target +
                          "; upgrade after the move, or plan with --to " + old_box->version);
  const auto spare_v = Version::parse(spare->version);
  const auto old_v = Version::parse(old_box->version);
  if (spare_v && old_v && *spare_v > *old_v)
    return make_error(PlanningErrc::kMismatch,
                      where + "the spare " + p.spare + " runs " + spare->version + ", newer than " +
                          p.old_box + "'s " + old_box->version +
                          ": the backup restores only onto its own version and an appliance "
                          "cannot be downgraded; re-image " +
                          p.spare + " with " + old_box->version + " or older, or upgrade " +
                          p.old_box + " first");
  if (!spare->migration || !old_box->migration)
    return make_error(PlanningErrc::kMismatch,
                      where +
                          "the appliances do not report certificates, factory state and disk "
                          "capacity; the migration cannot be checked");
  if (!spare->migration->factory_defaults)
    return make_error(PlanningErrc::kMismatch,
                      where + "the spare " + p.spare +
                          " is not in factory state: it holds data "
                          "the restore would overwrite; reset it to factory defaults first");
  if (spare->migration->disk_mb < old_box->migration->data_mb)
    return make_error(PlanningErrc::kMismatch,
                      where + "the spare " + p.spare + " has " + mb(spare->migration->disk_mb) +
                          " of disk but " + p.old_box + " holds " +
                          mb(old_box->migration->data_mb) +
                          " of data: the restore cannot fit; use a larger appliance");
  if (old_box->migration->certificate.empty())
    return make_error(PlanningErrc::kMismatch, where + p.old_box +
                                                   " holds no certificate to export (Security :: "
                                                   "Certificates)");
  return p;
}

Status<PlanningErrc> MigrationStrategy::build(PlanBuilder& b, const StrategyInput& in) const {
  const InventoryCluster& c = in.cluster;
  auto pair = check_migration(c, in.observed, in.target_version);
  if (!pair) return pair.error();
  const std::string& old_box = pair->old_box;
  const std::string& spare = pair->spare;
  const std::string version = in.observed.find(old_box)->version;
  const std::string issued_to = in.observed.find(old_box)->migration->certificate;
  const std::string& via = c.traffic_kind;

  b.begin_phase("prepare " + spare + " with " + old_box + "'s software, certificate and data");
  std::vector<Condition> ready{{Cond::kServing, old_box, ""},
                               {Cond::kReachable, spare, ""},
                               {Cond::kFactoryDefaults, spare, ""}};
  add_clock_checks(ready, {old_box, spare});
  b.check({old_box, spare}, ready,
          ref("1. Install the new appliance (first-time login admin / password)"));
  if (via == "dns" || via == "nat")
    b.check_traffic({old_box, spare}, via, ref("the DNS server takes our updates"));
  b.backup(old_box, ref("2. Back up your current appliance's software settings"));
  // The spare holds only its factory configuration, but nothing installs on a node without a
  // proven backup of it (issue 9): the export also shows the new hardware's backup path works.
  b.backup(spare, ref("hitless: a proven backup before the spare's first install"));
  b.cert_transfer(old_box, spare, issued_to, c.passphrase_file,
                  ref("3. Import your existing SSL certificate chain into the new appliance "
                      "(export with a passphrase for the private key)"));
  b.cert_assign_ip(spare, issued_to, ref("4. Assign an IP address to the certificate"));
  for (const auto* pkg : in.hops.at(spare)) {
    b.stage(spare, *pkg, ref("5. Install the new software package: Check for Updates"));
    b.install(spare, *pkg, true, {}, ref("5. Install the new software package: Install"));
  }
  b.restore(spare, old_box, version,
            ref("6. Import your software configuration settings from the old appliance"));
  b.verify_migrated(spare, old_box, version, issued_to,
                    ref("you can start testing remote support on your new appliance"));

  b.begin_phase("cut over to " + spare);
  const std::string cut = ref("update your DNS server to direct traffic to the new appliance");
  if (via == "dns") {
    const double ttl = c.dns ? c.dns->ttl_s : 0;
    b.switch_traffic(old_box, spare, via, ttl,
                     "DNS cut-over: point " + (c.dns ? c.dns->record : c.service) + " at " + spare +
                         " (clients holding the old answer move within its TTL of " +
                         format_duration(ttl) + ")",
                     cut);
  } else if (via == "nat") {
    b.switch_traffic(old_box, spare, via, 0, "NAT cut-over: DNAT " + c.service + " to " + spare,
                     cut);
  } else if (via == "shared-ip") {
    b.switch_shared_ip(old_box, spare, cut);
  } else {
    b.note("cluster " + c.name + ": no traffic mechanism in the inventory; point clients at " +
           spare + " yourself before approving the reset of " + old_box);
  }

  // The old box keeps serving until the cut-over has reached every client (seed 004 resets it
  // only "once you have confirmed" the new one works): a reset within the TTL fails the clients
  // still holding the old answer. The policy may ask for longer (resolvers that outlive the TTL).
  const double ttl_s = via == "dns" && c.dns ? c.dns->ttl_s : 0;
  const double wait_s = via == "none" ? 0 : std::max(ttl_s, c.policy.cutover_wait_s);
  const ObservedNode* old_obs = in.observed.find(old_box);
  const bool clients_known = via != "none" && old_obs && old_obs->connected_clients >= 0;
  b.cutover_propagation(old_box, spare, wait_s, clients_known,
                        ref("Once you have confirmed that it is functioning properly"));

  b.begin_phase("retire " + old_box);
  b.required_approval("confirm that " + spare + " works (remote support tested) before " + old_box +
                          " is reset to factory defaults and shut down",
                      ref("Once you have confirmed that it is functioning properly"));
  b.factory_reset(old_box, via == "none" ? "" : spare,
                  ref("Status > Basics > Reset Appliance to Factory Defaults"));
  b.shut_down(old_box, ref("Wait for the reset to complete, then Shut Down This Appliance"));
  return Unit{};
}

}  // namespace hitless::plan
