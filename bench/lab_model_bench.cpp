// Benchmark (Google Benchmark): the lab's node model on the virtual clock — the cost of a full
// install + reboot cycle and of building a world of many pairs, i.e. what the simulator pays.
// Usage: lab_model_bench [--benchmark_...]   (worlds of 100 and 5000 pairs;
//        HITLESS_BENCH_SMALL=1: 100 pairs only, for CI)
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>

#include "catalog/package.hpp"
#include "catalog/signing.hpp"
#include "common/virtual_scheduler.hpp"
#include "lab/model/lab_world.hpp"

using namespace hitless;
using namespace hitless::lab;

namespace {

LabSpec pairs_spec(int pairs) {
  LabSpec spec;
  spec.name = "bench";
  for (int p = 0; p < pairs; ++p) {
    ClusterSpec c;
    c.name = "pair" + std::to_string(p);
    c.kind = ClusterKind::kFailoverPair;
    for (const char* role : {"primary", "backup"}) {
      NodeSpec n;
      n.name = std::string(role) + std::to_string(p);
      n.cluster = c.name;
      n.role = role;
      n.version = "7.1.0";
      n.data.size_mb = 100;
      c.nodes.push_back(n.name);
      spec.nodes.push_back(n);
    }
    spec.clusters.push_back(c);
  }
  return spec;
}

void BM_BuildWorld(benchmark::State& state) {
  const auto spec = pairs_spec(static_cast<int>(state.range(0)));
  const auto key = catalog::generate_signing_key();
  for (auto _ : state) {
    VirtualScheduler clock;
    LabWorld world(spec, clock, key.public_key_b64);
    benchmark::DoNotOptimize(world.nodes().size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0) * 2);
}

void BM_StageInstallReboot(benchmark::State& state) {
  const auto key = catalog::generate_signing_key();
  catalog::PackageManifest m{"product", "7.2.0", "product", {}, {}, 1800, 10};
  const std::string file = catalog::encode_package(m, std::string(4096, 'x'));
  const std::string sig =
      *catalog::sign_package(file, {"product", "7.2.0", {}}, key.secret_key_b64);
  const auto spec = pairs_spec(1);
  for (auto _ : state) {
    VirtualScheduler clock;
    LabWorld world(spec, clock, key.public_key_b64);
    Node& n = *world.find("primary0");
    // Seed 001: a failover pair member installs only outside its relation.
    if (!world.break_relation(n).ok() || !n.stage(file, sig).ok() ||
        !n.install("product-7.2.0", true).ok()) {
      state.SkipWithError("install refused");
      break;
    }
    clock.run_all();
    benchmark::DoNotOptimize(n.version());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const char* small = std::getenv("HITLESS_BENCH_SMALL");
  auto* build = benchmark::RegisterBenchmark("BM_BuildWorld", BM_BuildWorld)->Arg(100);
  if (!small || std::strcmp(small, "1") != 0) build->Arg(5000);
  build->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_StageInstallReboot", BM_StageInstallReboot)
      ->Unit(benchmark::kMicrosecond);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
