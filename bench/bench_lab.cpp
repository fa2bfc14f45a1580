#include "bench_lab.hpp"

#include <chrono>
#include <filesystem>

#include "bench_support.hpp"

namespace hitless::bench {

BenchLab::BenchLab(const std::string& tag, const std::string& lab_yaml, const std::string& up_args)
    : dir_(temp_dir(tag)) {
  write(dir_ + "/lab.yaml", lab_yaml);
  const auto t0 = std::chrono::steady_clock::now();
  auto up = run_hitless("lab up " + dir_ + "/lab.yaml --dir " + run_dir() + " " + up_args);
  up_s_ = seconds_since(t0);
  started_ = up.exit_code == 0;
  if (!started_) {
    error_ = "lab up failed (" + std::to_string(up.exit_code) + "): " + up.output;
    return;
  }
  auto handle = lab::LabHandle::open(run_dir());
  if (!handle) {
    error_ = "lab: " + handle.message();
    return;
  }
  handle_ = std::make_unique<lab::LabHandle>(std::move(*handle));
}

BenchLab::~BenchLab() {
  handle_.reset();
  if (started_) run_hitless("lab down --dir " + run_dir());
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace hitless::bench
