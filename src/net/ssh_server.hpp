#pragma once
// SshServer: a small SSH server (libssh's server side) answering exec requests through a
// handler: the lab's device CLIs (JunOS, seed 002) and the tests' shell server. Loopback or any
// given address, a port chosen by the kernel when 0, an ed25519 host key, public-key
// authentication of one user with one authorized key (or, with password_only, nothing but
// passwords, which hitless's client refuses to use). The three fixes notes/real-components.md 7d
// measured: TCP_NODELAY, a listen backlog above libssh's 10, and channels collected before they
// are answered (writing pumps the session, whose callbacks may add channels).
// One thread per connection; the handler runs on it, so it must be thread-safe. stop() (or the
// destructor) ends every connection.

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hitless::net {

struct SshExecReply {
  std::string out;
  std::string err;
  int exit_status = 0;
  // Print `out`, then end the connection without an exit status, as a rebooting device does.
  bool drop_connection = false;
};

// The command line and the client's stdin (read to its EOF). `stop` is set when the server stops.
using SshExecHandler = std::function<SshExecReply(
    const std::string& command, const std::string& input, const std::atomic<bool>& stop)>;

struct SshServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string host_key;        // private key file (made by ensure_ed25519_key)
  std::string authorized_key;  // the one client public key accepted (".pub" file)
  std::string user;
  bool password_only = false;
};

// Makes an ed25519 key pair at `path` (mode 0600) and `path`.pub unless `path` exists.
// Throws std::runtime_error naming the path when it cannot.
void ensure_ed25519_key(const std::string& path);

class SshServer {
 public:
  // Listens at once; throws std::runtime_error naming the address when it cannot.
  SshServer(SshServerOptions options, SshExecHandler handler);
  ~SshServer();
  SshServer(const SshServer&) = delete;
  SshServer& operator=(const SshServer&) = delete;

  int port() const { return port_; }
  // "[HOST]:PORT ssh-ed25519 AAAA..." for a known_hosts file.
  std::string known_hosts_line() const;
  void stop();

 private:
  void accept_loop();
  void serve(void* session);
  SshServerOptions options_;
  SshExecHandler handler_;
  int port_ = 0;
  void* bind_ = nullptr;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> sessions_;
};

}  // namespace hitless::net
