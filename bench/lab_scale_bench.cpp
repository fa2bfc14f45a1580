// Benchmark: how many emulated nodes one lab process holds, how long `hitless lab up` takes for
// them, and the memory each node costs. Prints figures; not a pass/fail test.
// Usage: lab_scale_bench [NODES ...]   (default: 2 1000 10000)
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_lab.hpp"
#include "bench_support.hpp"

using namespace hitless;

namespace {

std::string lab_yaml(int nodes) {
  std::string y = R"(lab: scale
defaults:
  version: 7.1.0
  installed: {base: "3.0"}
  inter_appliance_key: k
  data: {users: 5, settings: 10, recordings: 20, size_mb: 1000}
repository:
  - {name: base, version: 3.1.0, kind: base, install: 10m}
  - {name: product, version: 7.2.0, kind: product, install: 25m, requires: ["base >= 3.1"]}
clusters:
)";
  for (int p = 0; p < nodes / 2; ++p) {
    y += "  - name: pair" + std::to_string(p) + "\n    kind: failover-pair\n    nodes:\n";
    y += "      - {name: a" + std::to_string(p) + ", role: primary}\n";
    y += "      - {name: b" + std::to_string(p) + ", role: backup}\n";
  }
  return y;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::stoi(argv[i]));
  if (sizes.empty()) sizes = {2, 1000, 10000};
  std::printf("%8s %12s %14s %16s %18s\n", "nodes", "lab up (s)", "daemon RSS MB", "KiB per node",
              "inspect (ms)");
  double base_rss_kb = 0;
  int base_nodes = 0;
  for (int n : sizes) {
    bench::BenchLab lab("scale", lab_yaml(n), "--start-timeout 600");
    const double up_s = lab.up_seconds();
    if (!lab.ok()) {
      std::printf("%8d  %s\n", n, lab.error().c_str());
      continue;
    }
    const double rss_kb = bench::rss_kb(lab.handle().pid());
    const auto t1 = std::chrono::steady_clock::now();
    auto j = lab.handle().inspect();
    const double inspect_ms = bench::seconds_since(t1) * 1000;
    if (base_nodes == 0) {
      base_rss_kb = rss_kb;
      base_nodes = n;
    }
    const double per_node = n > base_nodes ? (rss_kb - base_rss_kb) / (n - base_nodes) : 0;
    std::printf("%8d %12.2f %14.1f %16.1f %18.1f\n", n, up_s, rss_kb / 1024, per_node, inspect_ms);
    std::fflush(stdout);
  }
  std::printf("(KiB per node: RSS growth over the smallest lab, divided by the extra nodes)\n");
  return 0;
}
