// Benchmark: the DNS swing against a real knotd: from sending the signed RFC 2136 update to the
// first query that answers with the new address, and the update's own round trip. Alternates
// the record between two addresses. Prints figures; not pass/fail.
// Usage: dns_swing_bench [SWINGS]   (default 200; Knot stalls ~1 s about once in 200-400)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "lab/daemon/knot_server.hpp"
#include "net/dns_client.hpp"

using namespace hitless;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

void print_row(const char* what, const std::vector<double>& v) {
  std::printf("%-28s %8.2f %8.2f %8.2f %8.2f %8.2f\n", what, percentile(v, 0.0), percentile(v, 0.5),
              percentile(v, 0.9), percentile(v, 0.99), percentile(v, 1.0));
}

}  // namespace

int main(int argc, char** argv) {
  const int swings = argc > 1 ? std::stoi(argv[1]) : 200;
  const std::string dir = bench::temp_dir("dns-swing");
  lab::KnotOptions o;
  o.dir = dir + "/knot";
  o.key = lab::generate_tsig_key("bench-key");
  o.zones = {{"example.test", 5, {{"app.example.test", "127.0.0.1"}}}};
  auto started = Clock::now();
  auto knot = lab::KnotServer::start(o);
  if (!knot) {
    std::printf("knotd did not start: %s\n", knot.message().c_str());
    return 1;
  }
  std::printf("knotd answering after %.1f ms on %s\n", ms_since(started),
              (*knot)->server().str().c_str());
  std::vector<double> update_ms, visible_ms;
  int failed = 0;
  for (int i = 0; i < swings; ++i) {
    const std::string address = i % 2 ? "127.0.0.1" : "127.0.0.2";
    const auto t0 = Clock::now();
    auto r = net::replace_a_record((*knot)->server(), o.key, "example.test", "app.example.test", 5,
                                   address);
    if (!r) {
      ++failed;
      std::printf("swing %d failed: %s\n", i, r.message().c_str());
      continue;
    }
    update_ms.push_back(ms_since(t0));
    for (;;) {  // until a plain query answers with the new address
      auto q = net::query_a((*knot)->server(), "app.example.test");
      if (q && !q->addresses.empty() && q->addresses.front() == address) break;
    }
    visible_ms.push_back(ms_since(t0));
  }
  std::printf("%d swings, %d failed\n", swings, failed);
  std::printf("%-28s %8s %8s %8s %8s %8s\n", "ms", "min", "median", "p90", "p99", "max");
  print_row("update round trip", update_ms);
  print_row("update -> new address seen", visible_ms);
  (*knot)->stop();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return failed == 0 ? 0 : 1;
}
