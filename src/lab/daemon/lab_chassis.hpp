#pragma once
// LabChassis: one chassis cluster of a running lab (seed 002, S10): the Chassis model, its JunOS
// CLI over SSH (a port per routing engine, JunosSshFront) and its data plane, the chassis'
// service address. The service address belongs to the chassis, not to an engine: one
// forwarding plane carries every client session while some engine is master, and resets them
// all when the chassis drops them (a switchover without GRES and NSR).
// Lives on the lab's io_context thread; SSH connections run on their own threads and reach the
// model only through a call posted to that thread.

#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "lab/daemon/junos_ssh_front.hpp"
#include "lab/model/chassis.hpp"
#include "lab/spec/lab_spec.hpp"
#include "net/http_server.hpp"

namespace hitless::lab {

class LabChassis {
 public:
  // Throws std::runtime_error naming the chassis and what it could not open.
  LabChassis(boost::asio::io_context& io, Scheduler& clock, const LabSpec& spec,
             const ClusterSpec& cluster, const std::string& lab_dir);
  ~LabChassis();

  const std::string& cluster() const { return cluster_; }
  Chassis& chassis() { return *chassis_; }
  std::string service() const;  // "127.0.0.1:PORT"
  // The engine number (0 or 1) of one of the cluster's nodes; -1 for another node.
  int engine_of(const std::string& node) const;
  int ssh_port(const std::string& node) const { return front_->port(engine_of(node)); }
  const JunosSshFront& front() const { return *front_; }
  nlohmann::json inspect() const;
  // Ends the SSH servers (first: their calls wait for this thread) and the data plane.
  void stop();

 private:
  net::HttpReply serve(const net::HttpRequest& req);

  boost::asio::io_context& io_;
  Scheduler& clock_;
  std::string cluster_;
  std::map<std::string, int> engines_;  // node name -> engine number
  std::unique_ptr<Chassis> chassis_;
  std::unique_ptr<JunosSshFront> front_;
  std::unique_ptr<net::HttpListener> data_plane_;
  std::map<int, std::weak_ptr<net::HttpStream>> sessions_;
  int next_session_ = 1;
  std::shared_ptr<std::atomic<bool>> stopping_ = std::make_shared<std::atomic<bool>>(false);
};

// The engine number a lab file's slot names: "re0"/"0" -> 0, "re1"/"1" -> 1; -1 otherwise.
int engine_number(const std::string& slot);

}  // namespace hitless::lab
