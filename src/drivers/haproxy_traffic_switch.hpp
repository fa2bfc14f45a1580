#pragma once
// HaproxyTrafficSwitch: the load balancer in front of active/active clusters is HAProxy, driven
// through its runtime API (the admin unix socket, asynchronously). Servers are named after the
// cluster's nodes in the cluster's backend. Any non-empty answer to a `set` is a failure naming
// HAProxy's words; a socket that is gone or silent is kUnreachable, naming HAProxy. Waits (a
// drain's sessions, the health check) poll `show stat` read by header name, on the run's
// Scheduler, in model time like the policy's timeouts.
// Single-threaded: runs on the io_context of the run, like the other drivers.

#include <map>
#include <memory>
#include <string>

#include "common/scheduler.hpp"
#include "drivers/drivers.hpp"
#include "drivers/haproxy_stat.hpp"
#include "model/policy.hpp"
#include "net/haproxy_runtime_client.hpp"

namespace hitless::drivers {

struct HaproxyBackend {
  std::string runtime_socket;  // absolute path
  std::string backend;
};

class HaproxyTrafficSwitch final : public TrafficSwitch {
 public:
  // `poll_s`: model seconds between two looks at `show stat` while waiting.
  HaproxyTrafficSwitch(boost::asio::io_context& io, Scheduler& clock,
                       std::map<std::string, HaproxyBackend> clusters, double api_timeout_s,
                       double poll_s);
  ~HaproxyTrafficSwitch() override;

  void move_clients(const std::string& cluster, const std::string& from, const std::string& to,
                    const std::string& via, Callback<nlohmann::json> done) override;
  void balance(const std::string& cluster, const Action& action,
               Callback<nlohmann::json> done) override;

  // One runtime API command as is (for the benchmark and tools): HAProxy's answer.
  void command(const std::string& cluster, const std::string& cmd, Callback<std::string> done);

 private:
  struct Target;
  struct Wait;
  void set_state(const Target& t, const std::string& state, Callback<nlohmann::json> done);
  void set(const Target& t, const std::string& cmd, Callback<nlohmann::json> done);
  void stats(const Target& t, Callback<std::map<std::string, HaproxyServerStat>> done);
  void drain(const Target& t, double timeout_s, DrainTimeoutAction on_timeout,
             Callback<nlohmann::json> done);
  void health(const Target& t, double timeout_s, Callback<nlohmann::json> done);
  // Reads the member's `show stat` line every poll interval until the wait's check ends it.
  void poll(std::shared_ptr<Wait> w);
  bool drain_check(const std::shared_ptr<Wait>& w, const HaproxyServerStat& s);
  bool health_check(const std::shared_ptr<Wait>& w, const HaproxyServerStat& s);

  Scheduler& clock_;
  double poll_s_;
  struct Cluster {
    HaproxyBackend config;
    std::unique_ptr<net::HaproxyRuntimeClient> client;
  };
  std::map<std::string, Cluster> clusters_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace hitless::drivers
