#pragma once
// A lab for one benchmark: `hitless lab up` of a lab file written into a fresh temporary directory,
// and `lab down` plus the directory's removal when it goes out of scope, so a benchmark that
// returns early (or runs many labs in a loop) leaves no daemon and no directory behind.

#include <memory>
#include <string>

#include "lab/daemon/lab_handle.hpp"

namespace hitless::bench {

class BenchLab {
 public:
  // `up_args` are appended to `lab up` (e.g. "--time-scale 0.01"). On failure ok() is false and
  // error() holds the command's output.
  BenchLab(const std::string& tag, const std::string& lab_yaml, const std::string& up_args = "");
  ~BenchLab();
  BenchLab(const BenchLab&) = delete;
  BenchLab& operator=(const BenchLab&) = delete;

  bool ok() const { return handle_ != nullptr; }
  const std::string& error() const { return error_; }
  double up_seconds() const { return up_s_; }
  const std::string& dir() const { return dir_; }  // holds lab.yaml and run/
  std::string run_dir() const { return dir_ + "/run"; }
  lab::LabHandle& handle() { return *handle_; }

 private:
  std::string dir_;
  std::string error_;
  double up_s_ = 0;
  bool started_ = false;
  std::unique_ptr<lab::LabHandle> handle_;
};

}  // namespace hitless::bench
