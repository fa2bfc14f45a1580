// Benchmark: requests per second the probe sustains against one emulated node, and how many of
// the requests due at the asked rate actually went out. Prints figures; not pass/fail.
// Usage: probe_bench [RATE ...]   (default: 1000 5000 20000)
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "bench_support.hpp"
#include "lab/daemon/lab_handle.hpp"
#include "probe/probe.hpp"

using namespace hitless;

int main(int argc, char** argv) {
  std::vector<double> rates;
  for (int i = 1; i < argc; ++i) rates.push_back(std::stod(argv[i]));
  if (rates.empty()) rates = {1000, 5000, 20000};
  const std::string dir = bench::temp_dir("probe");
  bench::write(dir + "/lab.yaml", R"(lab: probe-bench
clusters:
  - name: one
    kind: single
    nodes:
      - {name: n, role: standalone, version: 1.0.0}
)");
  auto up = bench::run_hitless("lab up " + dir + "/lab.yaml --dir " + dir + "/run");
  if (up.exit_code != 0) {
    std::printf("lab up failed: %s\n", up.output.c_str());
    return 1;
  }
  auto lab = lab::LabHandle::open(dir + "/run");
  const double duration = 3;
  std::printf("%10s %10s %10s %12s %10s %12s\n", "asked/s", "due", "sent", "achieved/s", "failed",
              "max gap ms");
  for (double rate : rates) {
    probe::ProbeOptions base;
    base.duration_s = duration;
    base.rate = rate;
    base.request_timeout_s = 2;
    auto opts = probe::parse_target(lab->service("one"), base);
    auto r = probe::run_probe(*opts);
    std::printf("%10.0f %10.0f %10llu %12.0f %10llu %12.1f\n", rate, rate * duration,
                static_cast<unsigned long long>(r.requests), r.requests / r.duration_s,
                static_cast<unsigned long long>(r.failed), r.max_gap_ms);
    std::fflush(stdout);
  }
  bench::run_hitless("lab down --dir " + dir + "/run");
  return 0;
}
