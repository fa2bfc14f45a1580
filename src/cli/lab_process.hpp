#pragma once
// Starting and stopping the lab daemon as a background process (`hitless lab up|down`).
// Blocking; called from the command line only.

#include <string>

namespace hitless::cli {

struct LabUpOptions {
  std::string spec_path;
  std::string dir;
  double time_scale = 1.0;
  double start_timeout_s = 300;  // large labs take a while to bind every node
};

// Validates the spec (nothing starts on a bad file), starts the daemon, waits until lab.json
// exists and every node's management API answers. Returns an exit code; prints what it did.
int lab_up(const LabUpOptions& options);
// Asks the daemon to stop, waits for the process to be gone (SIGTERM, then SIGKILL if needed).
int lab_down(const std::string& dir);

}  // namespace hitless::cli
