// Benchmark: commands over SSH through the SshRunner (libssh client, one worker thread per
// connection), against the libssh test server (tests/ssh_test_server, run in a child process so
// that the CPU figures are the client's alone). Two figures: commands per second over one kept
// connection, and over many concurrent sessions (connect + key exchange + host key check + key
// auth included). CPU per command is compared with Ansible's 0.36 s per task on this machine
// (shared/notes/real-components.md section 6). Prints figures; not pass/fail.
// Usage: ssh_bench [COMMANDS_ON_ONE] [SESSIONS ...]   (default: 200, then 100 500)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "net/ssh_runner.hpp"
#include "ssh_test_server.hpp"

using namespace hitless;

namespace {

double cpu_self_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

// `sessions` sessions (separate connections), `per_session` commands each, all at once.
void measure(boost::asio::io_context& io, const net::SshTarget& base, int sessions, int per_session,
             const char* what) {
  net::SshRunner runner(io);
  int done = 0, failed = 0;
  const double cpu0 = cpu_self_s();
  const auto t0 = std::chrono::steady_clock::now();
  for (int s = 0; s < sessions; ++s) {
    net::SshTarget t = base;
    t.session = "s" + std::to_string(s);
    for (int i = 0; i < per_session; ++i)
      runner.run(t, {"true", "", 30, 1 << 16}, [&](net::ProcessResult r) {
        ++done;
        if (!r.started || r.exit_code != 0) {
          if (failed++ == 0) std::printf("  first failure: %s\n", r.spawn_error.c_str());
        }
      });
  }
  io.run();
  io.restart();
  const double wall = bench::seconds_since(t0), cpu = cpu_self_s() - cpu0;
  std::printf("%-22s %8d %8d %10.0f %12.2f %14.3f %17.0fx %7d\n", what, sessions, done, done / wall,
              wall, 1000 * cpu / done, 0.36 / (cpu / done), failed);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const int on_one = argc > 1 ? std::stoi(argv[1]) : 200;
  std::vector<int> sessions;
  for (int i = 2; i < argc; ++i) sessions.push_back(std::stoi(argv[i]));
  if (sessions.empty()) sessions = {100, 500};
  const std::string dir = bench::temp_dir("ssh");
  int to_parent[2], to_child[2];
  if (pipe(to_parent) || pipe(to_child)) return 1;
  const pid_t server = fork();
  if (server == 0) {  // the server: runs until the parent closes its pipe
    close(to_parent[0]), close(to_child[1]);
    testing::SshTestServer s(dir);
    const int port = s.port();
    (void)!write(to_parent[1], &port, sizeof port);
    char c;
    (void)!read(to_child[0], &c, 1);
    s.stop();
    _exit(0);
  }
  close(to_parent[1]), close(to_child[0]);
  int port = 0;
  if (read(to_parent[0], &port, sizeof port) != sizeof port) return 1;
  {
    std::FILE* pub = std::fopen((dir + "/host_key.pub").c_str(), "r");
    char type[64], key[256];
    if (!pub || std::fscanf(pub, "%63s %255s", type, key) != 2) return 1;
    std::fclose(pub);
    bench::write(dir + "/known_hosts",
                 "[127.0.0.1]:" + std::to_string(port) + " " + type + " " + key + "\n");
  }
  const net::SshTarget base{
      "", "127.0.0.1", port, "admin", dir + "/client_key", dir + "/known_hosts", 30, 15};
  boost::asio::io_context io;
  std::printf("%-22s %8s %8s %10s %12s %14s %18s %7s\n", "what", "sessions", "commands", "per s",
              "wall s", "CPU ms/command", "vs Ansible 0.36 s", "failed");
  measure(io, base, 1, on_one, "one connection");
  for (int s : sessions) measure(io, base, s, 1, "concurrent sessions");
  close(to_child[1]);
  waitpid(server, nullptr, 0);
  return 0;
}
