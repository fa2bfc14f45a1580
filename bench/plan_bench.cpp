// Benchmark: the planner at scale. One make_plan call for N failover pairs (asynchronous
// strategy, target "latest"), then the plan's canonical JSON (to_json, which hashes it), its text
// as `hitless plan -o` writes it (dump(2)), and reading that text back as `apply` does.
// Prints figures; not pass/fail. Goal: 10,000 pairs (20,000 nodes) planned in under 1 s.
// Usage: plan_bench [PAIRS ...]   (default: 1000 10000)
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
  constexpr double kGoalMs = 1000;
  std::printf("%7s %7s %7s %13s %7s %12s %11s %10s %12s\n", "pairs", "nodes", "steps", "make_plan ms", "goal ms",
              "to_json ms", "dump(2) ms", "JSON MB", "re-read ms");
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
      if (p) plan = std::move(*p);
      else error = p.message();
    });
    if (!plan) {
      std::printf("%7d  make_plan failed: %s\n", pairs, error.c_str());
      continue;
    }
    nlohmann::json j;
    const double json_ms = best_ms(runs, [&] { j = plan::to_json(*plan); });
    std::string text;
    const double dump_ms = best_ms(runs, [&] { text = j.dump(2); });
    bool reread_ok = true;
    const double reread_ms = best_ms(runs, [&] { reread_ok = plan::plan_from_json_text(text, "plan.json").ok(); });
    std::printf("%7d %7d %7zu %13.1f %7.0f %12.1f %11.1f %10.2f %12.1f%s\n", pairs, 2 * pairs, plan->steps.size(), plan_ms,
                kGoalMs, json_ms, dump_ms, text.size() / 1e6, reread_ms, reread_ok ? "" : "  (re-read FAILED)");
    std::fflush(stdout);
  }
  std::printf("(wall time, best of 3-5 runs, one thread; to_json includes the plan and observed-state hashes;\n"
              " dump(2) is the text `hitless plan -o` writes; re-read is plan_from_json_text as `apply` loads it)\n");
  return 0;
}
