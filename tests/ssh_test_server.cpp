#include "ssh_test_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace hitless::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// One exec request: its command, the stdin the client sent, and whether the client is done.
struct Exec {
  ssh_channel channel = nullptr;
  std::string command;
  std::string input;
  bool requested = false;
  bool input_done = false;
  bool answered = false;
  ssh_channel_callbacks_struct callbacks{};
};

struct SessionState {
  ssh_session session = nullptr;
  ssh_key authorized = nullptr;
  bool authenticated = false;
  std::vector<std::unique_ptr<Exec>> execs;
};

int on_auth_pubkey(ssh_session, const char* user, ssh_key_struct* key, char state, void* data) {
  auto* s = static_cast<SessionState*>(data);
  if (std::string(user) != "admin" || ssh_key_cmp(key, s->authorized, SSH_KEY_CMP_PUBLIC) != 0)
    return SSH_AUTH_DENIED;
  if (state == SSH_PUBLICKEY_STATE_VALID) s->authenticated = true;
  return SSH_AUTH_SUCCESS;
}

int on_exec(ssh_session, ssh_channel, const char* command, void* data) {
  auto* e = static_cast<Exec*>(data);
  e->command = command;
  e->requested = true;
  return 0;
}

int on_data(ssh_session, ssh_channel, void* bytes, uint32_t len, int is_stderr, void* data) {
  if (!is_stderr) static_cast<Exec*>(data)->input.append(static_cast<char*>(bytes), len);
  return static_cast<int>(len);
}

void on_eof(ssh_session, ssh_channel, void* data) { static_cast<Exec*>(data)->input_done = true; }

ssh_channel on_channel_open(ssh_session session, void* data) {
  auto* s = static_cast<SessionState*>(data);
  if (!s->authenticated) return nullptr;
  auto e = std::make_unique<Exec>();
  e->channel = ssh_channel_new(session);
  e->callbacks.userdata = e.get();
  e->callbacks.channel_exec_request_function = on_exec;
  e->callbacks.channel_data_function = on_data;
  e->callbacks.channel_eof_function = on_eof;
  ssh_callbacks_init(&e->callbacks);
  ssh_set_channel_callbacks(e->channel, &e->callbacks);
  ssh_channel ch = e->channel;
  s->execs.push_back(std::move(e));
  return ch;
}

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
  for (int fd : {in_p[0], in_p[1], out_p[0], out_p[1], err_p[0], err_p[1]})
    posix_spawn_file_actions_addclose(&fa, fd);
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
    : dir_(dir),
      host_key_(dir + "/host_key"),
      client_key_(dir + "/client_key"),
      password_only_(password_only) {
  for (const auto& k : {host_key_, client_key_})
    if (access(k.c_str(), F_OK) != 0 &&
        std::system(("ssh-keygen -q -t ed25519 -N '' -f " + k).c_str()) != 0)
      throw std::runtime_error("ssh-keygen failed for " + k);
  ssh_init();
  ssh_bind b = ssh_bind_new();
  const int zero = 0;
  ssh_bind_options_set(b, SSH_BIND_OPTIONS_BINDADDR, "127.0.0.1");
  ssh_bind_options_set(b, SSH_BIND_OPTIONS_BINDPORT, &zero);
  ssh_bind_options_set(b, SSH_BIND_OPTIONS_HOSTKEY, host_key_.c_str());
  if (ssh_bind_listen(b) != SSH_OK) throw std::runtime_error(ssh_get_error(b));
  listen(ssh_bind_get_fd(b), 1024);  // libssh listens with a backlog of 10
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  getsockname(ssh_bind_get_fd(b), reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  bind_ = b;
  acceptor_ = std::thread([this] { accept_loop(); });
}

SshTestServer::~SshTestServer() { stop(); }

std::string SshTestServer::known_hosts_line() const {
  std::istringstream pub(read_file(host_key_ + ".pub"));
  std::string type, key;
  pub >> type >> key;
  return "[127.0.0.1]:" + std::to_string(port_) + " " + type + " " + key + "\n";
}

void SshTestServer::stop() {
  if (stop_.exchange(true)) return;
  acceptor_.join();
  std::vector<std::thread> sessions;
  {
    std::lock_guard lock(mu_);
    sessions.swap(sessions_);
  }
  for (auto& t : sessions) t.join();
  ssh_bind_free(static_cast<ssh_bind>(bind_));
}

void SshTestServer::accept_loop() {
  auto* b = static_cast<ssh_bind>(bind_);
  while (!stop_) {
    pollfd p{ssh_bind_get_fd(b), POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    ssh_session s = ssh_new();
    if (ssh_bind_accept(b, s) != SSH_OK) {
      ssh_free(s);
      continue;
    }
    const int one = 1;
    setsockopt(ssh_get_fd(s), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mu_);
    sessions_.emplace_back([this, s] { serve(s); });
  }
}

void SshTestServer::serve(void* raw) {
  auto session = static_cast<ssh_session>(raw);
  SessionState state;
  state.session = session;
  ssh_pki_import_pubkey_file((client_key_ + ".pub").c_str(), &state.authorized);
  ssh_server_callbacks_struct cb{};
  cb.userdata = &state;
  cb.auth_pubkey_function = on_auth_pubkey;
  cb.channel_open_request_session_function = on_channel_open;
  ssh_callbacks_init(&cb);
  ssh_set_auth_methods(session,
                       password_only_ ? SSH_AUTH_METHOD_PASSWORD : SSH_AUTH_METHOD_PUBLICKEY);
  ssh_set_server_callbacks(session, &cb);
  ssh_event ev = nullptr;
  if (ssh_handle_key_exchange(session) == SSH_OK) {
    ev = ssh_event_new();
    ssh_event_add_session(ev, session);
    bool dropped = false;
    while (!stop_ && !dropped && ssh_is_connected(session)) {
      if (ssh_event_dopoll(ev, 50) == SSH_ERROR) break;
      // Copy: writing pumps the session, and its callbacks may add channels (pitfall 3).
      std::vector<Exec*> ready;
      for (auto& e : state.execs)
        if (e->requested && e->input_done && !e->answered) ready.push_back(e.get());
      for (Exec* e : ready) {
        e->answered = true;
        if (e->command == "__drop__") {
          ssh_channel_write(e->channel, "going down\n", 11);
          // No exit status, no goodbye: the connection just ends, as when a node reboots.
          shutdown(ssh_get_fd(session), SHUT_RDWR);
          dropped = true;
          break;
        }
        std::string out, err;
        const int code = run_command(e->command, e->input, out, err, stop_);
        if (!out.empty()) ssh_channel_write(e->channel, out.data(), out.size());
        if (!err.empty()) ssh_channel_write_stderr(e->channel, err.data(), err.size());
        ssh_channel_request_send_exit_status(e->channel, code);
        ssh_channel_send_eof(e->channel);
        ssh_channel_close(e->channel);
      }
    }
  }
  if (ev) ssh_event_free(ev);
  for (auto& e : state.execs) {
    ssh_remove_channel_callbacks(e->channel, &e->callbacks);
    ssh_channel_free(e->channel);
  }
  ssh_disconnect(session);
  ssh_free(session);
  ssh_key_free(state.authorized);
}

}  // namespace hitless::testing
