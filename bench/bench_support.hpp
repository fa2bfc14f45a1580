#pragma once
// Small helpers shared by the benchmarks: run the hitless binary, temp dirs, process memory.

#include <chrono>
#include <string>

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

}  // namespace hitless::bench
