// Benchmark: one real `hitless apply` of N failover pairs (default 1000) on this machine. Starts a
// lab of N pairs (each with its own shared IP on 127.1.X.Y, short installs and reboots, little
// data), plans the upgrade to "latest" with `hitless plan`, then runs `hitless apply --auto-approve
// --quiet` as a child process and measures its wall time, peak RSS and CPU (wait4), and the lab
// daemon's CPU over the same time. Checks the outcome: the journal's run state and steps, and
// every node at the target, serving, in a relation, one shared-IP holder per pair (`lab
// inspect`). Prints figures; not pass/fail.
// With --plan-only it stops after the plan: lab up, `hitless plan` (observing every node), lab
// down. Usage: apply_bench [--plan-only] [PAIRS [TIME_SCALE]]   (default: 1000 0.02)
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "journal/journal.hpp"
#include "lab/daemon/lab_handle.hpp"

using namespace hitless;

namespace {

std::string lab_yaml(int pairs) {
  std::string y = R"(lab: apply-bench
defaults:
  version: 7.1.0
  installed: {base: "3.0"}
  install: 2m
  reboot: 30s
  data: {users: 2, settings: 5, recordings: 5, size_mb: 10}
repository:
  - {name: base, version: 3.1.0, kind: base, install: 1m, size_mb: 1}
  - {name: product, version: 7.2.0, kind: product, install: 2m, size_mb: 1, requires: ["base >= 3.1"], upgrade_from: ["7.1"]}
clusters:
)";
  for (int p = 0; p < pairs; ++p) {
    const std::string n = std::to_string(p);
    y += "  - name: pair" + n + "\n    kind: failover-pair\n    traffic: shared-ip\n";
    y += "    shared_ip: 127.1." + std::to_string(p / 250) + "." + std::to_string(p % 250 + 1) +
         "\n    nodes:\n";
    y += "      - {name: a" + n + ", role: primary, owns_shared_ip: true}\n";
    y += "      - {name: b" + n + ", role: backup}\n";
  }
  return y;
}

}  // namespace

int main(int argc, char** argv) {
  bench::use_bench_backup_passphrase();
  std::vector<std::string> args(argv + 1, argv + argc);
  const bool plan_only = !args.empty() && args.front() == "--plan-only";
  if (plan_only) args.erase(args.begin());
  const int pairs = !args.empty() ? std::stoi(args[0]) : 1000;
  const std::string time_scale = args.size() > 1 ? args[1] : "0.02";
  const std::string dir = bench::temp_dir("apply");
  const std::string run = dir + "/lab";
  bench::write(dir + "/lab.yaml", lab_yaml(pairs));
  std::printf("apply_bench: %d failover pairs (%d nodes), time scale %s, in %s\n", pairs, 2 * pairs,
              time_scale.c_str(), dir.c_str());

  auto t0 = std::chrono::steady_clock::now();
  auto up = bench::run_hitless("lab up " + dir + "/lab.yaml --dir " + run + " --time-scale " +
                               time_scale + " --start-timeout 600");
  const double up_s = bench::seconds_since(t0);
  if (up.exit_code != 0) {
    std::printf("lab up failed (%d): %s\n", up.exit_code, up.output.c_str());
    return 1;
  }
  auto lab = lab::LabHandle::open(run);
  const int daemon_pid = lab ? lab->pid() : 0;

  t0 = std::chrono::steady_clock::now();
  auto planned = bench::run_hitless("plan -i " + run +
                                    "/inventory.yaml --to latest --strategy asynchronous -o " +
                                    dir + "/plan.json");
  const double plan_s = bench::seconds_since(t0);
  int exit_code = 0;
  if (planned.exit_code != 0) {
    std::printf(
        "plan failed (%d): %s\n", planned.exit_code,
        planned.output.substr(planned.output.size() > 1500 ? planned.output.size() - 1500 : 0)
            .c_str());
    exit_code = 1;
  }
  if (plan_only) {
    bench::run_hitless("lab down --dir " + run);
    // Stage times, when HITLESS_TIMING is set in the environment (cli/stage_timer.hpp).
    std::istringstream lines(planned.output);
    for (std::string line; std::getline(lines, line);)
      if (line.rfind("hitless plan: ", 0) == 0) std::printf("%s\n", line.c_str());
    std::printf("\n%-34s %12s\n", "measure", "value");
    std::printf("%-34s %12.2f\n", "lab up (s)", up_s);
    std::printf("%-34s %12.2f   (goal at 5,000 pairs: 5 s)\n", "hitless plan, incl. observing (s)",
                plan_s);
    if (exit_code == 0) std::filesystem::remove_all(dir);
    return exit_code;
  }
  // Management API calls the appliances received during the apply (the orchestrator's load on
  // their management planes), from the lab's own counters before and after.
  auto management_calls = [&] {
    long total = 0;
    auto j = nlohmann::json::parse(
        bench::run_hitless("lab inspect --dir " + run + " --format json").output, nullptr, false);
    if (j.is_object())
      for (const auto& n : j["nodes"]) total += n.value("management_requests", 0L);
    return total;
  };
  const long calls_before = management_calls();
  bench::Measured apply;
  double daemon_cpu = -1;
  if (exit_code == 0) {
    const double d0 = bench::process_cpu_s(daemon_pid);
    apply = bench::run_measured({"apply", dir + "/plan.json", "--auto-approve", "--quiet",
                                 "--journal", dir + "/journal.db"},
                                dir + "/apply.log");
    daemon_cpu = bench::process_cpu_s(daemon_pid) - d0;
    if (apply.exit_code != 0) {
      std::printf("apply exited %d; end of %s/apply.log:\n%s\n", apply.exit_code, dir.c_str(),
                  bench::tail_of(dir + "/apply.log").c_str());
      exit_code = 1;
    }
  }

  const long calls_during_apply = management_calls() - calls_before;
  // The journal: run state and steps that succeeded.
  std::string run_state = "-";
  long steps_ok = 0, steps_total = 0;
  if (auto j = journal::SqliteJournal::open(dir + "/journal.db")) {
    run_state = (*j)->run().state;
    for (const auto& [id, rec] : (*j)->steps()) {
      ++steps_total;
      if (rec.state == journal::StepState::kSucceeded) ++steps_ok;
    }
  }
  // The lab: every node at the target, serving, in a relation; one shared-IP holder per pair.
  int at_target = 0, serving = 0, related = 0, nodes = 0;
  std::map<std::string, int> holders;
  double model_s = 0;
  auto inspect = bench::run_hitless("lab inspect --dir " + run + " --format json");
  if (auto j = nlohmann::json::parse(inspect.output, nullptr, false); j.is_object()) {
    model_s = j.value("time", 0.0);
    for (const auto& n : j["nodes"]) {
      ++nodes;
      at_target += n.value("version", "") == "7.2.0";
      serving += n.value("serving", false);
      related += n["ha"].value("role", "none") != "none";
      if (n.value("owns_shared_ip", false)) ++holders[n.value("cluster", "")];
    }
  }
  int one_holder = 0;
  for (const auto& [c, k] : holders) one_holder += k == 1;
  bench::run_hitless("lab down --dir " + run);

  std::printf("\n%-34s %12s\n", "measure", "value");
  std::printf("%-34s %12.2f\n", "lab up (s)", up_s);
  std::printf("%-34s %12.2f\n", "hitless plan, incl. observing (s)", plan_s);
  std::printf("%-34s %12.1f\n", "hitless apply wall (s)", apply.wall_s);
  std::printf("%-34s %12.1f\n", "apply peak RSS (MiB)", apply.max_rss_mb);
  std::printf("%-34s %12.1f\n", "apply CPU user+sys (s)", apply.cpu_s);
  std::printf("%-34s %12.1f\n", "lab daemon CPU during apply (s)", daemon_cpu);
  std::printf("%-34s %12.0f\n", "model time at the end (s)", model_s);
  std::printf("%-34s %12ld\n", "steps executed (succeeded)", steps_ok);
  std::printf("%-34s %12ld\n", "steps in the journal", steps_total);
  std::printf("%-34s %12.1f\n", "steps/s (wall)", apply.wall_s > 0 ? steps_ok / apply.wall_s : 0);
  std::printf("%-34s %12.3f\n", "apply CPU per step (ms)",
              steps_ok > 0 ? 1000 * apply.cpu_s / steps_ok : 0);
  std::printf("%-34s %12ld\n", "management API calls (apply)", calls_during_apply);
  std::printf("%-34s %12.1f\n", "management API calls per pair",
              pairs > 0 ? static_cast<double>(calls_during_apply) / pairs : 0);
  std::printf("%-34s %12s\n", "run state (journal)", run_state.c_str());
  std::printf("%-34s %6d / %-5d\n", "nodes at 7.2.0", at_target, nodes);
  std::printf("%-34s %6d / %-5d\n", "nodes serving", serving, nodes);
  std::printf("%-34s %6d / %-5d\n", "nodes in a failover relation", related, nodes);
  std::printf("%-34s %6d / %-5d\n", "pairs with one shared-IP holder", one_holder, pairs);
  std::printf(
      "(apply measured with fork+exec+wait4: wall, ru_maxrss, ru_utime+ru_stime; daemon CPU from "
      "/proc/PID/stat)\n");
  const bool ok = exit_code == 0 && run_state == "completed" && at_target == 2 * pairs &&
                  nodes == 2 * pairs && one_holder == pairs;
  std::printf("outcome: %s\n", ok ? "every node upgraded" : "NOT every node upgraded (see above)");
  if (ok)
    std::filesystem::remove_all(dir);
  else
    std::printf("kept for a look: %s (apply.log, journal.db, lab/lab.log)\n", dir.c_str());
  return ok ? 0 : 1;
}
