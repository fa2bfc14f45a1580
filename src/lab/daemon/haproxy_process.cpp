#include "lab/daemon/haproxy_process.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "lab/daemon/lab_dir.hpp"
#include "net/async_http_client.hpp"
#include "net/child_process.hpp"

namespace hitless::lab {
namespace fs = std::filesystem;

namespace {

// sockaddr_un's sun_path holds 108 bytes, the terminating NUL included.
constexpr std::size_t kMaxSocketPath = 107;
// `haproxy -c` answers in tens of milliseconds; this only bounds a hung one.
constexpr double kCheckTimeoutS = 30;

std::string last_lines(const std::string& text, std::size_t n) {
  std::size_t pos = text.size();
  while (n-- > 0 && pos > 0) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos + 1);
}

std::string read_or_empty(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

struct HaproxyProcess::Impl {
  std::string dir;  // DIR/haproxy
  std::vector<BalancedCluster> clusters;
  std::unique_ptr<net::ChildProcess> child;
  bool stopped = false;
  std::unique_ptr<net::AsyncHttpClient> http;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

HaproxyProcess::HaproxyProcess(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HaproxyProcess::~HaproxyProcess() {
  stop();
  *impl_->alive = false;
}

Result<std::unique_ptr<HaproxyProcess>, HaproxyProcess::Errc> HaproxyProcess::start(
    const std::string& lab_dir, const std::vector<BalancedCluster>& clusters) {
  const std::string exe = net::find_program("haproxy");
  if (exe.empty())
    return make_error(Errc::kMissing,
                      "HAProxy is not installed (no `haproxy` in PATH, /usr/local/sbin, /usr/sbin, "
                      "/sbin, /usr/bin, /bin): apt-get install haproxy");
  auto impl = std::make_unique<Impl>();
  impl->dir = fs::absolute(lab_dir).lexically_normal().string() + "/haproxy";
  impl->clusters = clusters;
  const std::string socket = impl->dir + "/admin.sock";
  if (socket.size() > kMaxSocketPath)
    return make_error(Errc::kConfig, "HAProxy's runtime socket path " + socket + " is " +
                                         std::to_string(socket.size()) +
                                         " bytes, longer than a unix socket allows (" +
                                         std::to_string(kMaxSocketPath) +
                                         "): use a shorter lab directory");
  std::error_code ec;
  fs::create_directories(impl->dir, ec);
  fs::remove(socket, ec);  // a stale one from a lab that was killed
  const std::string cfg = impl->dir + "/haproxy.cfg";
  const std::string log = impl->dir + "/haproxy.log";
  try {
    write_file_atomic(
        cfg, haproxy_config(clusters, {socket, impl->dir + "/haproxy.pid"}, geteuid() == 0));
  } catch (const std::exception& e) {
    return make_error(Errc::kConfig, std::string("HAProxy configuration: ") + e.what());
  }

  // HAProxy's own check first: its message says what is wrong with the configuration.
  auto check = net::run_command({exe, "-c", "-q", "-f", cfg}, "", kCheckTimeoutS);
  if (!check) return make_error(Errc::kStart, "cannot run haproxy -c: " + check.message());
  if (check->exit_code != 0)
    return make_error(Errc::kConfig, "haproxy -c -f " + cfg + " failed (exit " +
                                         std::to_string(check->exit_code) +
                                         "): " + last_lines(check->err + check->out, 8));
  // The child gets only stdin/stdout/stderr: HAProxy must not inherit the daemon's sockets (a
  // node's listener kept open in HAProxy would stop that node from binding its address again
  // after a reboot). It dies with the daemon, whatever killed the daemon.
  auto child = net::ChildProcess::start({exe, "-db", "-f", cfg}, log, /*die_with_parent=*/true);
  if (!child) return make_error(Errc::kStart, "cannot start haproxy: " + child.message());
  impl->child = std::move(*child);
  try {
    write_file_atomic(impl->dir + "/haproxy.pid", std::to_string(impl->child->pid()) + "\n");
  } catch (const std::exception&) {
    // Only stop_leftover() reads it; the daemon stops its child without it.
  }
  return std::unique_ptr<HaproxyProcess>(new HaproxyProcess(std::move(impl)));
}

bool HaproxyProcess::stop_leftover(const std::string& lab_dir) {
  const std::string dir = fs::absolute(lab_dir).lexically_normal().string() + "/haproxy";
  const std::string text = read_or_empty(dir + "/haproxy.pid");
  std::error_code ec;
  int pid = 0;
  try {
    pid = std::stoi(text);
  } catch (...) {
    pid = 0;
  }
  // Only the HAProxy started on this lab's configuration, never a recycled pid.
  std::string cmdline = read_or_empty("/proc/" + std::to_string(pid) + "/cmdline");
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  const bool ours = pid > 0 && cmdline.find(dir + "/haproxy.cfg") != std::string::npos;
  if (ours) {
    ::kill(pid, SIGTERM);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (::kill(pid, 0) == 0 && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (::kill(pid, 0) == 0) ::kill(pid, SIGKILL);
  }
  fs::remove(dir + "/admin.sock", ec);
  fs::remove(dir + "/haproxy.pid", ec);
  return ours;
}

bool HaproxyProcess::running() {
  return !impl_->stopped && impl_->child && impl_->child->running();
}

int HaproxyProcess::pid() const { return impl_->child ? impl_->child->pid() : 0; }

std::string HaproxyProcess::log_tail() const {
  return last_lines(read_or_empty(impl_->dir + "/haproxy.log"), 8);
}

void HaproxyProcess::when_serving(boost::asio::io_context& io, double timeout_s,
                                  std::function<void(std::string)> done) {
  namespace asio = boost::asio;
  if (!impl_->http) impl_->http = std::make_unique<net::AsyncHttpClient>(io);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(timeout_s));
  struct Poll : std::enable_shared_from_this<Poll> {
    HaproxyProcess* self;
    std::weak_ptr<bool> alive;
    asio::steady_timer timer;
    std::chrono::steady_clock::time_point deadline;
    std::function<void(std::string)> done;
    std::size_t next = 0;  // the first cluster not yet seen serving
    std::string last_error;
    Poll(asio::io_context& io) : timer(io) {}
    void again() {
      timer.expires_after(std::chrono::milliseconds(20));
      timer.async_wait([p = shared_from_this()](const boost::system::error_code&) { p->look(); });
    }
    void look() {
      if (!alive.lock()) return;
      auto& clusters = self->impl_->clusters;
      if (next >= clusters.size()) return done("");
      if (!self->running()) return done("haproxy exited at start-up: " + self->log_tail());
      if (std::chrono::steady_clock::now() > deadline)
        return done("HAProxy did not serve " + clusters[next].name + " at " +
                    clusters[next].service + " in time: " + last_error);
      const std::string& service = clusters[next].service;
      net::ClientRequest rq;
      rq.host = service.substr(0, service.rfind(':'));
      rq.port = static_cast<std::uint16_t>(std::stoi(service.substr(service.rfind(':') + 1)));
      rq.method = "GET";
      rq.target = "/";
      rq.timeout_s = 1;
      self->impl_->http->request(
          rq, [p = shared_from_this()](Result<net::HttpResponse, net::NetErrc> r) {
            if (!p->alive.lock()) return;
            if (r && r->status == 200) {
              ++p->next;
              return p->look();
            }
            p->last_error = r ? "HTTP " + std::to_string(r->status) : r.message();
            p->again();
          });
    }
  };
  auto p = std::make_shared<Poll>(io);
  p->self = this;
  p->alive = impl_->alive;
  p->deadline = deadline;
  p->done = std::move(done);
  asio::post(io, [p] { p->look(); });
}

void HaproxyProcess::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  // HAProxy stops at once on SIGTERM; the grace time is for one that hangs (then SIGKILL).
  if (impl_->child) impl_->child->stop(5.0);
  impl_->child.reset();
  std::error_code ec;
  // HAProxy leaves its socket file behind when it stops.
  fs::remove(impl_->dir + "/admin.sock", ec);
  fs::remove(impl_->dir + "/haproxy.pid", ec);
}

}  // namespace hitless::lab
