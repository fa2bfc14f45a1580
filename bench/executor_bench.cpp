// Benchmark: the executor's own CPU cost per plan step. The real Executor runs an asynchronous
// plan for N failover pairs on a VirtualScheduler against the lab's node model through
// SimDrivers with zero latency (installs and reboots still take model time; on the virtual clock
// that costs nothing but the gate polls every 5 model seconds, as a real run polls). Measured:
// process CPU (getrusage, user + system) from start to outcome, divided by the steps executed,
// with a MemoryJournal and with a SqliteJournal in a temp file (WAL, synchronous=FULL: its fsync
// waits show in wall time, not CPU). For comparison, sim::simulate on the same plan (0.2 s
// latency, plus its downtime recorder). Prints figures; not pass/fail. Goal: under 1 ms per step.
// Usage: executor_bench [PAIRS ...]   (default: 1 100 1000)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "catalog/signing.hpp"
#include "common/virtual_scheduler.hpp"
#include "executor/executor.hpp"
#include "journal/journal.hpp"
#include "journal/memory_journal.hpp"
#include "lab/model/lab_world.hpp"
#include "pair_world.hpp"
#include "planner/planner.hpp"
#include "simulator/sim_drivers.hpp"
#include "simulator/simulator.hpp"

using namespace hitless;

namespace {

double cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// The lab world that reproduces the observed pairs, as simulator.cpp builds it for a plan.
lab::LabSpec world_spec(const bench::PairWorld& w, std::map<std::string, std::string>& vips) {
  lab::LabSpec spec;
  spec.name = "executor-bench";
  for (const auto& p : w.catalog.packages()) {
    lab::PackageSpec ps;
    ps.name = p.manifest.name;
    ps.version = p.manifest.version;
    ps.kind = p.manifest.kind == "base" ? lab::PackageKind::kBase : lab::PackageKind::kProduct;
    for (const auto& r : p.manifest.requires_) ps.requires_.push_back({r.package, r.min_version});
    ps.upgrade_from = p.manifest.upgrade_from;
    ps.install_s = p.manifest.install_s;
    ps.size_mb = p.manifest.size_mb;
    spec.repository.push_back(ps);
  }
  for (const auto& c : w.inventory.clusters) {
    lab::ClusterSpec cs;
    cs.name = c.name;
    cs.kind = lab::ClusterKind::kFailoverPair;
    cs.traffic = lab::TrafficSteering::kSharedIp;
    cs.ha_established = true;
    vips[c.name] = c.service;
    for (const auto& n : c.nodes) {
      const ObservedNode& o = *w.observed.find(n.name);
      lab::NodeSpec ns;
      ns.name = n.name;
      ns.cluster = c.name;
      ns.role = n.role;
      ns.version = o.version;
      ns.installed = {{"base", o.packages.at("base")}};
      ns.owns_shared_ip = o.shared_ip_enabled;
      ns.inter_appliance_key = "bench";
      ns.install_s = n.profile.install_s;
      ns.reboot_s = n.profile.reboot_s;
      ns.boot_timeout_s = n.profile.boot_timeout_s;
      ns.sync_mb_per_s = n.profile.sync_mb_per_s;
      ns.data.size_mb = n.profile.data_mb;
      cs.nodes.push_back(n.name);
      spec.nodes.push_back(ns);
    }
    spec.clusters.push_back(cs);
  }
  return spec;
}

// Counts what the executor asks of the drivers, then passes it on.
class CountingDrivers final : public drivers::ApplianceDriver,
                              public drivers::PowerDriver,
                              public drivers::ServiceProbe {
 public:
  explicit CountingDrivers(sim::SimDrivers& inner) : inner_(inner) {}
  void observe(const std::string& node, drivers::Callback<ObservedNode> done) override {
    ++observes;
    inner_.observe(node, std::move(done));
  }
  void perform(const std::string& node, const drivers::Action& a,
               drivers::Callback<nlohmann::json> done) override {
    ++performs;
    inner_.perform(node, a, std::move(done));
  }
  void set_power(const std::string& node, bool on, drivers::Callback<Unit> done) override {
    inner_.set_power(node, on, std::move(done));
  }
  void who_answers(const std::string& cluster, drivers::Callback<std::string> done) override {
    ++observes;
    inner_.who_answers(cluster, std::move(done));
  }
  long observes = 0, performs = 0;

 private:
  sim::SimDrivers& inner_;
};

class StepCounter final : public exec::ProgressSink {
 public:
  void step_finished(const plan::Step&, journal::StepState st, const std::string&,
                     double) override {
    ++finished;
    if (st == journal::StepState::kSucceeded) ++succeeded;
  }
  long finished = 0, succeeded = 0;
};

struct Figures {
  std::string outcome;
  long steps = 0, observes = 0, performs = 0;
  double cpu_s = 0, wall_s = 0, model_s = 0;
};

// Runs the plan with the real executor; `sqlite_path` empty: MemoryJournal.
Figures run_executor(const bench::PairWorld& w, const plan::Plan& plan,
                     const std::string& sqlite_path) {
  VirtualScheduler clock;
  std::map<std::string, std::string> vips;
  const auto key = catalog::generate_signing_key();
  lab::LabWorld world(world_spec(w, vips), clock, key.public_key_b64, vips);
  sim::SimDrivers sim_drivers(world, w.catalog, key.secret_key_b64, /*latency_s=*/0);
  CountingDrivers drivers(sim_drivers);
  std::unique_ptr<journal::Journal> journal;
  const std::string hash = plan::plan_hash(plan);
  if (sqlite_path.empty()) {
    journal = std::make_unique<journal::MemoryJournal>(hash);
  } else {
    auto j = journal::SqliteJournal::create(sqlite_path, plan::to_json(plan).dump(), hash);
    if (!j) return Figures{"journal: " + j.message()};
    journal = std::move(*j);
  }
  StepCounter counter;
  exec::ExecutorOptions eo;
  eo.auto_approve = true;
  // Waiting as a real run at time scale 0.02 does: looks aimed at each step's estimate within the
  // reaction bound (0.9 s of wall time = 45 model s), never more often than every 5 model s.
  eo.poll_interval_s = 5;
  eo.reaction_s = exec::default_reaction_s(0.02);
  exec::Executor executor(plan, &w.catalog, clock, drivers::Drivers{&drivers, &drivers, &drivers},
                          *journal, eo, &counter);
  Figures f;
  bool finished = false;
  const double cpu0 = cpu_s();
  const auto t0 = std::chrono::steady_clock::now();
  executor.start([&](const exec::RunOutcome& o) {
    finished = true;
    f.outcome = o.state;
  });
  while (!finished && !clock.idle()) clock.run_until(clock.now() + 3600);
  f.cpu_s = cpu_s() - cpu0;
  f.wall_s = bench::seconds_since(t0);
  f.model_s = clock.now();
  f.steps = counter.finished;
  f.observes = drivers.observes;
  f.performs = drivers.performs;
  if (!finished) f.outcome = "unfinished";
  return f;
}

Figures run_simulate(const bench::PairWorld& w, const plan::Plan& plan) {
  Figures f;
  const double cpu0 = cpu_s();
  const auto t0 = std::chrono::steady_clock::now();
  auto r = sim::simulate(plan, w.inventory, w.catalog);
  f.cpu_s = cpu_s() - cpu0;
  f.wall_s = bench::seconds_since(t0);
  if (!r) return Figures{"simulate: " + r.message()};
  f.outcome = r->outcome;
  f.model_s = r->makespan_s;
  f.steps = static_cast<long>(r->steps.size());
  f.observes = f.performs = -1;
  return f;
}

void print(int pairs, const char* what, const Figures& f) {
  constexpr double kGoalUs =
      360;  // 1,000 times below Ansible's 0.36 s of CPU per task (notes/real-components.md)
  const double steps = f.steps > 0 ? static_cast<double>(f.steps) : 1;
  const double calls = static_cast<double>(f.observes + f.performs);
  std::printf("%6d %-23s %-10s %7ld %8.2f %8.2f %11.0f %8.0f %11.1f %10.1f %11.1f %8.1f\n", pairs,
              what, f.outcome.c_str(), f.steps, f.cpu_s, f.wall_s, f.cpu_s * 1e6 / steps, kGoalUs,
              f.observes >= 0 ? f.observes / steps : -1.0,
              f.performs >= 0 ? f.performs / steps : -1.0, calls > 0 ? f.cpu_s * 1e6 / calls : -1.0,
              f.model_s / 3600);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::stoi(argv[i]));
  if (sizes.empty()) sizes = {1, 100, 1000};
  std::printf("%6s %-23s %-10s %7s %8s %8s %11s %8s %11s %10s %11s %8s\n", "pairs", "run",
              "outcome", "steps", "CPU s", "wall s", "CPU us/step", "goal us", "observe/step",
              "action/step", "CPU us/call", "model h");
  for (int pairs : sizes) {
    const bench::PairWorld w = bench::make_pair_world(pairs);
    plan::PlanRequest rq;
    rq.inventory = &w.inventory;
    rq.observed = &w.observed;
    rq.catalog = &w.catalog;
    rq.target = "latest";
    rq.strategy = "asynchronous";
    auto plan = plan::make_plan(rq);
    if (!plan) {
      std::printf("%6d make_plan failed: %s\n", pairs, plan.message().c_str());
      continue;
    }
    print(pairs, "executor, MemoryJournal", run_executor(w, *plan, ""));
    const std::string dir = bench::temp_dir("executor");
    print(pairs, "executor, SqliteJournal", run_executor(w, *plan, dir + "/journal.db"));
    std::filesystem::remove_all(dir);
    print(pairs, "sim::simulate", run_simulate(w, *plan));
  }
  std::printf(
      "(CPU: getrusage user+system of this process from executor start to its outcome, world and "
      "plan built before;\n"
      " observe/step, action/step: driver calls per step (looks aimed at the estimate within a 45 "
      "model s reaction bound);\n"
      " CPU us/call: the same CPU divided by observe + action calls; model h: virtual time at the "
      "end;\n"
      " SqliteJournal file in %s; sim::simulate uses 0.2 s driver latency and records downtime per "
      "node change)\n",
      std::filesystem::temp_directory_path().c_str());
  return 0;
}
