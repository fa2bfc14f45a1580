#pragma once
// run_command: runs one program (no shell) on an io_context through Boost.Process, collects its
// stdout and stderr, and completes through a callback on the io_context's thread with the exit
// code. A program that outlives its deadline is killed and reported as kTimeout; one that cannot
// be started (not installed) as kConnect. Used by drivers that act through a command-line tool
// (ipmitool for out-of-band power).
// A deliberately small runner for the power driver only (branch `command` grows a fuller one).

#include <functional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "net/http_server.hpp"

namespace hitless::net {

struct CommandOutput {
  int exit_code = 0;
  std::string out;
  std::string err;
};

void run_command(boost::asio::io_context& io, const std::string& program,
                 std::vector<std::string> args, double timeout_s,
                 std::function<void(Result<CommandOutput, NetErrc>)> done);

}  // namespace hitless::net
