#pragma once
// The lab daemon: one background process hosting every emulated node of a lab definition on one
// io_context thread. Started by `hitless lab up` (as the hidden `hitless lab serve`), stopped by
// `hitless lab down` or SIGTERM. Writes DIR/lab.json and DIR/inventory.yaml once every node
// listens, DIR/lab.error when it cannot start.

#include <string>

namespace hitless::lab {

struct DaemonOptions {
  std::string spec_path;
  std::string dir;
  double time_scale = 1.0;
};

// Blocks until shutdown. Returns a process exit code (0 after a clean shutdown).
int run_lab_daemon(const DaemonOptions& options);

}  // namespace hitless::lab
