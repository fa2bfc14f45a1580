// Seed 000 (Pulse Secure SA cluster): "Step 5: Upgrading or Downgrading the Appliance" and the
// Active/Passive scenario, step for step.
#include "planner/cluster_push_strategy.hpp"

#include <algorithm>

#include "model/version.hpp"

namespace hitless::plan {
namespace {

constexpr const char* kClusterPushSeed = "000 Junos Pulse Secure Access Cluster";

bool newer(const std::string& a, const std::string& b) {
  auto va = Version::parse(a);
  auto vb = Version::parse(b);
  return va && vb && *vb < *va;
}

bool disabled(const ObservedNode& n) { return n.membership == "disabled"; }

std::string revision_of(const catalog::CatalogPackage& pkg) { return pkg.digest.substr(0, 12); }

// Model seconds a member needs to receive the package from the initiator (seed 000: staging it
// beforehand saves this).
double push_seconds(const catalog::CatalogPackage& pkg, const InventoryNode& n) {
  return pkg.manifest.size_mb / std::max(0.001, n.profile.sync_mb_per_s);
}

// The push upgrades every other enabled member at once: only the initiator serves meanwhile.
// A policy that needs more than that is refused here, with the figure, rather than claimed.
Status<PlanningErrc> check_push_capacity(const InventoryCluster& c, int enabled) {
  const int serving = 1;
  const int out = enabled - 1;
  const Policy& p = c.policy;
  const int floor = capacity_floor_count(p, enabled);
  if (floor > serving)
    return make_error(PlanningErrc::kBadPolicy,
                      "cluster " + c.name + ": the seed 000 push upgrades every other member at " +
                          "once, leaving " + std::to_string(serving) + " of " +
                          std::to_string(enabled) + " members serving, below capacity_floor " +
                          to_string(*p.capacity_floor) + " (" + std::to_string(floor) +
                          " members); lower the floor or disable members before the upgrade so " +
                          "the cluster upgrades them on re-join");
  if (out > p.max_unavailable)
    return make_error(PlanningErrc::kBadPolicy,
                      "cluster " + c.name + ": the seed 000 push takes " + std::to_string(out) +
                          " of " + std::to_string(enabled) +
                          " members out of service at once, more than max_unavailable " +
                          std::to_string(p.max_unavailable) +
                          "; raise max_unavailable or disable members before the upgrade");
  return Unit{};
}

}  // namespace

Status<PlanningErrc> check_members_can_rejoin(const InventoryCluster& c, const ObservedState& obs,
                                              const std::string& target) {
  if (c.kind != "active-passive" && c.kind != "active-active") return Unit{};
  for (const auto& n : c.nodes) {
    const ObservedNode* o = obs.find(n.name);
    if (!o || !disabled(*o) || !newer(o->version, target)) continue;
    return make_error(
        PlanningErrc::kMismatch,
        "cluster " + c.name + " cannot continue: Cannot enable " + n.name + ": it runs " +
            o->version + ", a higher version than the cluster " + c.name + " runs (" + target +
            "). Roll back or downgrade the node to " + target +
            " or lower before re-enabling it or joining it to the cluster (seed 000)");
  }
  return Unit{};
}

Status<PlanningErrc> ClusterPushStrategy::build(PlanBuilder& b, const StrategyInput& in) const {
  const InventoryCluster& c = in.cluster;
  const bool ap = c.kind == "active-passive";
  std::vector<std::string> enabled, rejoin;
  std::string vip_owner;
  for (const auto& n : c.nodes) {
    const ObservedNode& o = *in.observed.find(n.name);
    (disabled(o) ? rejoin : enabled).push_back(n.name);
    if (!disabled(o) && o.shared_ip_enabled) vip_owner = n.name;
  }
  if (enabled.empty())
    return make_error(PlanningErrc::kMismatch,
                      "cluster " + c.name + ": every member is disabled; enable one first");
  if (ap && vip_owner.empty())
    return make_error(PlanningErrc::kMismatch,
                      "cluster " + c.name + ": no enabled member holds the VIP; check " +
                          "Clustering > Status and give it to one member first");
  // Seed 000, Active/Passive: "upgrade the passive node first" (the node that does NOT own the
  // VIP). Active/active: the first enabled member.
  std::string initiator = enabled.front();
  if (ap)
    for (const auto& n : enabled)
      if (n != vip_owner) {
        initiator = n;
        break;
      }
  for (const auto& n : enabled)
    if (in.hops.at(n).size() != 1)
      return make_error(PlanningErrc::kNoPath,
                        "cluster " + c.name + ": " + n + " needs " +
                            std::to_string(in.hops.at(n).size()) + " packages to reach " +
                            in.target_version +
                            "; the seed 000 push installs one service package: upgrade to an " +
                            "intermediate release first");
  if (auto s = check_push_capacity(c, static_cast<int>(enabled.size())); !s) return s;
  const catalog::CatalogPackage& pkg = *in.hops.at(initiator).front();
  const std::string rev = revision_of(pkg);

  std::vector<std::string> others;
  for (const auto& n : enabled)
    if (n != initiator) others.push_back(n);
  std::string others_text;
  for (const auto& n : others) others_text += (others_text.empty() ? "" : ", ") + n;
  b.begin_phase(ap ? "upgrade the passive node " + initiator + "; it pushes to " + others_text +
                         " and the VIP fails over to it"
                   : "upgrade " + initiator + "; it pushes to " + others_text);
  b.note("cluster " + c.name + ": while " + initiator + " pushes " + pkg.id() + ", 1 of " +
         std::to_string(enabled.size()) + " enabled members serves (" + initiator + ")");

  std::vector<Condition> healthy;
  for (const auto& n : enabled) healthy.push_back({Cond::kServing, n, ""});
  if (ap) healthy.push_back({Cond::kOwnsSharedIp, vip_owner, ""});
  std::vector<std::string> all;
  for (const auto& n : c.nodes) all.push_back(n.name);
  add_clock_checks(healthy, all);
  b.check(all, healthy, std::string(kClusterPushSeed) + " > Clustering > Status");

  std::vector<std::function<void()>> backups;
  for (const auto& n : enabled)
    backups.push_back([&b, n] {
      b.backup(n, std::string(kClusterPushSeed) + " > Step 3: Creating Backup Files (" + n + ")");
    });
  b.parallel(backups);

  // Staging on every node lets each upgrade at once instead of waiting for the push; the
  // revision hitless installs wins over a different one staged before.
  std::vector<std::function<void()>> stages;
  for (const auto& n : enabled) {
    const ObservedNode& o = *in.observed.find(n);
    auto held = o.staged_revisions.find(pkg.id());
    if (held != o.staged_revisions.end() && held->second == rev) {
      b.note(n + ": " + pkg.id() + " revision " + rev + " already staged; not uploaded again");
      continue;
    }
    if (held != o.staged_revisions.end())
      b.note(n + ": staged revision " + held->second + " of " + pkg.id() +
             " will be replaced by revision " + rev +
             " (seed 000: the initiating node's revision "
             "overwrites a different one)");
    stages.push_back([&b, n, &pkg] {
      b.stage(n, pkg, std::string(kClusterPushSeed) + " > Step 5.b: Manage Staged Service Package");
    });
  }
  b.parallel(stages);

  std::vector<Condition> rest_serving;
  for (const auto& n : others) rest_serving.push_back({Cond::kServing, n, ""});
  if (ap) rest_serving.push_back({Cond::kOwnsSharedIp, vip_owner, ""});
  b.install(initiator, pkg, true, rest_serving,
            std::string(kClusterPushSeed) +
                (ap ? " > Active/Passive scenario: upgrade the passive node first"
                    : " > Step 5.a: Install Service Package"));
  if (!others.empty()) {
    // Every enabled member holds the initiator's revision by now (staged above): nothing to push
    // over the network, each installs at once.
    b.cluster_push(initiator, others, pkg, 0, ap,
                   std::string(kClusterPushSeed) +
                       (ap ? " > Active/Passive scenario: the passive node pushes the service "
                             "package to the active node and the VIP fails over"
                           : " > Step 5: the upgraded node pushes the service package"));
  }
  for (const auto& n : rejoin) {
    const ObservedNode& o = *in.observed.find(n);
    const bool older = newer(in.target_version, o.version);
    auto held = o.staged_revisions.find(pkg.id());
    if (older && held != o.staged_revisions.end() && held->second != rev)
      b.note(n + ": staged revision " + held->second + " of " + pkg.id() +
             " will be replaced by the cluster's revision " + rev + " when it re-joins");
    b.enable_member(n, in.target_version, older ? &pkg : nullptr,
                    older ? push_seconds(pkg, *c.find(n)) : 0,
                    std::string(kClusterPushSeed) +
                        " > Step 5: disabled nodes are upgraded by the cluster when re-enabled");
  }
  if (ap && c.policy.failback)
    b.take_vip(initiator, vip_owner,
               std::string(kClusterPushSeed) +
                   " > Active/Passive scenario: a manual failover gives the " +
                   "active node the VIP again (policy failback)");
  for (const auto& n : all)
    b.verify(n, in.target_version,
             std::string(kClusterPushSeed) + " > verify the cluster runs the release");
  return Unit{};
}

}  // namespace hitless::plan
