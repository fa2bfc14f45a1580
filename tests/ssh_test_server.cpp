#include "ssh_test_server.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>

extern char** environ;

namespace hitless::testing {
namespace {

// Runs the command with `input` as stdin; stops (killing it) when `stop` is set.
int run_command(const std::string& command, const std::string& input, std::string& out,
                std::string& err, const std::atomic<bool>& stop) {
  int in_p[2], out_p[2], err_p[2];
  if (pipe(in_p) || pipe(out_p) || pipe(err_p)) return 127;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_p[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out_p[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_p[1], 2);
  // Nothing else of this process: not the server's listening socket, not other sessions' pipes.
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);  // its own group: killed as one
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(in_p[0]), close(out_p[1]), close(err_p[1]);
  if (rc != 0) return close(in_p[1]), close(out_p[0]), close(err_p[0]), 127;
  if (!input.empty()) (void)!write(in_p[1], input.data(), input.size());
  close(in_p[1]);
  pollfd fds[2] = {{out_p[0], POLLIN, 0}, {err_p[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0) {
    if (stop) {
      kill(-pid, SIGKILL);
      break;
    }
    if (poll(fds, 2, 50) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? out : err).append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

SshTestServer::SshTestServer(const std::string& dir, bool password_only)
    : client_key_(dir + "/client_key") {
  net::ensure_ed25519_key(dir + "/host_key");
  net::ensure_ed25519_key(client_key_);
  net::SshServerOptions options{"127.0.0.1",          0,       dir + "/host_key",
                                client_key_ + ".pub", "admin", password_only};
  server_ = std::make_unique<net::SshServer>(
      options,
      [](const std::string& command, const std::string& input, const std::atomic<bool>& stop) {
        net::SshExecReply reply;
        if (command == "__drop__") {
          reply.out = "going down\n";
          reply.drop_connection = true;
          return reply;
        }
        reply.exit_status = run_command(command, input, reply.out, reply.err, stop);
        return reply;
      });
}

}  // namespace hitless::testing
