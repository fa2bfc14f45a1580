#pragma once
// Child processes of the lab and of the traffic drivers (knotd, nft, ip netns), started through
// Boost.Process v1 so nobody hand-writes fork/exec. run_command() runs one command to its end
// with a deadline; ChildProcess keeps a server running until stop(). Blocking; any thread.

#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace hitless::net {

enum class ProcessErrc { kNotFound, kStart, kTimeout };

struct CommandOutput {
  int exit_code = 0;
  std::string out;  // stdout
  std::string err;  // stderr
};

// The absolute path of `program` (searched in PATH and the sbin directories root uses), or "".
std::string find_program(const std::string& program);

// Runs argv (argv[0] looked up with find_program) with `input` on its stdin and waits at most
// `timeout_s`; a command still running then is killed and reported as kTimeout.
Result<CommandOutput, ProcessErrc> run_command(const std::vector<std::string>& argv,
                                               const std::string& input, double timeout_s);

// A long-running child whose stdout and stderr go to `log_file`. Stopped (SIGTERM, then SIGKILL
// after the grace time) by stop() or the destructor, so an owner never leaves it behind.
class ChildProcess {
 public:
  // die_with_parent: the kernel sends the child SIGTERM when the thread that started it ends
  // (PR_SET_PDEATHSIG), so a SIGKILLed owner leaves no server running. Start such children from
  // a thread that lives as long as they should.
  static Result<std::unique_ptr<ChildProcess>, ProcessErrc> start(
      const std::vector<std::string>& argv, const std::string& log_file,
      bool die_with_parent = false);
  ~ChildProcess();
  int pid() const;
  bool running();
  void stop(double grace_s = 2.0);

 private:
  struct State;
  explicit ChildProcess(std::unique_ptr<State> s);
  std::unique_ptr<State> s_;
};

}  // namespace hitless::net
