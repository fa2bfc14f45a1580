// Benchmark: requests per second the probe sustains against one emulated node, and how many of
// the requests due at the asked rate actually went out. Prints figures; not pass/fail.
// Usage: probe_bench [RATE ...]   (default: 1000 5000 20000)
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "bench_lab.hpp"
#include "probe/probe.hpp"

using namespace hitless;

int main(int argc, char** argv) {
  std::vector<double> rates;
  for (int i = 1; i < argc; ++i) rates.push_back(std::stod(argv[i]));
  if (rates.empty()) rates = {1000, 5000, 20000};
  bench::BenchLab lab("probe", R"(lab: probe-bench
clusters:
  - name: one
    kind: single
    nodes:
      - {name: n, role: standalone, version: 1.0.0}
)");
  if (!lab.ok()) {
    std::printf("%s\n", lab.error().c_str());
    return 1;
  }
  const double duration = 3;
  std::printf("%10s %10s %10s %12s %10s %12s\n", "asked/s", "due", "sent", "achieved/s", "failed",
              "max gap ms");
  for (double rate : rates) {
    probe::ProbeOptions base;
    base.duration_s = duration;
    base.rate = rate;
    base.request_timeout_s = 2;
    auto opts = probe::parse_target(lab.handle().service("one"), base);
    auto r = probe::run_probe(*opts);
    std::printf("%10.0f %10.0f %10llu %12.0f %10llu %12.1f\n", rate, rate * duration,
                static_cast<unsigned long long>(r.requests), r.requests / r.duration_s,
                static_cast<unsigned long long>(r.failed), r.max_gap_ms);
    std::fflush(stdout);
  }
  return 0;
}
