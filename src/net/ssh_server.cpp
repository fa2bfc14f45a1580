#include "net/ssh_server.hpp"

#include <arpa/inet.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace hitless::net {
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
  const std::string* user = nullptr;
  bool authenticated = false;
  std::vector<std::unique_ptr<Exec>> execs;
};

int on_auth_pubkey(ssh_session, const char* user, ssh_key_struct* key, char state, void* data) {
  auto* s = static_cast<SessionState*>(data);
  if (user != *s->user || !s->authorized ||
      ssh_key_cmp(key, s->authorized, SSH_KEY_CMP_PUBLIC) != 0)
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

}  // namespace

void ensure_ed25519_key(const std::string& path) {
  if (access(path.c_str(), F_OK) == 0) return;
  ssh_key key = nullptr;
  if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK)
    throw std::runtime_error(path + ": cannot generate an ed25519 key");
  std::unique_ptr<ssh_key_struct, void (*)(ssh_key)> owned(key, ssh_key_free);
  // Created owner-only before the key is written into it.
  { std::ofstream(path).close(); }
  ::chmod(path.c_str(), 0600);
  char* b64 = nullptr;
  if (ssh_pki_export_privkey_file(key, nullptr, nullptr, nullptr, path.c_str()) != SSH_OK ||
      ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK)
    throw std::runtime_error(path + ": cannot write the key");
  std::ofstream(path + ".pub") << "ssh-ed25519 " << b64 << " hitless-lab\n";
  ssh_string_free_char(b64);
  ::chmod(path.c_str(), 0600);
}

SshServer::SshServer(SshServerOptions options, SshExecHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {
  ssh_init();
  ssh_bind b = ssh_bind_new();
  ssh_bind_options_set(b, SSH_BIND_OPTIONS_BINDADDR, options_.host.c_str());
  ssh_bind_options_set(b, SSH_BIND_OPTIONS_BINDPORT, &options_.port);
  ssh_bind_options_set(b, SSH_BIND_OPTIONS_HOSTKEY, options_.host_key.c_str());
  if (ssh_bind_listen(b) != SSH_OK) {
    std::string error =
        options_.host + ":" + std::to_string(options_.port) + ": " + ssh_get_error(b);
    ssh_bind_free(b);
    throw std::runtime_error(error);
  }
  listen(ssh_bind_get_fd(b), 1024);  // libssh listens with a backlog of 10
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  getsockname(ssh_bind_get_fd(b), reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  bind_ = b;
  acceptor_ = std::thread([this] { accept_loop(); });
}

SshServer::~SshServer() { stop(); }

std::string SshServer::known_hosts_line() const {
  std::istringstream pub(read_file(options_.host_key + ".pub"));
  std::string type, key;
  pub >> type >> key;
  return "[" + options_.host + "]:" + std::to_string(port_) + " " + type + " " + key + "\n";
}

void SshServer::stop() {
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

void SshServer::accept_loop() {
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

void SshServer::serve(void* raw) {
  auto session = static_cast<ssh_session>(raw);
  SessionState state;
  state.session = session;
  state.user = &options_.user;
  ssh_pki_import_pubkey_file(options_.authorized_key.c_str(), &state.authorized);
  ssh_server_callbacks_struct cb{};
  cb.userdata = &state;
  cb.auth_pubkey_function = on_auth_pubkey;
  cb.channel_open_request_session_function = on_channel_open;
  ssh_callbacks_init(&cb);
  ssh_set_auth_methods(
      session, options_.password_only ? SSH_AUTH_METHOD_PASSWORD : SSH_AUTH_METHOD_PUBLICKEY);
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
        SshExecReply reply = handler_(e->command, e->input, stop_);
        if (!reply.out.empty()) ssh_channel_write(e->channel, reply.out.data(), reply.out.size());
        if (reply.drop_connection) {
          // No exit status, no goodbye: the connection just ends, as when a device reboots.
          shutdown(ssh_get_fd(session), SHUT_RDWR);
          dropped = true;
          break;
        }
        if (!reply.err.empty())
          ssh_channel_write_stderr(e->channel, reply.err.data(), reply.err.size());
        ssh_channel_request_send_exit_status(e->channel, reply.exit_status);
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
  if (state.authorized) ssh_key_free(state.authorized);
}

}  // namespace hitless::net
