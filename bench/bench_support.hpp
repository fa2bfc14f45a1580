#pragma once
// Small helpers shared by the benchmarks: run the hitless binary, temp dirs, process memory.

#include <chrono>
#include <string>
#include <vector>

namespace hitless::bench {

struct Run {
  int exit_code = -1;
  std::string output;
};
Run run_hitless(const std::string& args);
std::string temp_dir(const std::string& tag);
void write(const std::string& path, const std::string& text);
double seconds_since(std::chrono::steady_clock::time_point t0);
// Resident set size of a process in KiB (VmRSS), 0 if unknown.
double rss_kb(int pid);

// A child run of the hitless binary measured by wait4: wall, CPU (user + system), peak RSS.
struct Measured {
  int exit_code = -1;
  double wall_s = 0, cpu_s = 0, max_rss_mb = 0;
};
// fork + exec of hitless with `args`, stdout and stderr to the file `log`.
Measured run_measured(const std::vector<std::string>& args, const std::string& log);
// User + system CPU seconds of another process (/proc/PID/stat), -1 if unknown.
double process_cpu_s(int pid);
// The last `bytes` of a file (a log's end for a failure message).
std::string tail_of(const std::string& path, std::size_t bytes = 1500);
// `hitless apply` seals configuration backups with a passphrase and refuses to start without
// one: a bench-only passphrase in the environment unless one is already set there.
void use_bench_backup_passphrase();
// CPU seconds (user + system) of this process so far.
double own_cpu_s();

}  // namespace hitless::bench
