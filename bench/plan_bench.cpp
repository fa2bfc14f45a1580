// Benchmark: the planner at scale. One make_plan call for N failover pairs (asynchronous
// strategy, target "latest"), then writing the plan file's text as `hitless plan -o` does
// (to_file_text, which hashes it) and reading that text back as `apply` does
// (plan_from_json_text: parse, sort, re-hash). Prints figures; not pass/fail.
// Goals: 10,000 pairs (20,000 nodes) planned in under 1 s; written and read back in under 2 s.
// Usage: plan_bench [PAIRS ...]   (default: 1000 10000; e.g. `plan_bench 100` for CI)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "pair_world.hpp"
#include "planner/planner.hpp"

using namespace hitless;

namespace {

// Best of `runs` wall times of fn(), in ms.
template <class Fn>
double best_ms(int runs, Fn&& fn) {
  double best = 1e300;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    best = std::min(best, bench::seconds_since(t0) * 1000);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::stoi(argv[i]));
  if (sizes.empty()) sizes = {1000, 10000};
  constexpr double kPlanGoalMs = 1000, kFileGoalMs = 2000;
  std::printf("%7s %7s %7s %13s %9s %10s %9s %13s %9s\n", "pairs", "nodes", "steps", "make_plan ms",
              "write ms", "JSON MB", "read ms", "write+read ms", "goal ms");
  for (int pairs : sizes) {
    const bench::PairWorld w = bench::make_pair_world(pairs);
    plan::PlanRequest rq;
    rq.inventory = &w.inventory;
    rq.observed = &w.observed;
    rq.catalog = &w.catalog;
    rq.target = "latest";
    rq.strategy = "asynchronous";
    const int runs = pairs >= 5000 ? 3 : 5;
    std::optional<plan::Plan> plan;
    std::string error;
    const double plan_ms = best_ms(runs, [&] {
      auto p = plan::make_plan(rq);
      if (p)
        plan = std::move(*p);
      else
        error = p.message();
    });
    if (!plan) {
      std::printf("%7d  make_plan failed: %s\n", pairs, error.c_str());
      continue;
    }
    std::string text;
    const double write_ms = best_ms(runs, [&] { text = plan::to_file_text(*plan); });
    bool read_ok = true;
    double read_ms = 1e300;  // until the plan is returned; freeing it afterwards is not counted
    for (int i = 0; i < runs; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      auto back = plan::plan_from_json_text(text, "plan.json");
      read_ms = std::min(read_ms, bench::seconds_since(t0) * 1000);
      read_ok = back.ok();
    }
    std::printf("%7d %7d %7zu %13.1f %9.1f %10.2f %9.1f %13.1f %9.0f%s\n", pairs, 2 * pairs,
                plan->steps.size(), plan_ms, write_ms, text.size() / 1e6, read_ms,
                write_ms + read_ms, kFileGoalMs, read_ok ? "" : "  (read FAILED)");
    std::fflush(stdout);
  }
  std::printf(
      "(wall time, best of 3-5 runs, one thread; goals: make_plan %.0f ms, write+read %.0f ms at "
      "10,000 pairs;\n"
      " write is to_file_text(plan), the text `hitless plan -o` writes, hashes included; read is\n"
      " plan_from_json_text as `apply` loads it, hash check included, until the plan is "
      "returned)\n",
      kPlanGoalMs, kFileGoalMs);
  return 0;
}
