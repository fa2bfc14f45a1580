#include "net/process_runner.hpp"

// Boost.Process v1 with std::filesystem (no compiled Boost.Filesystem needed).
#define BOOST_PROCESS_USE_STD_FS 1
#include <boost/asio.hpp>
#include <boost/process.hpp>
#include <memory>
#include <system_error>

#include "net/standard_streams_only.hpp"

namespace hitless::net {
namespace bp = boost::process;
namespace asio = boost::asio;

namespace {

// One running process: its pipes, its deadline, and the three things that must all finish
// (stdout at EOF, stderr at EOF, the exit seen) before the caller hears the result.
struct Running : std::enable_shared_from_this<Running> {
  Running(asio::io_context& io, ProcessRequest rq, std::function<void(ProcessResult)> done)
      : rq_(std::move(rq)), done_(std::move(done)), in_(io), out_(io), err_(io), timer_(io) {}

  void start(asio::io_context& io) {
    std::error_code ec;
    const std::string program = rq_.argv.front().find('/') == std::string::npos
                                    ? bp::search_path(rq_.argv.front()).string()
                                    : rq_.argv.front();
    if (program.empty()) {
      result_.spawn_error = "'" + rq_.argv.front() + "' is not found in PATH";
      return finish_now(io);
    }
    std::vector<std::string> args(rq_.argv.begin() + 1, rq_.argv.end());
    auto self = shared_from_this();
    child_ = bp::child(
        bp::exe = program, bp::args = args, bp::std_in<in_, bp::std_out> out_, bp::std_err > err_,
        io,
        // Without it a command would inherit our HTTP connections and the pipes of every other
        // command running at the same time.
        StandardStreamsOnly{},
        // Posted, not run here: Boost.Process 1.81 calls this while iterating its list of
        // children, and a next command started from it would add to that list under its feet.
        bp::on_exit([self, &io](int code, const std::error_code&) {
          asio::post(io, [self, code] { self->exited(code); });
        }),
        bp::error(ec));
    if (ec) {
      result_.spawn_error = "cannot start " + program + ": " + ec.message();
      return finish_now(io);
    }
    result_.started = true;
    timer_.expires_after(std::chrono::duration_cast<asio::steady_timer::duration>(
        std::chrono::duration<double>(rq_.timeout_s)));
    timer_.async_wait([self](const boost::system::error_code& e) {
      if (e) return;  // everything finished in time
      if (!self->exited_) {
        self->result_.timed_out = true;
        std::error_code ignored;
        self->child_.terminate(ignored);  // SIGKILL; the exit handler still runs
      }
      // A grandchild may hold the pipes open after the process is gone: stop reading them.
      boost::system::error_code ignored;
      self->out_.close(ignored);
      self->err_.close(ignored);
    });
    if (rq_.stdin_data.empty()) {
      in_.close();
    } else {
      asio::async_write(
          in_, asio::buffer(rq_.stdin_data),
          [self](const boost::system::error_code&, std::size_t) { self->in_.close(); });
    }
    read(out_, out_buf_, result_.out);
    read(err_, err_buf_, result_.err);
  }

  void read(bp::async_pipe& pipe, std::array<char, 16384>& buf, std::string& into) {
    auto self = shared_from_this();
    pipe.async_read_some(asio::buffer(buf), [self, &pipe, &buf, &into](
                                                const boost::system::error_code& e, std::size_t n) {
      const std::size_t room = self->rq_.output_cap - std::min(self->rq_.output_cap, into.size());
      if (n > room) self->result_.truncated = true;
      into.append(buf.data(), std::min(n, room));
      if (e) return self->one_done();  // EOF or the pipe closed
      self->read(pipe, buf, into);
    });
  }

  void exited(int code) {
    // One exit, one report, whatever the library does.
    if (exited_) return;
    exited_ = true;
    result_.exit_code = result_.timed_out ? -1 : code;
    one_done();
  }

  void one_done() {
    if (++finished_ != 3) return;
    timer_.cancel();
    done_(std::move(result_));
  }

  void finish_now(asio::io_context& io) {
    auto self = shared_from_this();
    asio::post(io, [self] { self->done_(std::move(self->result_)); });
  }

  ProcessRequest rq_;
  std::function<void(ProcessResult)> done_;
  bp::async_pipe in_, out_, err_;
  asio::steady_timer timer_;
  bp::child child_;
  ProcessResult result_;
  std::array<char, 16384> out_buf_{}, err_buf_{};
  bool exited_ = false;
  int finished_ = 0;
};

}  // namespace

void ProcessRunner::run(ProcessRequest rq, std::function<void(ProcessResult)> done) {
  if (rq.argv.empty()) {
    ProcessResult r;
    r.spawn_error = "empty command";
    asio::post(io_, [r, done = std::move(done)]() mutable { done(std::move(r)); });
    return;
  }
  auto p = std::make_shared<Running>(io_, std::move(rq), std::move(done));
  p->start(io_);
}

}  // namespace hitless::net
