#pragma once
// StageTimer: when the environment sets HITLESS_TIMING, a command prints to stderr how long each of
// its stages took (steady clock), to find where the time of a large run goes. Otherwise silent.

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace hitless::cli {

class StageTimer {
 public:
  explicit StageTimer(const char* command)
      : command_(command), on_(std::getenv("HITLESS_TIMING") != nullptr) {}
  void mark(const char* stage) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "hitless %s: %-10s %8.3f s\n", command_, stage,
                 std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  const char* command_;
  bool on_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace hitless::cli
