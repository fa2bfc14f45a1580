#include "cli/lab_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/exit_codes.hpp"
#include "lab/daemon/haproxy_process.hpp"
#include "lab/daemon/lab_dir.hpp"
#include "lab/daemon/lab_handle.hpp"
#include "lab/daemon/leftovers.hpp"
#include "lab/spec/lab_spec_parser.hpp"

namespace hitless::cli {
namespace fs = std::filesystem;
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string tail_of(const std::string& path, std::size_t max_lines = 15) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::string out;
  for (std::size_t i = lines.size() > max_lines ? lines.size() - max_lines : 0; i < lines.size();
       ++i)
    out += "  " + lines[i] + "\n";
  return out;
}

int running_pid(const std::string& dir) {
  std::ifstream in(dir + "/lab.pid");
  int pid = 0;
  in >> pid;
  return lab::process_alive(pid) ? pid : 0;
}

// Double fork: the daemon is re-parented away from us and never left as our zombie.
pid_t spawn_daemon(const LabUpOptions& o, const std::string& self) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  const pid_t child = fork();
  if (child < 0) return -1;
  if (child == 0) {
    setsid();
    const pid_t grandchild = fork();
    if (grandchild != 0) {
      (void)!write(pipefd[1], &grandchild, sizeof grandchild);
      _exit(grandchild > 0 ? 0 : 1);
    }
    close(pipefd[0]);
    close(pipefd[1]);
    const std::string log = o.dir + "/lab.log";
    int devnull = open("/dev/null", O_RDONLY);
    int logfd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(devnull, 0);
    dup2(logfd, 1);
    dup2(logfd, 2);
    // The daemon outlives whoever ran `lab up`: it must not keep that caller's descriptors (a
    // test's sockets, a script's pipe that then never sees EOF) for as long as the lab runs.
    close_range(3, ~0U, 0);
    char scale_buf[40];
    std::snprintf(scale_buf, sizeof scale_buf, "%.17g", o.time_scale);
    const std::string scale = scale_buf;
    execl(self.c_str(), "hitless", "lab", "serve", "--dir", o.dir.c_str(), "--spec",
          o.spec_path.c_str(), "--time-scale", scale.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipefd[1]);
  pid_t daemon = -1;
  if (read(pipefd[0], &daemon, sizeof daemon) != sizeof daemon) daemon = -1;
  close(pipefd[0]);
  waitpid(child, nullptr, 0);
  return daemon;
}

}  // namespace

int lab_up(const LabUpOptions& o) {
  auto spec = lab::parse_lab_spec_file(o.spec_path);
  if (!spec) {
    std::cerr << "hitless lab up: " << spec.message() << "\n";
    return kExitBadInput;
  }
  if (!(o.time_scale > 0) || o.time_scale > 1000) {
    std::cerr << "hitless lab up: --time-scale must be > 0 and <= 1000 (got " << o.time_scale
              << ")\n";
    return kExitBadInput;
  }
  std::error_code ec;
  fs::create_directories(o.dir, ec);
  if (ec) {
    std::cerr << "hitless lab up: cannot create " << o.dir << ": " << ec.message() << "\n";
    return kExitBadInput;
  }
  if (int pid = running_pid(o.dir)) {
    std::cerr << "hitless lab up: a lab is already running in " << o.dir << " (pid " << pid
              << "); stop it with: hitless lab down --dir " << o.dir << "\n";
    return kExitBadInput;
  }
  for (const char* f : {"lab.json", "lab.error", "lab.pid", "inventory.yaml"})
    fs::remove(o.dir + "/" + f, ec);

  const auto t0 = std::chrono::steady_clock::now();
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  LabUpOptions abs = o;
  abs.spec_path = fs::absolute(o.spec_path).string();
  abs.dir = fs::absolute(o.dir).string();
  const pid_t pid = spawn_daemon(abs, self);
  if (pid <= 0) {
    std::cerr << "hitless lab up: could not start the lab daemon\n";
    return kExitFailed;
  }
  // Wait for lab.json (written once every node listens), or for the daemon to give up.
  while (!fs::exists(o.dir + "/lab.json")) {
    if (!lab::process_alive(pid) || seconds_since(t0) > o.start_timeout_s) {
      if (lab::process_alive(pid)) kill(pid, SIGKILL);
      std::cerr << "hitless lab up: the lab did not start";
      if (fs::exists(o.dir + "/lab.error"))
        std::cerr << ": " << lab::read_file(o.dir + "/lab.error");
      else
        std::cerr << "; last lines of " << o.dir << "/lab.log:\n" << tail_of(o.dir + "/lab.log");
      std::cerr << "\n";
      return kExitFailed;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto lab = lab::LabHandle::open(o.dir);
  if (!lab) {
    std::cerr << "hitless lab up: " << lab.message() << "\n";
    return kExitFailed;
  }
  // Every node must answer its management API before we say the lab is up.
  for (const auto& [name, node] : lab->description().at("nodes").items()) {
    auto r = lab->call_node(name, "GET", "/api/v1/health");
    if (!r || r->status != 200) {
      std::cerr << "hitless lab up: node " << name
                << " does not answer: " << (r ? r->body : r.message()) << "\n";
      (void)lab->shutdown();
      return kExitFailed;
    }
  }
  const auto& d = lab->description();
  std::cout << "lab " << d.at("lab").get<std::string>() << " is up in " << o.dir << " (pid " << pid
            << ", " << d.at("nodes").size() << " nodes, time scale " << o.time_scale << ", "
            << static_cast<int>(seconds_since(t0) * 1000) << " ms)\n";
  for (const auto& [name, c] : d.at("clusters").items())
    std::cout << "  cluster " << name << " (" << c.at("kind").get<std::string>()
              << "): clients connect to " << c.at("service").get<std::string>() << "\n";
  std::cout << "  inventory: " << o.dir
            << "/inventory.yaml\n  inspect:   hitless lab inspect --dir " << o.dir
            << "\n  stop:      hitless lab down --dir " << o.dir << "\n";
  return kExitOk;
}

int lab_down(const std::string& dir) {
  int pid = running_pid(dir);
  auto lab = lab::LabHandle::open(dir);
  if (lab) {
    pid = lab->pid();
    (void)lab->shutdown();
  }
  if (pid == 0) {
    // A daemon that was killed may have left its HAProxy, knotd and namespaces behind.
    if (lab::HaproxyProcess::stop_leftover(dir))
      std::cout << "stopped the HAProxy a killed lab left in " << dir << "\n";
    for (const auto& what : lab::remove_leftovers(lab::leftovers_dir(dir)))
      std::cout << "removed " << what << " that a killed lab left in " << dir << "\n";
    std::cout << "no lab is running in " << dir << "\n";
    return kExitOk;
  }
  const auto t0 = std::chrono::steady_clock::now();
  bool termed = false;
  while (lab::process_alive(pid)) {
    if (!termed && seconds_since(t0) > 5) {
      kill(pid, SIGTERM);
      termed = true;
    }
    if (seconds_since(t0) > 10) {
      kill(pid, SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // The daemon stops what it started; this is for one SIGKILLed (or stopped with SIGKILL above).
  lab::HaproxyProcess::stop_leftover(dir);
  for (const auto& what : lab::remove_leftovers(lab::leftovers_dir(dir)))
    std::cout << "removed " << what << " that the lab left behind\n";
  std::error_code ec;
  fs::remove(dir + "/lab.pid", ec);
  fs::remove(dir + "/lab.json", ec);
  std::cout << "lab in " << dir << " stopped (pid " << pid << ")\n";
  return kExitOk;
}

}  // namespace hitless::cli
