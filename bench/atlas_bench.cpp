// Benchmark: an Atlas cluster (seed 001, S6: failover masters) of N traffic nodes in R regions.
//
// Always: planned and simulated (the real executor on a virtual clock against the lab model,
// clients arriving at every region): planning and simulation wall and CPU time, the simulated
// makespan and its ratio to the lower bound the half-per-region rule sets.
// With --execute, also executed against the lab: `hitless lab up` of the same cluster, `hitless
// plan`, then `hitless apply` as a child process while a probe per region holds one session per
// traffic node and sends requests; the makespan is the lab's model time the apply took.
//
// The lower bound is the seed's serial chain with every segment at its model duration and API
// calls and polling counted as zero:
//   distribute (package size / sync rate) + drain of the first half (session lifetime)
//   + install and reboot (first half, backup master alongside) + drain of the second half
//   + install and reboot (second half) + install and reboot of master A + final data sync.
// Every traffic node carries a session shortly before it is taken offline (the simulator's
// clients arrive at one per node per 20 s; the lab's probe holds one session per node), so
// each drain lasts about a session lifetime.
// Goal: makespan within 1.05x of the bound. Prints figures; exits non-zero only when a run did not
// complete.
// Usage: atlas_bench [--execute] [TRAFFIC_NODES [REGIONS [TIME_SCALE]]]
//        (default: 500 5 0.01; CI: atlas_bench --execute 20 4 0.005)
//        HITLESS_BENCH_KEEP=1 keeps the run's directory (journal, logs) after a success too.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "planner/atlas_world_fixture.hpp"
#include "planner/planner.hpp"
#include "probe/probe.hpp"
#include "simulator/simulator.hpp"

using namespace hitless;

namespace {

// Model durations shared by the simulated and the executed cluster.
constexpr double kInstallS = 1500, kRebootS = 180, kSizeMb = 400, kSyncMbPerS = 100, kDataMb = 500;
constexpr double kSimLifetimeS = 900;  // simulated sessions; drain timeout twice that
constexpr double kLabLifetimeS = 300;  // lab sessions: under the inventory's default drain timeout

double lower_bound_s(double lifetime_s) {
  const double node = kInstallS + kRebootS;
  return kSizeMb / kSyncMbPerS + lifetime_s + node + lifetime_s + node + node +
         kDataMb / kSyncMbPerS;
}

std::string region_of(int traffic_index, int regions) {
  return "r" + std::to_string(traffic_index % regions);
}

// The shared Atlas cluster (planner/atlas_world_fixture.hpp) with the bench's durations and
// traffic nodes dealt round-robin over the regions.
plan::fixture::AtlasWorld atlas_world(int traffic, int regions) {
  std::vector<std::pair<std::string, int>> counts;
  for (int r = 0; r < regions; ++r)
    counts.emplace_back(region_of(r, regions), traffic / regions + (r < traffic % regions));
  NodeProfile prof;
  prof.install_s = kInstallS;
  prof.reboot_s = kRebootS;
  prof.session_lifetime_s = kSimLifetimeS;
  prof.sync_mb_per_s = kSyncMbPerS;
  prof.data_mb = kDataMb;
  plan::fixture::AtlasWorld w(true, counts, prof, kInstallS, kSizeMb);
  w.policy().drain_timeout_s = 2 * kSimLifetimeS;
  return w;
}

bool plan_and_simulate(int traffic, int regions) {
  const plan::fixture::AtlasWorld w = atlas_world(traffic, regions);
  const plan::PlanRequest rq = w.request();
  auto t0 = std::chrono::steady_clock::now();
  double c0 = bench::own_cpu_s();
  auto p = plan::make_plan(rq);
  const double plan_wall = bench::seconds_since(t0), plan_cpu = bench::own_cpu_s() - c0;
  if (!p) {
    std::printf("make_plan failed: %s\n", p.message().c_str());
    return false;
  }
  sim::SimOptions o;
  o.clients_per_region_per_s = (static_cast<double>(traffic) / regions) / 20.0;
  t0 = std::chrono::steady_clock::now();
  c0 = bench::own_cpu_s();
  auto r = sim::simulate(*p, w.inv, w.cat, o);
  const double sim_wall = bench::seconds_since(t0), sim_cpu = bench::own_cpu_s() - c0;
  if (!r) {
    std::printf("simulate failed: %s\n", r.message().c_str());
    return false;
  }
  const double bound = lower_bound_s(kSimLifetimeS);
  int min_accepting = -1;
  long refused = 0, dropped = 0, served = 0;
  for (const auto& [region, f] : r->regions) {
    if (min_accepting < 0 || f.min_accepting < min_accepting) min_accepting = f.min_accepting;
    refused += f.clients_refused;
    dropped += f.sessions_dropped;
    served += f.clients_served;
  }
  std::printf("simulated (virtual clock, session lifetime %.0f s):\n", kSimLifetimeS);
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
  return r->outcome == "completed";
}

std::string lab_yaml(int traffic, int regions) {
  char head[512];
  std::snprintf(head, sizeof head, R"(lab: atlas-bench
defaults: {version: 23.1.2, install: %.0fs, reboot: %.0fs, session_lifetime: %.0fs, sync_rate_mb_s: %.0f, data: {size_mb: %.0f}}
repository:
  - {name: product, version: 23.2.1, kind: product, install: %.0fs, size_mb: %.0f}
clusters:
  - name: atlas
    kind: atlas
    ha: established
    nodes:
      - {name: master-a, role: master}
      - {name: master-b, role: backup-master}
)",
                kInstallS, kRebootS, kLabLifetimeS, kSyncMbPerS, kDataMb, kInstallS, kSizeMb);
  std::string y = head;
  for (int i = 0; i < traffic; ++i)
    y += "      - {name: t" + std::to_string(i) +
         ", role: traffic, region: " + region_of(i, regions) + "}\n";
  return y;
}

double lab_model_time(const std::string& run) {
  const auto j = nlohmann::json::parse(
      bench::run_hitless("lab inspect --dir " + run + " --format json").output, nullptr, false);
  return j.is_object() ? j.value("time", -1.0) : -1.0;
}

// The lab daemon's process id, from the pid file `lab up` writes (0 when unreadable).
int lab_daemon_pid(const std::string& run) {
  std::ifstream in(run + "/lab.pid");
  int pid = 0;
  in >> pid;
  return pid;
}

// Management API requests every node answered so far (the lab's own counters).
long management_calls(const std::string& run) {
  const auto j = nlohmann::json::parse(
      bench::run_hitless("lab inspect --dir " + run + " --format json").output, nullptr, false);
  long total = 0;
  if (j.is_object())
    for (const auto& n : j["nodes"]) total += n.value("management_requests", 0L);
  return total;
}

// One probe per region for the apply's duration: requests at 20/s and one session per traffic
// node, each reopened when the lab ends it. The sessions first open spread over one lifetime, as
// clients arrive over time: opened together they would all end together, and each drain would
// last until that common end (0 to a whole lifetime, by the luck of the run's phase) instead of
// about the lifetime the bound assumes.
struct RegionProbes {
  RegionProbes(const std::string& lab_json, int sessions_per_region, double spread_s) {
    std::ifstream in(lab_json);
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (!j.is_object()) return;
    for (const auto& [region, address] : j["clusters"]["atlas"]["regions"].items()) {
      probe::ProbeOptions base;
      base.duration_s = 24 * 3600;  // until stopped
      base.rate = 20;
      base.sessions = sessions_per_region;
      base.session_spread_s = spread_s;
      auto o = probe::parse_target(address.get<std::string>(), base);
      if (!o) continue;
      runs[region] = std::async(std::launch::async,
                                [this, opts = *o] { return probe::run_probe(opts, &stop); });
    }
  }
  std::map<std::string, probe::ProbeReport> finish() {
    stop = true;
    std::map<std::string, probe::ProbeReport> out;
    for (auto& [region, f] : runs) out[region] = f.get();
    return out;
  }
  std::atomic<bool> stop{false};
  std::map<std::string, std::future<probe::ProbeReport>> runs;
};

bool execute_against_lab(int traffic, int regions, const std::string& time_scale) {
  const std::string dir = bench::temp_dir("atlas");
  const std::string run = dir + "/lab";
  bench::write(dir + "/lab.yaml", lab_yaml(traffic, regions));
  bench::use_bench_backup_passphrase();
  std::printf("\nexecuted against the lab (time scale %s, session lifetime %.0f s) in %s\n",
              time_scale.c_str(), kLabLifetimeS, dir.c_str());
  auto t0 = std::chrono::steady_clock::now();
  auto up = bench::run_hitless("lab up " + dir + "/lab.yaml --dir " + run + " --time-scale " +
                               time_scale + " --start-timeout 600");
  const double up_s = bench::seconds_since(t0);
  if (up.exit_code != 0) {
    std::printf("lab up failed (%d): %s\n", up.exit_code, up.output.c_str());
    return false;
  }
  t0 = std::chrono::steady_clock::now();
  auto planned =
      bench::run_hitless("plan -i " + run + "/inventory.yaml --to 23.2.1 -o " + dir + "/plan.json");
  const double plan_s = bench::seconds_since(t0);
  bool ok = planned.exit_code == 0;
  if (!ok) std::printf("plan failed (%d): %s\n", planned.exit_code, planned.output.c_str());

  bench::Measured apply;
  std::map<std::string, probe::ProbeReport> seen;
  double makespan = -1, lab_cpu = -1;
  long calls = -1;
  if (ok) {
    RegionProbes probes(run + "/lab.json", (traffic + regions - 1) / regions,
                        kLabLifetimeS * std::stod(time_scale));
    const double m0 = lab_model_time(run);
    const int lab_pid = lab_daemon_pid(run);
    const double lab_cpu0 = bench::process_cpu_s(lab_pid);
    const long calls0 = management_calls(run);
    apply = bench::run_measured({"apply", dir + "/plan.json", "--auto-approve", "--quiet",
                                 "--journal", dir + "/journal.db"},
                                dir + "/apply.log");
    const double m1 = lab_model_time(run);
    lab_cpu = bench::process_cpu_s(lab_pid) - lab_cpu0;
    calls = management_calls(run) - calls0;
    seen = probes.finish();
    makespan = m0 >= 0 && m1 >= 0 ? m1 - m0 : -1;
    if (apply.exit_code != 0) {
      std::printf("apply exited %d; end of %s/apply.log:\n%s\n", apply.exit_code, dir.c_str(),
                  bench::tail_of(dir + "/apply.log").c_str());
      ok = false;
    }
  }
  int at_target = 0, nodes = 0;
  if (auto j = nlohmann::json::parse(
          bench::run_hitless("lab inspect --dir " + run + " --format json").output, nullptr, false);
      j.is_object())
    for (const auto& n : j["nodes"]) {
      ++nodes;
      at_target += n.value("version", "") == "23.2.1";
    }
  bench::run_hitless("lab down --dir " + run);

  const double bound = lower_bound_s(kLabLifetimeS);
  std::printf("%8s %7s %9s %9s %10s %9s %12s %10s %6s\n", "traffic", "regions", "lab up s",
              "plan s", "apply s", "apply CPU", "makespan s", "bound s", "ratio");
  std::printf("%8d %7d %9.1f %9.1f %10.1f %9.1f %12.0f %10.0f %6.3f\n", traffic, regions, up_s,
              plan_s, apply.wall_s, apply.cpu_s, makespan, bound,
              makespan > 0 ? makespan / bound : 0);
  // Orchestration overhead (API calls, polling, per-node steps) costs wall time, which the lab's
  // compressed clock multiplies by 1 / time scale. Were it a fixed wall cost, at the appliances'
  // real pace it would add only its wall seconds; it is not fixed when the orchestrator's CPU
  // grows with the run's wall time (polling): compare runs at two time scales.
  std::printf("lab daemon CPU during the apply: %.1f s; management API calls it answered: %ld\n",
              lab_cpu, calls);
  const double scale = std::stod(time_scale);
  if (makespan > 0) {
    const double overhead_wall = std::max(0.0, (makespan - bound) * scale);
    std::printf(
        "orchestration overhead: %.1f s wall (makespan - bound, times the time scale); were it a "
        "fixed wall cost, at time scale 1 the ratio would be %.3f (check at another time scale)\n",
        overhead_wall, (bound + overhead_wall) / bound);
  }
  std::printf("%-8s %9s %7s %9s %10s %13s\n", "region", "requests", "failed", "max gap", "sessions",
              "sess dropped");
  for (const auto& [region, r] : seen)
    std::printf("%-8s %9lu %7lu %7.0fms %10lu %13lu\n", region.c_str(),
                static_cast<unsigned long>(r.requests), static_cast<unsigned long>(r.failed),
                r.max_gap_ms, static_cast<unsigned long>(r.sessions_opened),
                static_cast<unsigned long>(r.sessions_dropped));
  std::printf("nodes at 23.2.1: %d / %d\n", at_target, nodes);
  ok = ok && at_target == traffic + 2 && nodes == traffic + 2;
  if (ok && !std::getenv("HITLESS_BENCH_KEEP"))
    std::filesystem::remove_all(dir);
  else
    std::printf("kept for a look: %s (apply.log, journal.db, lab/lab.log)\n", dir.c_str());
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const bool execute = !args.empty() && args.front() == "--execute";
  if (execute) args.erase(args.begin());
  const int traffic = !args.empty() ? std::stoi(args[0]) : 500;
  const int regions = args.size() > 1 ? std::stoi(args[1]) : 5;
  const std::string time_scale = args.size() > 2 ? args[2] : "0.01";
  bool ok = plan_and_simulate(traffic, regions);
  if (execute) ok = execute_against_lab(traffic, regions, time_scale) && ok;
  std::printf(
      "(goal: makespan within 1.05x of the bound; plan and simulate: one call each, one thread; "
      "apply: a child process, wall and CPU from wait4)\n");
  return ok ? 0 : 1;
}
