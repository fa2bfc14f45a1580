#pragma once
// What the upgrade commands (plan, simulate, apply, resume, rollback) share: loading an
// inventory with its package catalog, and observing every node once through the drivers.
// Blocking; command line only.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "catalog/bundle_check.hpp"
#include "catalog/catalog.hpp"
#include "model/inventory.hpp"
#include "model/observed_state.hpp"
#include "planner/plan.hpp"

namespace hitless::cli {

struct UpgradeContext {
  Inventory inventory;
  catalog::Catalog catalog;
  // Offline bundles of air-gapped nodes (inventory `bundle:`), by node, checked against the
  // catalog on load (not yet against the node: the planner does that with what it observes).
  std::map<std::string, catalog::BundleSummary> bundles;
};

// Errors name the file and what is wrong; nothing is contacted. The inventory's
// repository.public_key_file is the pinned root of trust of the catalog in repository.dir; the
// newest catalog version seen is kept in the state directory (catalog/trust.hpp). An expired
// catalog is refused unless `allow_expired_catalog`, which is then logged to stderr. Each offline
// bundle an air-gapped node names is read and checked against the catalog (a refused one names
// the inventory line, the node and why).
// `read_bundles` false (resume, rollback: the plan already names each bundle and its digest,
// and the appliance checks it again on arrival) skips them, so an expired bundle never blocks
// the way back.
Result<UpgradeContext, int> load_context(const std::string& inventory_path, std::string& error,
                                         bool allow_expired_catalog = false,
                                         bool read_bundles = true);
// `--policy KEY=VALUE` flags checked on their own (before anything is read or contacted); false
// with `error` naming the flag.
bool check_policy_flags(const std::vector<std::string>& flags, std::string& error);
// Applies the flags over every cluster's inventory policy (they win over the inventory), then
// checks the planned clusters' policies against their sizes. Pure: run it before observe_all.
bool apply_policy_flags(UpgradeContext& ctx, const std::vector<std::string>& flags,
                        const std::vector<std::string>& clusters, std::string& error);
// "" when every command-driven node's vendor profile defines every action `plan` needs on it;
// otherwise which step needs which action on which node (checked before anything acts).
std::string actions_missing_from_profiles(const plan::Plan& plan, const Inventory& inventory);
// Every node of the inventory, observed through its driver (unreachable nodes are marked so).
ObservedState observe_all(const Inventory& inventory, double api_timeout_s = 5);
// One driver action on one node of the inventory, waited for (e.g. a "restore").
Result<nlohmann::json, std::string> perform_once(const Inventory& inventory,
                                                 const std::string& node, const std::string& kind,
                                                 const nlohmann::json& params,
                                                 double api_timeout_s = 5);

}  // namespace hitless::cli
