#include "net/child_process.hpp"

#include <signal.h>
#include <sys/prctl.h>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/handles.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "net/standard_streams_only.hpp"

namespace hitless::net {
namespace bp = boost::process;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::chrono::milliseconds millis(double s) {
  return std::chrono::milliseconds(static_cast<long long>(s * 1000));
}

// Children get only stdin/stdout/stderr (StandardStreamsOnly): a knotd that inherited a node's
// listening socket would keep it listening after the node closed it for a reboot.

// Output goes to files, not pipes: a chatty child can never block on a full pipe while we wait.
fs::path scratch_file(const char* tag) {
  static int counter = 0;
  return fs::temp_directory_path() /
         ("hitless-cmd-" + std::to_string(getpid()) + "-" + std::to_string(++counter) + "." + tag);
}

}  // namespace

std::string find_program(const std::string& program) {
  if (program.find('/') != std::string::npos) return fs::exists(program) ? program : "";
  std::string dirs = std::getenv("PATH") ? std::getenv("PATH") : "";
  dirs += ":/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin";
  std::stringstream ss(dirs);
  for (std::string dir; std::getline(ss, dir, ':');) {
    if (dir.empty()) continue;
    std::error_code ec;
    const fs::path p = fs::path(dir) / program;
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return "";
}

Result<CommandOutput, ProcessErrc> run_command(const std::vector<std::string>& argv,
                                               const std::string& input, double timeout_s) {
  const std::string exe = argv.empty() ? "" : find_program(argv[0]);
  if (exe.empty())
    return make_error(ProcessErrc::kNotFound,
                      (argv.empty() ? std::string("(empty command)") : argv[0]) + ": not found");
  const fs::path out_file = scratch_file("out"), err_file = scratch_file("err");
  std::error_code ec;
  bp::opstream in;
  bp::child child(bp::exe = exe, bp::args = std::vector<std::string>(argv.begin() + 1, argv.end()),
                  bp::std_in<in, bp::std_out> out_file.string(), bp::std_err > err_file.string(),
                  StandardStreamsOnly{}, ec);
  if (ec) return make_error(ProcessErrc::kStart, argv[0] + ": " + ec.message());
  in << input;
  in.flush();
  in.pipe().close();
  const bool finished = child.wait_for(millis(timeout_s), ec);
  CommandOutput r;
  if (!finished) {
    child.terminate(ec);
    fs::remove(out_file, ec);
    fs::remove(err_file, ec);
    return make_error(ProcessErrc::kTimeout,
                      argv[0] + ": no answer within " + std::to_string(timeout_s) + " s");
  }
  r.exit_code = child.exit_code();
  r.out = slurp(out_file);
  r.err = slurp(err_file);
  fs::remove(out_file, ec);
  fs::remove(err_file, ec);
  return r;
}

struct ChildProcess::State {
  bp::child child;
};

ChildProcess::ChildProcess(std::unique_ptr<State> s) : s_(std::move(s)) {}
ChildProcess::~ChildProcess() { stop(); }

Result<std::unique_ptr<ChildProcess>, ProcessErrc> ChildProcess::start(
    const std::vector<std::string>& argv, const std::string& log_file, bool die_with_parent) {
  const std::string exe = argv.empty() ? "" : find_program(argv[0]);
  if (exe.empty())
    return make_error(ProcessErrc::kNotFound,
                      (argv.empty() ? std::string("(empty command)") : argv[0]) + ": not found");
  std::error_code ec;
  auto s = std::make_unique<State>();
  s->child = bp::child(
      bp::exe = exe, bp::args = std::vector<std::string>(argv.begin() + 1, argv.end()),
      bp::std_in<bp::null, (bp::std_out & bp::std_err)> log_file, StandardStreamsOnly{},
      bp::extend::on_exec_setup =
          [die_with_parent](auto&) {
            if (die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGTERM);
          },
      ec);
  if (ec) return make_error(ProcessErrc::kStart, argv[0] + ": " + ec.message());
  return std::unique_ptr<ChildProcess>(new ChildProcess(std::move(s)));
}

int ChildProcess::pid() const { return s_ ? s_->child.id() : -1; }

bool ChildProcess::running() {
  std::error_code ec;
  return s_ && s_->child.valid() && s_->child.running(ec);
}

void ChildProcess::stop(double grace_s) {
  if (!s_ || !s_->child.valid()) return;
  std::error_code ec;
  if (s_->child.running(ec)) {
    ::kill(s_->child.id(), SIGTERM);  // lets a server clean up (knotd removes its socket)
    if (!s_->child.wait_for(millis(grace_s), ec)) s_->child.terminate(ec);
  }
  s_->child.wait(ec);
  s_.reset();
}

}  // namespace hitless::net
