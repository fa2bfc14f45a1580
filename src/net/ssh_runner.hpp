#pragma once
// SshRunner: runs commands on remote hosts over SSH (libssh), one kept connection per host and
// user, without blocking the io_context: each connection has its own worker thread (libssh is
// blocking, notes/real-components.md 7d), and results are posted back to the io_context's thread.
// Key authentication only; the host key must be in the given known_hosts file (an unknown or
// changed key is refused, naming its SHA256 fingerprint). TCP_NODELAY; a keep-alive message
// every keepalive_s on an idle connection; a per-command deadline. A connection that drops
// (a rebooting node) fails the command in flight as connection_lost and is made again for the
// next one. Create and use on the io_context's thread; the destructor stops the workers.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "net/process_runner.hpp"

namespace hitless::net {

struct SshTarget {
  std::string session;  // connections are kept per session name (the node), user, host and port
  std::string host;
  int port = 22;
  std::string user;
  std::string key_file;     // private key (owner-only; the caller checks)
  std::string known_hosts;  // the pinned host keys
  double connect_timeout_s = 10;
  double keepalive_s = 15;
};

struct SshCommand {
  std::string command;  // the remote command line, as the device's CLI or shell reads it
  std::string stdin_data;
  double timeout_s = 30;
  std::size_t output_cap = 1 << 20;
};

class SshRunner {
 public:
  explicit SshRunner(boost::asio::io_context& io);
  ~SshRunner();
  SshRunner(const SshRunner&) = delete;
  SshRunner& operator=(const SshRunner&) = delete;
  void run(const SshTarget& target, SshCommand command, std::function<void(ProcessResult)> done);

 private:
  class Connection;
  boost::asio::io_context& io_;
  std::map<std::string, std::unique_ptr<Connection>> connections_;  // by user@host:port
};

}  // namespace hitless::net
