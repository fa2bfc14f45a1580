#include "planner/planner.hpp"

#include <algorithm>
#include <map>

#include "planner/cluster_push_strategy.hpp"
#include "planner/load_balancer_strategies.hpp"
#include "planner/migration_strategy.hpp"
#include "planner/plan_rules.hpp"

namespace hitless::plan {
namespace {

// The main package a node runs: the installed package whose version is the node's version and
// that the catalog knows as a product or firmware.
std::string main_package(const ObservedNode& n, const catalog::Catalog& cat) {
  for (const auto& [name, version] : n.packages)
    if (version == n.version)
      for (const auto& p : cat.packages())
        if (p.manifest.name == name && p.manifest.kind != "base") return name;
  for (const auto& [name, version] : n.packages)
    if (version == n.version && name != "base") return name;
  return "product";
}

Status<PlanningErrc> check_pair(const InventoryCluster& c, const ObservedState& obs,
                                std::string& primary, std::string& backup) {
  for (const auto& n : c.nodes) {
    if (n.role == "primary") primary = n.name;
    if (n.role == "backup") backup = n.name;
  }
  if (primary.empty() || backup.empty())
    return make_error(PlanningErrc::kMismatch,
                      "cluster " + c.name + ": the inventory must name one primary and one backup");
  const ObservedNode& p = *obs.find(primary);
  const ObservedNode& b = *obs.find(backup);
  if (p.ha_role == "none" || b.ha_role == "none")
    return make_error(PlanningErrc::kMismatch,
                      "cluster " + c.name + ": the failover relation is broken (" + primary + ": " +
                          p.ha_role + ", " + backup + ": " + b.ha_role +
                          "); re-establish it, or resume the run that broke it");
  if (p.ha_role != "primary" || b.ha_role != "backup" || p.ha_peer != backup ||
      b.ha_peer != primary)
    return make_error(PlanningErrc::kMismatch,
                      "cluster " + c.name + ": the inventory says " + primary + " is primary and " +
                          backup + " backup, but the appliances report " + primary + ": " +
                          p.ha_role + " (peer '" + p.ha_peer + "'), " + backup + ": " + b.ha_role +
                          " (peer '" + b.ha_peer + "')");
  if (!p.shared_ip.empty() && !p.shared_ip_enabled)
    return make_error(PlanningErrc::kMismatch, "cluster " + c.name + ": the primary " + primary +
                                                   " does not hold the shared IP");
  if (p.version != b.version)
    return make_error(PlanningErrc::kMismatch,
                      "cluster " + c.name + ": members run different versions (" + primary + " " +
                          p.version + ", " + backup + " " + b.version +
                          "); finish or roll back the earlier upgrade first");
  return Unit{};
}

// Seed 004: an air-gapped node takes its packages only from its own offline bundle. Refused at
// plan time, before anything is touched: no bundle, one made for another appliance, or one
// that lacks a hop.
Result<const catalog::BundleSummary*, PlanningErrc> bundle_for(
    const InventoryNode& n, const ObservedNode& o, const std::string& target,
    const std::vector<const catalog::CatalogPackage*>& hops, const PlanRequest& rq) {
  const catalog::BundleSummary* found = nullptr;
  if (rq.bundles)
    if (auto it = rq.bundles->find(n.name); it != rq.bundles->end()) found = &it->second;
  if (!found)
    return make_error(PlanningErrc::kMismatch,
                      "node " + n.name + " is air-gapped (" + rq.inventory->file + ":" +
                          std::to_string(n.line) +
                          ") and names no offline bundle: read its download key (Updates > "
                          "Appliance Download Key), run `hitless bundle make --for KEY --to " +
                          target + "` and set `bundle: FILE` on the node");
  const catalog::BundleSummary& b = *found;
  if (auto bound = catalog::bundle_bound_to(b, o.appliance_id, n.name); !bound)
    return make_error(PlanningErrc::kMismatch,
                      "node " + n.name + ": " + bound.message() + "; nothing was touched");
  for (const auto* hop : hops)
    if (std::find(b.packages.begin(), b.packages.end(), hop->id()) == b.packages.end()) {
      std::string held;
      for (const auto& id : b.packages) held += (held.empty() ? "" : ", ") + id;
      return make_error(PlanningErrc::kNoPath,
                        "node " + n.name + ": its offline bundle " + b.file + " holds " +
                            (held.empty() ? "no package" : held) + " but the upgrade to " + target +
                            " needs " + hop->id() +
                            ": make a new bundle from its download key with --to " + target);
    }
  return &b;
}

}  // namespace

Result<Plan, PlanningErrc> make_plan(const PlanRequest& rq) {
  const Inventory& inv = *rq.inventory;
  const ObservedState& obs = *rq.observed;
  const catalog::Catalog& cat = *rq.catalog;
  Plan plan;
  plan.inventory_file = inv.file;
  plan.time_scale = inv.time_scale;
  plan.observed = obs;

  std::vector<const InventoryCluster*> chosen;
  for (const auto& c : inv.clusters)
    if (rq.clusters.empty() ||
        std::find(rq.clusters.begin(), rq.clusters.end(), c.name) != rq.clusters.end())
      chosen.push_back(&c);
  for (const auto& name : rq.clusters)
    if (!inv.find_cluster(name))
      return make_error(PlanningErrc::kMismatch, "no cluster named '" + name + "' in " + inv.file);
  // Input before observations: a policy the cluster cannot honour is refused whatever the nodes
  // say.
  std::map<std::string, Policy> policies;
  for (const auto* c : chosen) {
    auto p = effective_policy(*c, plan.notes);
    if (!p) return p.error();
    policies.emplace(c->name, std::move(*p));
  }

  // One target for the whole plan: resolve "latest" from the first node.
  std::string target = rq.target;
  for (const auto* c : chosen)
    for (const auto& n : c->nodes) {
      const ObservedNode* o = obs.find(n.name);
      if (!o || !o->reachable)
        return make_error(PlanningErrc::kUnreachable,
                          "node " + n.name + " (" + n.address + "): management API not answering" +
                              (o && !o->error.empty() ? ": " + o->error : std::string()));
      if (!o->powered)
        return make_error(PlanningErrc::kMismatch, "node " + n.name + " is powered off");
    }
  if (chosen.empty()) return make_error(PlanningErrc::kMismatch, "no cluster to plan for");
  // A hardware migration (S9) installs the old appliance's own version on the new one (seed 004:
  // the new appliance is brought to the old one's version before the restore), so it needs no
  // --to; every other upgrade names where it goes.
  if (target.empty()) {
    for (const auto* c : chosen)
      if (c->kind != "migration")
        return make_error(PlanningErrc::kBadTarget,
                          "cluster " + c->name + " (" + c->kind +
                              "): no target version; give --to VERSION or --to latest (only a "
                              "migration, which installs the old box's own version, needs none)");
    target = "latest";
  }
  if (target == "latest" && chosen.front()->kind == "migration")
    for (const auto& n : chosen.front()->nodes)
      if (n.role == "standalone") target = obs.find(n.name)->version;
  if (target == "latest") {
    const ObservedNode& first = *obs.find(chosen.front()->nodes.front().name);
    auto latest = cat.latest(first.packages, main_package(first, cat));
    if (!latest)
      return make_error(latest.code() == catalog::CatalogErrc::kAlreadyAtTarget
                            ? PlanningErrc::kAlreadyAtTarget
                            : PlanningErrc::kBadTarget,
                        "latest: " + latest.message());
    target = *latest;
  }
  plan.target_version = target;

  for (const auto* c : chosen) {
    const Strategy* strategy =
        rq.strategy.empty() ? default_strategy(*c, obs) : find_strategy(rq.strategy);
    if (!strategy) {
      std::string names;
      for (const Strategy* s : all_strategies())
        if (s->fits(c->kind)) names += (names.empty() ? "" : ", ") + std::string(s->name());
      return make_error(PlanningErrc::kNoStrategy,
                        "cluster " + c->name + " (" + c->kind + "): " +
                            (rq.strategy.empty() ? "no strategy for this kind yet"
                                                 : "no strategy '" + rq.strategy + "'") +
                            (names.empty() ? "" : "; strategies for it: " + names));
    }
    if (!strategy->fits(c->kind))
      return make_error(
          PlanningErrc::kNoStrategy,
          "cluster " + c->name + ": strategy " + strategy->name() + " does not fit a " + c->kind);

    const bool migration = c->kind == "migration";
    // Its own checks first: a spare that cannot take the old box's backup is refused before the
    // catalog is asked for a path (a newer spare would read as a downgrade).
    if (migration)
      if (auto m = check_migration(*c, obs, target); !m) return m.error();
    bool all_there = !migration;  // the old box always runs the target: nothing to compare
    for (const auto& n : c->nodes) all_there = all_there && obs.find(n.name)->version == target;
    if (all_there)
      return make_error(
          PlanningErrc::kAlreadyAtTarget,
          "cluster " + c->name + " already runs " + target + " on every node; nothing to do");
    if (auto s = check_members_can_rejoin(*c, obs, target); !s) return s.error();
    if (auto s = check_load_balancer(*c); !s) return s.error();
    StrategyInput in{*c, obs, target, {}, {}, {}};
    if (c->kind == "failover-pair")
      if (auto s = check_pair(*c, obs, in.primary, in.backup); !s) return s.error();
    bool anything = false;
    for (const auto& n : c->nodes) {
      const ObservedNode& o = *obs.find(n.name);
      auto hops = cat.resolve(o.packages, main_package(o, cat), target);
      if (!hops) {
        if (hops.code() == catalog::CatalogErrc::kAlreadyAtTarget) {
          in.hops[n.name] = {};
          continue;
        }
        const auto code = hops.code() == catalog::CatalogErrc::kUnknownVersion ||
                                  hops.code() == catalog::CatalogErrc::kDowngrade
                              ? PlanningErrc::kBadTarget
                              : PlanningErrc::kNoPath;
        return make_error(code, "node " + n.name + ": " + hops.message());
      }
      in.hops[n.name] = *hops;
      anything = true;
    }
    if (!anything && !migration)
      return make_error(
          PlanningErrc::kAlreadyAtTarget,
          "cluster " + c->name + " already runs " + target + " on every node; nothing to do");
    for (const auto& n : c->nodes)
      if (in.hops[n.name].empty() && !migration)
        return make_error(
            PlanningErrc::kMismatch,
            "cluster " + c->name + ": " + n.name + " already runs " + target +
                " but its peers do not; finish or roll back the earlier upgrade first");
    PlanBuilder builder(plan, *c);
    for (const auto& n : c->nodes)
      if (n.air_gapped && !in.hops[n.name].empty()) {
        auto b = bundle_for(n, *obs.find(n.name), target, in.hops[n.name], rq);
        if (!b) return b.error();
        builder.use_bundle(n.name, **b, in.hops[n.name]);
      }
    if (auto s = strategy->build(builder, in); !s) return s.error();
    builder.finish();
    plan.clusters.push_back(c->name);
    plan.strategies.push_back(strategy->name());
    plan.policy[c->name] = to_json(policies.at(c->name));
  }
  for (const auto& [name, policy] : policies)
    if (auto s = check_against_plan(name, policy, plan); !s) return s.error();
  // A strategy's own bug, not the operator's input: said plainly, and nothing is planned.
  if (auto broken = install_before_backup(plan); !broken.empty()) {
    std::string strategies;
    for (const auto& s : plan.strategies) strategies += (strategies.empty() ? "" : ", ") + s;
    return make_error(PlanningErrc::kNoStrategy,
                      "the plan would install before the node's backup (" + broken +
                          "); this is a bug in strategy " + strategies + ", not in your input");
  }
  return plan;
}

}  // namespace hitless::plan
