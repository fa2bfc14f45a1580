#pragma once
// A small SSH server for tests (libssh's server side): loopback, a port chosen by the kernel,
// ed25519 host key, public-key authentication for one authorized key (or, with
// password_only, nothing but passwords, which the client must refuse to use). Each exec request
// runs `/bin/sh -c COMMAND` with the channel's data as stdin and returns its output and exit
// status; the command `__drop__` prints a line, then drops the connection (a rebooting node).
// One thread per connection, as notes/real-components.md 7d measured; stop() (or the destructor)
// ends them all, killing commands still running.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hitless::testing {

class SshTestServer {
 public:
  // Keys are made with ssh-keygen in `dir`: host_key(.pub), client_key(.pub).
  explicit SshTestServer(const std::string& dir, bool password_only = false);
  ~SshTestServer();
  int port() const { return port_; }
  const std::string& client_key() const { return client_key_; }
  // "[127.0.0.1]:PORT ssh-ed25519 AAAA..." for a known_hosts file.
  std::string known_hosts_line() const;
  void stop();

 private:
  void accept_loop();
  void serve(void* session);
  std::string dir_, host_key_, client_key_;
  bool password_only_;
  int port_ = 0;
  void* bind_ = nullptr;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> sessions_;
};

}  // namespace hitless::testing
