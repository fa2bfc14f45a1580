#include "net/ssh_runner.hpp"

#include <libssh/libssh.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace hitless::net {
namespace {

using Clock = std::chrono::steady_clock;

// "SHA256:..." of the server's host key, or "" when it cannot be read.
std::string server_fingerprint(ssh_session s) {
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(s, &key) != SSH_OK) return "";
  unsigned char* hash = nullptr;
  size_t len = 0;
  std::string out;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) == 0) {
    char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len);
    if (fp) out = fp;
    ssh_string_free_char(fp);
    ssh_clean_pubkey_hash(&hash);
  }
  ssh_key_free(key);
  return out;
}

}  // namespace

// One host and user: a worker thread that owns the libssh session and runs queued commands in
// order. Only the worker touches the session.
class SshRunner::Connection {
 public:
  Connection(boost::asio::io_context& io, SshTarget target)
      : io_(io), target_(std::move(target)), worker_([this] { work(); }) {}
  ~Connection() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  void add(SshCommand c, std::function<void(ProcessResult)> done) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back({std::move(c), std::move(done), boost::asio::make_work_guard(io_)});
    }
    cv_.notify_all();
  }

 private:
  struct Job {
    SshCommand command;
    std::function<void(ProcessResult)> done;
    // The io_context keeps running while a command is out on the worker.
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  };
  std::string where() const {
    return "ssh " + target_.user + "@" + target_.host + ":" + std::to_string(target_.port);
  }

  void work() {
    std::unique_lock lock(mu_);
    while (true) {
      const auto keepalive = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(target_.keepalive_s));
      if (!cv_.wait_for(lock, keepalive, [this] { return stop_ || !queue_.empty(); })) {
        lock.unlock();
        keep_alive();
        lock.lock();
        continue;
      }
      if (stop_) break;
      Job job = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      ProcessResult r = run(job.command);
      boost::asio::post(io_, [done = std::move(job.done), r = std::move(r),
                              work = std::move(job.work)]() mutable { done(std::move(r)); });
      lock.lock();
    }
    disconnect();
  }

  void keep_alive() {
    if (session_ && ssh_send_ignore(session_, "keepalive") != SSH_OK) disconnect();
  }

  void disconnect() {
    if (!session_) return;
    ssh_disconnect(session_);
    ssh_free(session_);
    session_ = nullptr;
  }

  // "" when connected and authenticated; otherwise why not (and `unreachable` when the host
  // could not be reached at all, as opposed to refused).
  std::string connect(bool& unreachable) {
    if (session_ && ssh_is_connected(session_)) return "";
    disconnect();
    session_ = ssh_new();
    const long timeout = static_cast<long>(target_.connect_timeout_s + 0.999);
    const int port = target_.port;
    const int yes = 1;
    const bool no = false;
    ssh_options_set(session_, SSH_OPTIONS_HOST, target_.host.c_str());
    ssh_options_set(session_, SSH_OPTIONS_PORT, &port);
    ssh_options_set(session_, SSH_OPTIONS_USER, target_.user.c_str());
    ssh_options_set(session_, SSH_OPTIONS_TIMEOUT, &timeout);
    ssh_options_set(session_, SSH_OPTIONS_KNOWNHOSTS, target_.known_hosts.c_str());
    ssh_options_set(session_, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    ssh_options_set(session_, SSH_OPTIONS_PROCESS_CONFIG, &no);
    ssh_options_set(session_, SSH_OPTIONS_NODELAY, &yes);
    if (ssh_connect(session_) != SSH_OK) {
      unreachable = true;
      const std::string why = where() + ": cannot connect: " + ssh_get_error(session_);
      disconnect();
      return why;
    }
    switch (ssh_session_is_known_server(session_)) {
      case SSH_KNOWN_HOSTS_OK:
        break;
      case SSH_KNOWN_HOSTS_CHANGED:
      case SSH_KNOWN_HOSTS_OTHER: {
        const std::string why = where() + ": host key CHANGED (now " +
                                server_fingerprint(session_) + "), not the one pinned in " +
                                target_.known_hosts + "; refusing to connect";
        disconnect();
        return why;
      }
      default: {
        const std::string why =
            where() + ": host key " + server_fingerprint(session_) + " is not in " +
            target_.known_hosts + "; check it out of band, then pin it (ssh-keyscan -p " +
            std::to_string(target_.port) + " " + target_.host + " >> " + target_.known_hosts + ")";
        disconnect();
        return why;
      }
    }
    ssh_key key = nullptr;
    if (ssh_pki_import_privkey_file(target_.key_file.c_str(), nullptr, nullptr, nullptr, &key) !=
        SSH_OK) {
      disconnect();
      return where() + ": cannot read the private key " + target_.key_file;
    }
    // "none" first: it fetches the server's methods and signature algorithms (RSA pitfall).
    ssh_userauth_none(session_, nullptr);
    const int methods = ssh_userauth_list(session_, nullptr);
    const int rc = (methods & SSH_AUTH_METHOD_PUBLICKEY)
                       ? ssh_userauth_publickey(session_, nullptr, key)
                       : SSH_AUTH_DENIED;
    ssh_key_free(key);
    if (rc != SSH_AUTH_SUCCESS) {
      const std::string why =
          (methods & SSH_AUTH_METHOD_PUBLICKEY)
              ? where() + ": the server refused the key " + target_.key_file
              : where() + ": the server does not offer key authentication (keys are required)";
      disconnect();
      return why;
    }
    return "";
  }

  ProcessResult run(const SshCommand& c) {
    ProcessResult r;
    const std::string why = connect(r.unreachable);
    if (!why.empty()) {
      r.spawn_error = why;
      return r;
    }
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(c.timeout_s));
    ssh_channel ch = ssh_channel_new(session_);
    if (!ch || ssh_channel_open_session(ch) != SSH_OK ||
        ssh_channel_request_exec(ch, c.command.c_str()) != SSH_OK) {
      r.unreachable = true;
      r.spawn_error = where() + ": cannot run the command: " + ssh_get_error(session_);
      if (ch) ssh_channel_free(ch);
      disconnect();
      return r;
    }
    r.started = true;
    if (!c.stdin_data.empty())
      ssh_channel_write(ch, c.stdin_data.data(), static_cast<uint32_t>(c.stdin_data.size()));
    ssh_channel_send_eof(ch);
    char buf[16384];
    const auto keep = [&](std::string& into, int n) {
      const std::size_t room = c.output_cap - std::min(c.output_cap, into.size());
      if (static_cast<std::size_t>(n) > room) r.truncated = true;
      into.append(buf, std::min<std::size_t>(n, room));
    };
    while (!ssh_channel_is_eof(ch)) {
      if (Clock::now() >= deadline) {
        r.timed_out = true;
        break;
      }
      const int n = ssh_channel_read_timeout(ch, buf, sizeof buf, 0, 100);
      if (n > 0) keep(r.out, n);
      const int e = ssh_channel_read_nonblocking(ch, buf, sizeof buf, 1);
      if (e > 0) keep(r.err, e);
      if (n == SSH_ERROR || e == SSH_ERROR || !ssh_is_connected(session_)) {
        r.connection_lost = true;
        break;
      }
    }
    if (!r.timed_out && !r.connection_lost) {
      for (int e; (e = ssh_channel_read_nonblocking(ch, buf, sizeof buf, 1)) > 0;) keep(r.err, e);
      for (int n; (n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, 0)) > 0;) keep(r.out, n);
      r.exit_code = ssh_channel_get_exit_status(ch);
    }
    ssh_channel_close(ch);
    ssh_channel_free(ch);
    // After a timeout or a loss the session's state is unknown: start afresh next time.
    if (r.timed_out || r.connection_lost) disconnect();
    return r;
  }

  boost::asio::io_context& io_;
  SshTarget target_;
  ssh_session session_ = nullptr;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stop_ = false;
  std::thread worker_;  // last: starts once everything above exists
};

SshRunner::SshRunner(boost::asio::io_context& io) : io_(io) { ssh_init(); }

SshRunner::~SshRunner() = default;

void SshRunner::run(const SshTarget& target, SshCommand command,
                    std::function<void(ProcessResult)> done) {
  const std::string key =
      target.session + "/" + target.user + "@" + target.host + ":" + std::to_string(target.port);
  auto& c = connections_[key];
  if (!c) c = std::make_unique<Connection>(io_, target);
  c->add(std::move(command), std::move(done));
}

}  // namespace hitless::net
