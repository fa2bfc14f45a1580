// Benchmark: an active/active cluster of N members behind the lab's HAProxy (seed 000, S2)
// upgraded for real under the probe: `hitless lab up`, `hitless plan` (default strategy, which
// is lb-rejoin for such a cluster) with capacity_floor and max_unavailable, `hitless apply`, the
// probe sending requests and holding sessions through HAProxy all along. Prints the makespan in
// model time (the lab's clock before and after the apply) against the lower bounds:
//  - the floor's: at most k = min(max_unavailable, N - floor) members out of service at a time,
//    each out for at least its install and reboot: ceil(N / k) rounds of (install + reboot);
//  - the floor's under seed 000's rule: a member is upgraded by the cluster's push, which starts
//    only when the first member completed its own install, so that first install stands alone:
//    (1 + ceil((N - 1) / k)) rounds. This is the bound an order can reach on these appliances.
// Drains, staging, health checks and API calls count as zero in both. Then the probe's failed
// requests and dropped sessions. Goals: makespan within 1.05x of the bound, 0 failed requests.
// Prints figures; exits non-zero only when the run itself fails (lab, plan or apply).
// Usage: lb_upgrade_bench [MEMBERS [TIME_SCALE]]   (default: 32 0.01; CI: lb_upgrade_bench 4 0.002)
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <string>

#include "bench_support.hpp"
#include "lab/daemon/lab_handle.hpp"
#include "probe/probe.hpp"

using namespace hitless;

namespace {

constexpr double kInstallS = 1200, kRebootS = 300;  // model seconds: 20 min and 5 min
constexpr double kSessionS = 20;                    // client sessions: drains wait for them

std::string lab_yaml(int members) {
  std::string y =
      "lab: lb-bench\n"
      "defaults: {version: 9.1R1, install: 20m, reboot: 5m, session_lifetime: 20s,\n"
      "           data: {users: 2, settings: 5, recordings: 5, size_mb: 10}}\n"
      "repository:\n"
      "  - {name: pulse, version: 9.1R3, kind: product, size_mb: 10}\n"
      "clusters:\n"
      "  - name: aa\n"
      "    kind: active-active\n"
      "    traffic: load-balancer\n"
      "    nodes:\n";
  for (int i = 1; i <= members; ++i)
    y += "      - {name: aa-" + std::to_string(i) + ", role: member}\n";
  return y;
}

double model_time(const std::string& run) {
  auto j = nlohmann::json::parse(
      bench::run_hitless("lab inspect --dir " + run + " --format json").output, nullptr, false);
  return j.is_object() ? j.value("time", 0.0) : 0.0;
}

}  // namespace

int main(int argc, char** argv) {
  bench::use_bench_backup_passphrase();
  const int members = argc > 1 ? std::stoi(argv[1]) : 32;
  const std::string time_scale = argc > 2 ? argv[2] : "0.01";
  // The floor: 75% of the members (50% for small clusters), the rest may be out at once.
  const int floor_percent = members >= 8 ? 75 : 50;
  const int floor = (floor_percent * members + 99) / 100;
  const int out_at_once = std::max(1, members - floor);
  const int rounds = (members + out_at_once - 1) / out_at_once;
  const double bound_s = rounds * (kInstallS + kRebootS);
  const int push_rounds = 1 + (members - 1 + out_at_once - 1) / out_at_once;
  const double push_bound_s = push_rounds * (kInstallS + kRebootS);

  const std::string dir = bench::temp_dir("lb");
  const std::string run = dir + "/lab";
  bench::write(dir + "/lab.yaml", lab_yaml(members));
  std::printf(
      "lb_upgrade_bench: %d members behind HAProxy, capacity_floor %d%% (%d), max_unavailable "
      "%d, time scale %s, in %s\n",
      members, floor_percent, floor, out_at_once, time_scale.c_str(), dir.c_str());

  auto t0 = std::chrono::steady_clock::now();
  auto up = bench::run_hitless("lab up " + dir + "/lab.yaml --dir " + run + " --time-scale " +
                               time_scale + " --start-timeout 300");
  const double up_s = bench::seconds_since(t0);
  if (up.exit_code != 0) {
    std::printf("lab up failed (%d): %s\n", up.exit_code, up.output.c_str());
    return 1;
  }
  auto lab = lab::LabHandle::open(run);
  if (!lab) {
    std::printf("%s\n", lab.message().c_str());
    return 1;
  }
  const std::string service = lab->service("aa");
  const std::string policy = " --policy capacity_floor=" + std::to_string(floor_percent) +
                             "% --policy max_unavailable=" + std::to_string(out_at_once);
  auto planned = bench::run_hitless("plan -i " + run + "/inventory.yaml --to 9.1R3" + policy +
                                    " -o " + dir + "/plan.json");
  if (planned.exit_code != 0) {
    std::printf("plan failed (%d): %s\n", planned.exit_code, planned.output.c_str());
    bench::run_hitless("lab down --dir " + run);
    return 1;
  }
  nlohmann::json strategy;
  {
    std::ifstream in(dir + "/plan.json");
    strategy = nlohmann::json::parse(in, nullptr, false);
  }

  // The probe through HAProxy: requests at 100/s and a session per member held open.
  probe::ProbeOptions base;
  base.duration_s = 3600;
  base.rate = 100;
  base.sessions = std::max(4, members / 4);
  base.session_lifetime_s = 0;  // the lab's lifetime (20 s model)
  auto target = probe::parse_target(service, base);
  if (!target) {
    std::printf("probe: %s\n", target.message().c_str());
    bench::run_hitless("lab down --dir " + run);
    return 1;
  }
  std::atomic<bool> stop{false};
  auto probe_run =
      std::async(std::launch::async, [&stop, o = *target] { return probe::run_probe(o, &stop); });

  const double model_before = model_time(run);
  t0 = std::chrono::steady_clock::now();
  auto applied = bench::run_hitless("apply " + dir + "/plan.json --auto-approve --quiet");
  const double apply_wall_s = bench::seconds_since(t0);
  const double model_after = model_time(run);
  stop = true;
  const probe::ProbeReport report = probe_run.get();

  int at_target = 0, serving = 0, nodes = 0;
  if (auto j = lab->inspect())
    for (const auto& n : (*j)["nodes"]) {
      ++nodes;
      at_target += n.value("version", "") == "9.1R3";
      serving += n.value("serving", false);
    }
  bench::run_hitless("lab down --dir " + run);

  const double makespan_s = model_after - model_before;
  std::printf("\n%-44s %12s\n", "measure", "value");
  std::printf("%-44s %12.2f\n", "lab up, 1 HAProxy + N members (s)", up_s);
  std::printf("%-44s %12s\n", "strategy (plan default)",
              strategy.is_object() && strategy.contains("strategies")
                  ? strategy["strategies"].dump().c_str()
                  : "?");
  std::printf("%-44s %12.1f\n", "apply wall (s)", apply_wall_s);
  std::printf("%-44s %12.0f\n", "makespan, model time (s)", makespan_s);
  std::printf("%-44s %12.0f   (%d rounds x (install %.0f + reboot %.0f))\n",
              "lower bound the floor allows (s)", bound_s, rounds, kInstallS, kRebootS);
  std::printf("%-44s %12.0f   (%d rounds: the first install alone, then pushes)\n",
              "  the same under seed 000's push (s)", push_bound_s, push_rounds);
  std::printf("%-44s %12.3f\n", "makespan / floor bound", makespan_s / bound_s);
  std::printf("%-44s %12.3f   (goal: within 1.05)\n", "makespan / bound under the push",
              makespan_s / push_bound_s);
  std::printf("%-44s %12llu\n", "probe requests", (unsigned long long)report.requests);
  std::printf("%-44s %12llu   (goal: 0)\n", "failed requests", (unsigned long long)report.failed);
  std::printf("%-44s %12.0f\n", "longest gap between successes (ms)", report.max_gap_ms);
  std::printf("%-44s %12llu\n", "sessions opened", (unsigned long long)report.sessions_opened);
  std::printf("%-44s %12llu\n", "sessions dropped", (unsigned long long)report.sessions_dropped);
  std::printf("%-44s %12zu\n", "members that answered", report.answered_by.size());
  std::printf("%-44s %6d / %-5d\n", "members at 9.1R3", at_target, nodes);
  std::printf("%-44s %6d / %-5d\n", "members serving", serving, nodes);
  if (report.failed > 0) std::printf("failures: %s\n", probe::to_text(report).c_str());
  const bool ok = applied.exit_code == 0 && at_target == members;
  if (!ok) {
    std::printf(
        "apply exited %d: %s\nkept for a look: %s\n", applied.exit_code,
        applied.output.substr(applied.output.size() > 2000 ? applied.output.size() - 2000 : 0)
            .c_str(),
        dir.c_str());
    return 1;
  }
  std::filesystem::remove_all(dir);
  return 0;
}
