// Benchmark: the command driver's cost per command, against Ansible's 0.36 s CPU per `uri` task
// measured on this machine (shared/notes/real-components.md section 6). Two figures:
//   runner:   /bin/true through the asynchronous process runner (spawn, pipes, exit) alone;
//   lab-rest: a node's `status` through the lab-rest profile (curl to a lab node's API, JSON
//             read into an observed node), the same work as one Ansible uri task.
// CPU counts hitless and every child (getrusage SELF + CHILDREN). Prints figures; not pass/fail.
// Usage: command_bench [COMMANDS] [CONCURRENCY ...]   (default: 200, then 1 8 32)
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <functional>
#include <vector>

#include "bench_lab.hpp"
#include "bench_support.hpp"
#include "drivers/command/command_driver.hpp"
#include "net/process_runner.hpp"

using namespace hitless;

namespace {

double cpu_s() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage u{};
    getrusage(who, &u);
    total +=
        u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
  }
  return total;
}

// Runs `commands` calls of `one` with at most `concurrency` in flight; prints the figures.
void measure(const char* what, int commands, int concurrency,
             const std::function<void(std::function<void(bool)>)>& one,
             boost::asio::io_context& io) {
  int started = 0, finished = 0, failed = 0;
  std::function<void()> next = [&] {
    if (started >= commands) return;
    ++started;
    one([&](bool ok) {
      ++finished;
      failed += ok ? 0 : 1;
      next();
    });
  };
  const double cpu0 = cpu_s();
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < concurrency; ++i) next();
  io.run();
  io.restart();
  const double wall = bench::seconds_since(t0), cpu = cpu_s() - cpu0;
  std::printf("%-9s %8d %6d %10.0f %14.2f %18.0fx %7d\n", what, finished, concurrency,
              finished / wall, 1000 * cpu / finished, 0.36 / (cpu / finished), failed);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const int commands = argc > 1 ? std::stoi(argv[1]) : 200;
  std::vector<int> concurrency;
  for (int i = 2; i < argc; ++i) concurrency.push_back(std::stoi(argv[i]));
  if (concurrency.empty()) concurrency = {1, 8, 32};

  bench::BenchLab lab("command", R"(lab: command-bench
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
  auto access = lab.handle().node("n");
  if (!access) {
    std::printf("lab: %s\n", access.message().c_str());
    return 1;
  }
  const std::string address = access->host + ":" + std::to_string(access->port);
  auto inv = parse_inventory_text(R"(inventory: bench
repository: {dir: repo, public_key_file: repo/k.pub}
clusters:
  - name: one
    kind: single
    traffic: {kind: none}
    nodes:
      - {name: n, role: standalone, driver: command, vendor_profile: )" HITLESS_PROFILES_DIR
                                  R"(/lab-rest.yaml, address: )" +
                                      address + R"(, token_file: secrets/n.token}
)",
                                  lab.run_dir() + "/inventory-command.yaml", lab.run_dir());
  if (!inv) {
    std::printf("inventory: %s\n", inv.message().c_str());
    return 1;
  }
  boost::asio::io_context io;
  net::ProcessRunner runner(io);
  auto driver = drivers::CommandApplianceDriver::create(io, *inv);
  if (!driver) {
    std::printf("driver: %s\n", driver.message().c_str());
    return 1;
  }
  std::printf("%-9s %8s %6s %10s %14s %19s %7s\n", "what", "commands", "conc", "per s",
              "CPU ms/command", "vs Ansible 0.36 s", "failed");
  for (int c : concurrency) {
    measure(
        "runner", commands, c,
        [&](std::function<void(bool)> done) {
          runner.run({{"/bin/true"}, "", 10, 1 << 20},
                     [done](net::ProcessResult r) { done(r.exit_code == 0); });
        },
        io);
    measure(
        "lab-rest", commands, c,
        [&](std::function<void(bool)> done) {
          (*driver)->observe("n",
                             [done](Result<ObservedNode, drivers::DriverErrc> r) { done(r.ok()); });
        },
        io);
  }
  return 0;
}
