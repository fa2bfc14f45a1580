#pragma once
// A small SSH server for tests: net::SshServer (libssh's server side) on loopback, a port chosen
// by the kernel, ed25519 host key, public-key authentication of user `admin` with one key (or,
// with password_only, nothing but passwords, which the client must refuse to use). Each exec
// request runs `/bin/sh -c COMMAND` with the channel's data as stdin and returns its output and
// exit status; the command `__drop__` prints a line, then drops the connection (a rebooting
// node). stop() (or the destructor) ends every connection, killing commands still running.

#include <memory>
#include <string>

#include "net/ssh_server.hpp"

namespace hitless::testing {

class SshTestServer {
 public:
  // Keys are made in `dir` unless there: host_key(.pub), client_key(.pub).
  explicit SshTestServer(const std::string& dir, bool password_only = false);
  int port() const { return server_->port(); }
  const std::string& client_key() const { return client_key_; }
  // "[127.0.0.1]:PORT ssh-ed25519 AAAA..." for a known_hosts file.
  std::string known_hosts_line() const { return server_->known_hosts_line(); }
  void stop() { server_->stop(); }

 private:
  std::string client_key_;
  std::unique_ptr<net::SshServer> server_;
};

}  // namespace hitless::testing
