#pragma once
// HaproxyProcess: Debian's `haproxy` run by the lab daemon in front of its active/active clusters.
// It writes DIR/haproxy/haproxy.cfg (haproxy_config.hpp), checks it with `haproxy -c`, starts
// `haproxy -db` (foreground, its output in DIR/haproxy/haproxy.log) through Boost.Process, and
// stops it (SIGTERM, then SIGKILL) leaving no process, socket or bound port. HAProxy is told to
// die with the daemon (PR_SET_PDEATHSIG, which holds while it runs as the daemon's user);
// stop_leftover() is `lab down`'s way for the case it does not.
// Runs on the daemon's io_context thread.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "lab/daemon/haproxy_config.hpp"

namespace boost::asio {
class io_context;
}

namespace hitless::lab {

// The runtime socket, relative to the lab directory (lab.json and inventory.yaml name it so).
inline constexpr const char* kHaproxySocket = "haproxy/admin.sock";

class HaproxyProcess {
 public:
  enum class Errc { kMissing, kConfig, kStart };
  // Errors carry HAProxy's own words (its config check or start-up output).
  static Result<std::unique_ptr<HaproxyProcess>, Errc> start(
      const std::string& dir, const std::vector<BalancedCluster>& clusters);
  ~HaproxyProcess();

  // done("") once every cluster's frontend answers 200 through HAProxy; done(why) when HAProxy
  // exits first or `timeout_s` (wall) passes. Polls on `io`; never calls done inline.
  void when_serving(boost::asio::io_context& io, double timeout_s,
                    std::function<void(std::string)> done);
  // SIGTERM, a bounded wait, SIGKILL; removes the socket and pid file. Idempotent.
  void stop();
  bool running();
  int pid() const;
  // HAProxy's own output so far (the last lines), for error messages.
  std::string log_tail() const;
  // After a daemon that was killed: stops the HAProxy it left in `lab_dir` (found by
  // DIR/haproxy/haproxy.pid and checked by its command line) and removes its socket. HAProxy
  // loses PR_SET_PDEATHSIG when it drops to nobody, so `lab down` calls this. True if it stopped
  // one.
  static bool stop_leftover(const std::string& lab_dir);

 private:
  struct Impl;
  explicit HaproxyProcess(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hitless::lab
