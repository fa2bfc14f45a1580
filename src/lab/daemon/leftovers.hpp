#pragma once
// Leftovers: what the lab's components create outside its own process (a knotd, network
// namespaces) is recorded in DIR/leftovers/ the moment it is created, so that `hitless lab down`
// can remove it even after the daemon was SIGKILLed and could not clean up. A process is recorded
// with its pid and a mark of its command line (its configuration file): only a process whose
// /proc/PID/cmdline still carries the mark is stopped, never a recycled pid. Blocking; any thread.

#include <string>
#include <vector>

namespace hitless::lab {

// DIR/leftovers for the lab directory DIR.
std::string leftovers_dir(const std::string& lab_dir);

// Records network namespace `ns` (appended to RECORD_DIR/namespaces). No-op for an empty dir.
void record_namespace(const std::string& record_dir, const std::string& ns);
// Records process `name` (RECORD_DIR/NAME.pid: its pid, then `mark`). No-op for an empty dir.
void record_process(const std::string& record_dir, const std::string& name, int pid,
                    const std::string& mark);

// Stops every recorded process still running with its mark (SIGTERM, SIGKILL after 5 s) and
// deletes every recorded namespace that still exists; then removes the records. Returns one line
// per thing it removed ("knotd pid 123", "network namespace hitless-ab12cd").
std::vector<std::string> remove_leftovers(const std::string& record_dir);

}  // namespace hitless::lab
