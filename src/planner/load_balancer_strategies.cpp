// Seed 000, "Active/Active scenario" and "Step 5: Upgrading or Downgrading the Appliance", with
// the load balancer's drain in front of every member that leaves service.
#include "planner/load_balancer_strategies.hpp"

#include <algorithm>

namespace hitless::plan {
namespace {

constexpr const char* kLoadBalancerSeed = "000 Junos Pulse Secure Access Cluster";

std::string seed_ref(const std::string& what) {
  return std::string(kLoadBalancerSeed) + " > " + what;
}

}  // namespace

Status<PlanningErrc> check_load_balancer(const InventoryCluster& c) {
  if (c.kind != "active-active" || c.traffic_kind == "load-balancer") return Unit{};
  return make_error(PlanningErrc::kMismatch,
                    "cluster " + c.name +
                        " is active/active but has no load balancer (traffic: " + c.traffic_kind +
                        "): nothing could drain a member before it leaves service; put it behind "
                        "HAProxy (traffic: {kind: load-balancer, runtime_socket, backend})");
}

namespace {

struct Members {
  std::vector<std::string> enabled, disabled, all;
  bool membership = false;  // the members report seed 000 membership (the cluster pushes)
};

Members members_of(const StrategyInput& in) {
  Members m;
  for (const auto& n : in.cluster.nodes) {
    const ObservedNode& o = *in.observed.find(n.name);
    (o.membership == "disabled" ? m.disabled : m.enabled).push_back(n.name);
    m.membership = m.membership || !o.membership.empty();
    m.all.push_back(n.name);
  }
  return m;
}

std::string names(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& n : v) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Checked first: the balancer answers and knows every member; then backups and staging on all.
Status<PlanningErrc> prepare(PlanBuilder& b, const StrategyInput& in, const Members& m) {
  std::vector<Condition> healthy;
  for (const auto& n : m.enabled) healthy.push_back({Cond::kServing, n, ""});
  add_clock_checks(healthy, m.all);
  b.check(m.all, healthy, seed_ref("Clustering > Status"));
  b.lb_check(m.all, seed_ref("Active/Active scenario: a load balancer with health check"));
  std::vector<std::function<void()>> backups, stages;
  for (const auto& n : m.enabled)
    backups.push_back(
        [&b, n] { b.backup(n, seed_ref("Step 3: Creating Backup Files (" + n + ")")); });
  b.parallel(backups);
  for (const auto& n : m.all) {
    const auto& hops = in.hops.at(n);
    if (hops.size() != 1)
      return make_error(PlanningErrc::kNoPath, "cluster " + in.cluster.name + ": " + n + " needs " +
                                                   std::to_string(hops.size()) +
                                                   " packages to reach " + in.target_version +
                                                   "; upgrade to an intermediate release first");
    stages.push_back([&b, n, &hops] {
      b.stage(n, *hops.front(), seed_ref("Step 5.b: Manage Staged Service Package"));
    });
  }
  b.parallel(stages);
  return Unit{};
}

// Drain and maintenance for a batch (all in parallel), each member's sessions ending first.
void take_out(PlanBuilder& b, const std::vector<std::string>& batch) {
  std::vector<std::function<void()>> branches;
  for (const auto& n : batch)
    branches.push_back([&b, n] {
      b.lb_drain(n, seed_ref("Active/Active scenario: the load balancer sends traffic to the other "
                             "nodes"));
      b.lb_maint(n, seed_ref("Active/Active scenario: the node becomes unresponsive"));
    });
  b.parallel(branches);
}

// The balancer's own check sees each member up, then it takes new sessions again.
void bring_back(PlanBuilder& b, const std::vector<std::string>& batch) {
  std::vector<std::function<void()>> branches;
  for (const auto& n : batch)
    branches.push_back([&b, n] {
      b.lb_health(n, seed_ref("Active/Active scenario: a load balancer with health check"));
      b.lb_ready(n, seed_ref("Active/Active scenario: traffic returns once the upgrade completed"));
    });
  b.parallel(branches);
}

std::vector<std::vector<std::string>> batches(const std::vector<std::string>& v, int size) {
  std::vector<std::vector<std::string>> out;
  for (std::size_t i = 0; i < v.size(); i += static_cast<std::size_t>(size))
    out.emplace_back(v.begin() + static_cast<long>(i),
                     v.begin() + static_cast<long>(std::min(v.size(), i + size)));
  return out;
}

}  // namespace

RejoinShape rejoin_shape(const Policy& policy, int members) {
  const int floor = capacity_floor_count(policy, members);
  RejoinShape r;
  r.batch = std::max(1, std::min(policy.max_unavailable, members - floor));
  r.serving = members - r.batch;
  return r;
}

Status<PlanningErrc> LbRejoinStrategy::build(PlanBuilder& b, const StrategyInput& in) const {
  const InventoryCluster& c = in.cluster;
  if (auto s = check_load_balancer(c); !s) return s;
  Members m = members_of(in);
  if (m.enabled.empty())
    return make_error(PlanningErrc::kMismatch,
                      "cluster " + c.name + ": every member is disabled; enable one first");
  const int n = static_cast<int>(m.enabled.size());
  const RejoinShape shape = rejoin_shape(c.policy, n);
  b.begin_phase("upgrade " + c.name + " behind its load balancer, " + std::to_string(shape.batch) +
                " member(s) at a time");
  b.note("cluster " + c.name + ": this order keeps " + std::to_string(shape.serving) + " of " +
         std::to_string(n) + " members serving (" + std::to_string(shape.batch) +
         " out at a time); the seed's order (lb-push) would leave 1 of " + std::to_string(n) +
         " serving during the push");
  if (auto s = prepare(b, in, m); !s) return s;

  const auto groups = batches(m.enabled, shape.batch);
  if (!m.membership) {
    // No cluster push: each batch is installed member by member.
    for (const auto& batch : groups) {
      take_out(b, batch);
      std::vector<std::function<void()>> installs;
      for (const auto& node : batch)
        installs.push_back([&b, &in, node] {
          b.install(node, *in.hops.at(node).front(), true, {},
                    seed_ref("Step 5.a: Install Service Package"));
        });
      b.parallel(installs);
      bring_back(b, batch);
    }
  } else {
    // The core is upgraded by one install and its push; the others must not receive it yet.
    const auto& core = groups.front();
    const std::vector<std::string> rest(m.enabled.begin() + static_cast<long>(core.size()),
                                        m.enabled.end());
    if (!rest.empty()) {
      b.note("cluster " + c.name + ": " + names(rest) +
             " are disabled first so the push does not reach them; each is upgraded by the "
             "cluster when re-enabled");
      std::vector<std::function<void()>> disables;
      for (const auto& node : rest)
        disables.push_back([&b, node] {
          b.disable_member(node,
                           seed_ref("Step 5: disable nodes, upgrade the cluster, re-enable them"));
        });
      b.parallel(disables);
    }
    take_out(b, core);
    const auto& pkg = *in.hops.at(core.front()).front();
    b.install(core.front(), pkg, true, {}, seed_ref("Step 5.a: Install Service Package"));
    if (core.size() > 1)
      b.cluster_push(core.front(), {core.begin() + 1, core.end()}, pkg, 0, false,
                     seed_ref("Step 5: the upgraded node pushes the service package"));
    bring_back(b, core);
    for (const auto& batch : batches(rest, shape.batch)) {
      take_out(b, batch);
      std::vector<std::function<void()>> enables;
      for (const auto& node : batch)
        enables.push_back([&b, &in, &pkg, node] {
          b.enable_member(
              node, in.target_version, &pkg, 0,
              seed_ref("Step 5: disabled nodes are upgraded by the cluster when re-enabled"));
        });
      b.parallel(enables);
      bring_back(b, batch);
    }
  }
  // Members disabled before the run re-join last, one batch at a time like the others.
  for (const auto& batch : batches(m.disabled, shape.batch)) {
    std::vector<std::function<void()>> enables;
    for (const auto& node : batch)
      enables.push_back([&b, &in, node] {
        b.enable_member(
            node, in.target_version, in.hops.at(node).front(), 0,
            seed_ref("Step 5: disabled nodes are upgraded by the cluster when re-enabled"));
      });
    b.parallel(enables);
    bring_back(b, batch);
  }
  for (const auto& node : m.all) b.verify(node, in.target_version, seed_ref("verify the release"));
  return Unit{};
}

Status<PlanningErrc> LbPushStrategy::build(PlanBuilder& b, const StrategyInput& in) const {
  const InventoryCluster& c = in.cluster;
  if (auto s = check_load_balancer(c); !s) return s;
  Members m = members_of(in);
  if (!m.disabled.empty())
    return make_error(PlanningErrc::kMismatch,
                      "cluster " + c.name + ": " + names(m.disabled) +
                          " disabled; the seed's order upgrades enabled members only: use "
                          "--strategy lb-rejoin");
  const int n = static_cast<int>(m.enabled.size());
  const int floor = capacity_floor_count(c.policy, n);
  if (floor > 1)
    return make_error(PlanningErrc::kBadPolicy,
                      "cluster " + c.name + ": the seed's order (lb-push) leaves 1 of " +
                          std::to_string(n) + " members serving during the push, below " +
                          "capacity_floor " + to_string(*c.policy.capacity_floor) + " (" +
                          std::to_string(floor) + " members); --strategy lb-rejoin keeps " +
                          std::to_string(rejoin_shape(c.policy, n).serving) + " of " +
                          std::to_string(n) + " serving, or lower the floor");
  if (n - 1 > c.policy.max_unavailable)
    return make_error(PlanningErrc::kBadPolicy,
                      "cluster " + c.name + ": the seed's order (lb-push) takes " +
                          std::to_string(n - 1) + " of " + std::to_string(n) +
                          " members out of service at once, more than max_unavailable " +
                          std::to_string(c.policy.max_unavailable) +
                          "; raise max_unavailable or use --strategy lb-rejoin");
  const std::string& first = m.enabled.front();
  const std::vector<std::string> others(m.enabled.begin() + 1, m.enabled.end());
  b.begin_phase("upgrade " + first + "; its push upgrades " + names(others));
  b.note("cluster " + c.name + ": during the push 1 of " + std::to_string(n) + " members serves (" +
         first + ")");
  if (auto s = prepare(b, in, m); !s) return s;
  take_out(b, {first});
  const auto& pkg = *in.hops.at(first).front();
  b.install(first, pkg, true, {}, seed_ref("Active/Active scenario: upgrade the initial device"));
  bring_back(b, {first});
  if (!others.empty())
    b.cluster_push(
        first, others, pkg, 0, false,
        seed_ref("Active/Active scenario: the initial device pushes the package; the load "
                 "balancer sends traffic to it until the others completed"));
  for (const auto& node : m.all) b.verify(node, in.target_version, seed_ref("verify the release"));
  return Unit{};
}

}  // namespace hitless::plan
