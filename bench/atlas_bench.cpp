// Benchmark: an Atlas cluster (seed 001, S6: failover masters) of N traffic nodes in R regions,
// planned and simulated (the real executor on a virtual clock against the lab model, clients
// arriving at every region). Prints planning and simulation wall and CPU time, the simulated
// makespan and its ratio to the lower bound the half-per-region rule sets: the seed's serial
// chain with every segment at its model duration and API calls and polling counted as zero:
//   distribute (package size / sync rate) + drain of the first half (session lifetime)
//   + install and reboot (first half, backup master alongside) + drain of the second half
//   + install and reboot (second half) + install and reboot of master A + final data sync.
// Clients arrive at each region at one per traffic node per 20 s, so every node has a session
// shortly before it is taken offline and each drain lasts about a session lifetime.
// Goal: makespan within 1.05x of the bound. Prints figures; not pass/fail.
// Usage: atlas_bench [TRAFFIC_NODES [REGIONS]]   (default: 500 5; CI: atlas_bench 20 4)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "bench_support.hpp"
#include "planner/planner.hpp"
#include "simulator/simulator.hpp"

using namespace hitless;

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

constexpr double kInstallS = 1500, kRebootS = 180, kLifetimeS = 900, kSizeMb = 400,
                 kSyncMbPerS = 100, kDataMb = 500;

struct AtlasWorld {
  Inventory inv;
  ObservedState obs;
  catalog::Catalog cat = catalog::Catalog::from_manifests({
      {"product", "23.2.1", "product", {}, {}, kInstallS, kSizeMb},
  });
  AtlasWorld(int traffic, int regions) {
    inv.name = "bench";
    inv.file = "inventory.yaml";
    InventoryCluster c;
    c.name = "atlas";
    c.kind = "atlas";
    c.traffic_kind = "none";
    c.policy.drain_timeout_s = 2 * kLifetimeS;
    NodeProfile prof;
    prof.install_s = kInstallS;
    prof.reboot_s = kRebootS;
    prof.session_lifetime_s = kLifetimeS;
    prof.sync_mb_per_s = kSyncMbPerS;
    prof.data_mb = kDataMb;
    int line = 1;
    auto add = [&](const std::string& n, const std::string& role, const std::string& region,
                   const std::string& ha) {
      c.nodes.push_back(
          InventoryNode{n, role, region, "", "", "lab", "127.0.0.1:1", "t", {}, prof, line++, ""});
      ObservedNode o;
      o.name = n;
      o.reachable = true;
      o.version = "23.1.2";
      o.packages = {{"product", "23.1.2"}};
      o.serving = o.accepting = o.powered = true;
      o.ha_role = ha;
      obs.nodes[n] = o;
    };
    add("master-a", "master", "", "primary");
    add("master-b", "backup-master", "", "backup");
    for (int i = 0; i < traffic; ++i)
      add("t" + std::to_string(i), "traffic", "r" + std::to_string(i % regions), "none");
    inv.clusters = {c};
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int traffic = argc > 1 ? std::stoi(argv[1]) : 500;
  const int regions = argc > 2 ? std::stoi(argv[2]) : 5;
  AtlasWorld w(traffic, regions);
  plan::PlanRequest rq;
  rq.inventory = &w.inv;
  rq.observed = &w.obs;
  rq.catalog = &w.cat;
  rq.target = "23.2.1";
  auto t0 = std::chrono::steady_clock::now();
  double c0 = cpu_seconds();
  auto p = plan::make_plan(rq);
  const double plan_wall = bench::seconds_since(t0), plan_cpu = cpu_seconds() - c0;
  if (!p) {
    std::printf("make_plan failed: %s\n", p.message().c_str());
    return 1;
  }
  sim::SimOptions o;
  o.clients_per_region_per_s = (static_cast<double>(traffic) / regions) / 20.0;
  t0 = std::chrono::steady_clock::now();
  c0 = cpu_seconds();
  auto r = sim::simulate(*p, w.inv, w.cat, o);
  const double sim_wall = bench::seconds_since(t0), sim_cpu = cpu_seconds() - c0;
  if (!r) {
    std::printf("simulate failed: %s\n", r.message().c_str());
    return 1;
  }
  const double bound = kSizeMb / kSyncMbPerS + kLifetimeS + (kInstallS + kRebootS) + kLifetimeS +
                       (kInstallS + kRebootS) + (kInstallS + kRebootS) + kDataMb / kSyncMbPerS;
  int min_accepting = -1;
  long refused = 0, dropped = 0, served = 0;
  for (const auto& [region, f] : r->regions) {
    if (min_accepting < 0 || f.min_accepting < min_accepting) min_accepting = f.min_accepting;
    refused += f.clients_refused;
    dropped += f.sessions_dropped;
    served += f.clients_served;
  }
  std::printf("%8s %7s %6s %13s %12s %12s %11s %12s %10s %6s\n", "traffic", "regions", "steps",
              "plan wall ms", "plan CPU ms", "sim wall ms", "sim CPU ms", "makespan s", "bound s",
              "ratio");
  std::printf("%8d %7d %6zu %13.1f %12.1f %12.1f %11.1f %12.0f %10.0f %6.3f\n", traffic, regions,
              p->steps.size(), plan_wall * 1000, plan_cpu * 1000, sim_wall * 1000, sim_cpu * 1000,
              r->makespan_s, bound, r->makespan_s / bound);
  std::printf(
      "outcome %s; clients served %ld, refused %ld, sessions dropped %ld; fewest accepting "
      "traffic nodes in any region at any time: %d\n",
      r->outcome.c_str(), served, refused, dropped, min_accepting);
  std::printf(
      "(goal: makespan within 1.05x of the bound; wall and CPU of one make_plan and one "
      "simulate call, one thread)\n");
  return r->outcome == "completed" ? 0 : 1;
}
