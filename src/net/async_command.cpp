// Boost.Process on std::filesystem: Debian ships no Boost.Filesystem 1.81 library to link.
#define BOOST_PROCESS_USE_STD_FS 1
#include "net/async_command.hpp"

#include <boost/asio.hpp>
#include <boost/process.hpp>
#include <memory>

namespace hitless::net {
namespace {
namespace bp = boost::process;

// One running command: its two pipes are read to their end; then it is reaped. Waiting for the
// exit after both pipes closed does not block in practice (the tools it runs close their output
// by exiting) and avoids Boost.Process's SIGCHLD service, which handed one exit to a run twice.
struct RunningCommand : std::enable_shared_from_this<RunningCommand> {
  RunningCommand(boost::asio::io_context& io,
                 std::function<void(Result<CommandOutput, NetErrc>)> done)
      : out_pipe(io), err_pipe(io), deadline(io), done(std::move(done)) {}

  bp::async_pipe out_pipe;
  bp::async_pipe err_pipe;
  boost::asio::steady_timer deadline;
  bp::child child;
  CommandOutput result;
  int pending = 2;  // stdout EOF, stderr EOF
  bool timed_out = false;
  std::string program;
  std::function<void(Result<CommandOutput, NetErrc>)> done;

  void part_done() {
    if (--pending > 0) return;
    deadline.cancel();
    auto finish = std::move(done);
    if (timed_out)  // terminate() already reaped it
      return finish(make_error(NetErrc::kTimeout, program + " did not finish before its deadline"));
    std::error_code ec;
    child.wait(ec);
    if (ec) return finish(make_error(NetErrc::kProtocol, program + ": " + ec.message()));
    result.exit_code = child.exit_code();
    finish(std::move(result));
  }

  void read_to_end(bp::async_pipe& pipe, std::string& into) {
    boost::asio::async_read(pipe, boost::asio::dynamic_buffer(into),
                            [self = shared_from_this()](const boost::system::error_code&,
                                                        std::size_t) { self->part_done(); });
  }
};

}  // namespace

void run_command(boost::asio::io_context& io, const std::string& program,
                 std::vector<std::string> args, double timeout_s,
                 std::function<void(Result<CommandOutput, NetErrc>)> done) {
  auto run = std::make_shared<RunningCommand>(io, std::move(done));
  run->program = program;
  const bp::filesystem::path exe = program.find('/') == std::string::npos
                                       ? bp::search_path(program)
                                       : bp::filesystem::path(program);
  if (exe.empty()) {
    auto finish = std::move(run->done);
    return boost::asio::post(io, [finish = std::move(finish), program] {
      finish(make_error(NetErrc::kConnect, program + ": not found in PATH"));
    });
  }
  try {
    run->child = bp::child(exe, bp::args(std::move(args)), (bp::std_in < bp::null),
                           (bp::std_out > run->out_pipe), (bp::std_err > run->err_pipe));
  } catch (const bp::process_error& e) {
    auto finish = std::move(run->done);
    const std::string why = program + ": " + e.what();
    return boost::asio::post(
        io, [finish = std::move(finish), why] { finish(make_error(NetErrc::kConnect, why)); });
  }
  run->read_to_end(run->out_pipe, run->result.out);
  run->read_to_end(run->err_pipe, run->result.err);
  run->deadline.expires_after(std::chrono::milliseconds(static_cast<long>(timeout_s * 1000)));
  run->deadline.async_wait([run](const boost::system::error_code& ec) {
    if (ec || run->pending == 0) return;
    run->timed_out = true;
    std::error_code ignored;
    run->child.terminate(ignored);  // the exit and the pipes' ends follow and complete the run
  });
}

}  // namespace hitless::net
