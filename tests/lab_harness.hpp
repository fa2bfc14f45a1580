#pragma once
// Test harness for integration tests against the real lab daemon: writes a lab definition into a
// fresh temporary directory, runs the real `hitless lab up` / `lab down` binaries, and offers
// small helpers to call the node APIs and wait for conditions. No fixed ports: the lab picks.

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "lab/daemon/lab_handle.hpp"

namespace hitless::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs the hitless binary with the given arguments (shell-quoted by the caller where needed).
CommandResult run_hitless(const std::string& args);
// A fresh directory TMP/hitless-TAG-XXXXXX. Under ctest it carries the run's mark (the file
// ctest-run, see tests/lab_sweep.sh) so the run's last test can stop a lab a failed test left.
std::string make_temp_dir(const std::string& tag);
void write_text(const std::string& path, const std::string& text);

// A make_temp_dir directory owned by one test: removed when the test passed, kept (and named on
// stderr) when it failed or is left by an exception, so its files can be read afterwards.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int exceptions_at_start_;
};

// A two-node failover pair with short timings, as YAML; `extra_defaults` is appended to defaults.
std::string pair_yaml(const std::string& extra_defaults = "",
                      const std::string& ha = "established");

class Lab {
 public:
  // Starts a lab from YAML text at the given time scale; aborts the test on failure.
  Lab(const std::string& yaml, double time_scale);
  ~Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  const std::string& dir() const { return dir_; }
  lab::LabHandle& handle() { return *handle_; }
  std::string service(const std::string& cluster = "pair") { return handle_->service(cluster); }

  nlohmann::json inspect();
  nlohmann::json node(const std::string& name);  // one node from inspect
  // Management API call; returns (status, parsed JSON body or null).
  std::pair<int, nlohmann::json> api(const std::string& node, const std::string& method,
                                     const std::string& target,
                                     const nlohmann::json& body = nullptr, double timeout_s = 5);
  // Uploads a package from the lab repository (e.g. "base-3.1.0").
  std::pair<int, nlohmann::json> stage(const std::string& node, const std::string& package_id);
  // Polls inspect until pred(node json) holds or timeout; returns whether it held.
  bool wait_node(const std::string& node, const std::function<bool(const nlohmann::json&)>& pred,
                 double timeout_s = 20);
  // `hitless lab fault` through the command line; returns its exit code.
  int run_fault(const std::string& node, const std::string& kind);
  void down();

 private:
  ScratchDir scratch_;  // declared first: destroyed last, after the destructor's `lab down`
  std::string dir_;     // scratch_/run
  std::unique_ptr<lab::LabHandle> handle_;
  bool up_ = false;
};

double seconds_since(std::chrono::steady_clock::time_point t0);

}  // namespace hitless::testing
