// Benchmark: how close `hitless simulate`'s downtime is to the downtime clients see when the same
// plan is applied to the lab. For each strategy on the demo's failover pair (examples/pair.yaml:
// a shared IP, Base then product, each installed and rebooted): `lab up`, `simulate --format
// json` (downtime_s), `plan`, then `apply` under the probe at 500 requests/s. The measured figure
// is the probe's outage (stretches that start at a failed request and end at the next success,
// so a stalled client does not count), converted to model seconds with the lab's time scale.
// Prints predicted, measured and their ratio per run; not pass/fail (the e2e test only checks the
// outage is the primary's installs and reboots, not the simulator's accuracy). Goal: within 10%.
// Usage: downtime_bench [RUNS [TIME_SCALE]]   (default: 3 0.001; CI: downtime_bench 1)
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <string>

#include "bench_support.hpp"
#include "lab/daemon/lab_handle.hpp"
#include "probe/probe.hpp"

using namespace hitless;

namespace {

struct Figures {
  bool ok = false;
  double predicted_s = 0, measured_s = 0;  // model seconds
  double max_outage_ms = 0;                // wall
  unsigned long long failed = 0;
  std::string error;
};

Figures one_run(const std::string& strategy, double time_scale) {
  Figures f;
  const std::string dir = bench::temp_dir("downtime");
  const std::string run = dir + "/lab";
  auto up = bench::run_hitless("lab up " HITLESS_EXAMPLES_DIR "/pair.yaml --dir " + run +
                               " --time-scale " + std::to_string(time_scale));
  if (up.exit_code != 0) {
    f.error = "lab up: " + up.output;
    return f;
  }
  const std::string inventory = run + "/inventory.yaml";
  auto sim = bench::run_hitless("simulate -i " + inventory + " --to 7.2.0 --strategy " + strategy +
                                " --format json");
  auto sim_json = nlohmann::json::parse(sim.output, nullptr, false);
  auto planned = bench::run_hitless("plan -i " + inventory + " --to 7.2.0 --strategy " + strategy +
                                    " -o " + dir + "/plan.json");
  auto lab = lab::LabHandle::open(run);
  if (sim.exit_code != 0 || !sim_json.is_object() || planned.exit_code != 0 || !lab) {
    f.error = "simulate/plan: " + sim.output + planned.output;
    bench::run_hitless("lab down --dir " + run);
    return f;
  }
  f.predicted_s = sim_json.value("downtime_s", 0.0);

  probe::ProbeOptions base;
  base.duration_s = 3600;
  base.rate = 500;
  auto target = probe::parse_target(lab->service("pair"), base);
  if (!target) {
    f.error = target.message();
    bench::run_hitless("lab down --dir " + run);
    return f;
  }
  std::atomic<bool> stop{false};
  auto probe_run =
      std::async(std::launch::async, [&stop, o = *target] { return probe::run_probe(o, &stop); });
  auto applied = bench::run_hitless(
      "apply " + dir + "/plan.json --auto-approve --quiet --journal " + dir + "/journal.db");
  stop = true;
  const probe::ProbeReport report = probe_run.get();
  bench::run_hitless("lab down --dir " + run);
  if (applied.exit_code != 0) {
    f.error = "apply: " + applied.output;
    return f;
  }
  f.measured_s = report.outage_ms / 1000 / time_scale;
  f.max_outage_ms = report.max_outage_ms;
  f.failed = report.failed;
  f.ok = true;
  std::filesystem::remove_all(dir);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  bench::use_bench_backup_passphrase();
  const int runs = argc > 1 ? std::stoi(argv[1]) : 3;
  const double time_scale = argc > 2 ? std::stod(argv[2]) : 0.001;
  std::printf("downtime_bench: failover pair, %d run(s) per strategy, time scale %g\n", runs,
              time_scale);
  std::printf("\n%-14s %4s %14s %14s %8s %16s %8s\n", "strategy", "run", "predicted (s)",
              "measured (s)", "ratio", "longest (ms wall)", "failed");
  bool all_ok = true;
  for (const char* strategy : {"synchronous", "asynchronous"}) {
    for (int i = 1; i <= runs; ++i) {
      const Figures f = one_run(strategy, time_scale);
      if (!f.ok) {
        std::printf("%-14s %4d failed: %s\n", strategy, i, f.error.c_str());
        all_ok = false;
        continue;
      }
      std::printf("%-14s %4d %14.1f %14.1f %8.3f %16.0f %8llu\n", strategy, i, f.predicted_s,
                  f.measured_s, f.predicted_s > 0 ? f.measured_s / f.predicted_s : 0.0,
                  f.max_outage_ms, f.failed);
    }
  }
  std::printf(
      "\nratio = measured / predicted (goal: within 10%% for the synchronous strategy, "
      "whose downtime is the primary's installs and reboots)\n");
  return all_ok ? 0 : 1;
}
