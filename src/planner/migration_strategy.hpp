#pragma once
// Seed 004, "Upgrade BeyondTrust Hardware" (S9): moving an appliance to new hardware. The seed's
// order: the new appliance installed (here: reachable, in factory state), a backup of the old
// one, its certificate, key and chain exported under a passphrase and imported into the new one,
// an IP assigned to the certificate, the old appliance's software installed on the new one, the
// backup restored (a fresh one, so nothing written on the old box until then is lost), verified,
// DNS (or NAT, or the shared IP) cut over, and after a person's approval the old box reset to
// factory defaults and shut down. Pure.

#include "planner/strategy.hpp"

namespace hitless::plan {

class MigrationStrategy final : public Strategy {
 public:
  const char* name() const override { return "migrate"; }
  const char* summary() const override {
    return "move to new hardware: backup, certificate export/import under a passphrase, the old "
           "software installed, restore, cut-over, old box reset and shut down after approval (S9)";
  }
  bool fits(const std::string& kind) const override { return kind == "migration"; }
  Status<PlanningErrc> build(PlanBuilder& b, const StrategyInput& in) const override;
};

// The old appliance (role standalone) and its replacement (role spare) of a migration cluster.
struct MigrationPair {
  std::string old_box;
  std::string spare;
};

// Checks that need no installing (input before observations, nothing is touched): one standalone
// and one spare, a passphrase file named, the spare reachable and in factory state, not running
// newer software than the old box (a backup restores only onto its own version, and appliances
// do not downgrade), with room for the old box's data, and the old box holding a certificate.
// The target is the old box's version. Errors name the cluster, the nodes and the fix.
Result<MigrationPair, PlanningErrc> check_migration(const InventoryCluster& cluster,
                                                    const ObservedState& observed,
                                                    const std::string& target);

}  // namespace hitless::plan
