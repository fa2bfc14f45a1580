#include "lab/daemon/lab_chassis.hpp"

#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace hitless::lab {

int engine_number(const std::string& slot) {
  if (slot == "0" || slot == "re0") return 0;
  if (slot == "1" || slot == "re1") return 1;
  return -1;
}

LabChassis::LabChassis(boost::asio::io_context& io, Scheduler& clock, const LabSpec& spec,
                       const ClusterSpec& cluster, const std::string& lab_dir)
    : io_(io), clock_(clock), cluster_(cluster.name) {
  const NodeSpec* master = nullptr;
  std::map<int, const NodeSpec*> by_engine;
  for (const auto& name : cluster.nodes) {
    const NodeSpec& n = *spec.find_node(name);
    const int e = engine_number(n.slot);
    if (e < 0 || by_engine.count(e))
      throw std::runtime_error("chassis " + n.chassis + ": node " + name + ": slot '" + n.slot +
                               "' is not re0 or re1 (or taken)");
    by_engine[e] = &n;
    engines_[name] = e;
    if (n.role == "master") master = &n;
  }
  const NodeSpec& first = *by_engine.begin()->second;
  chassis_ = std::make_unique<Chassis>(clock_, first.chassis, master->version, master->reboot_s);
  for (const auto& [e, n] : by_engine) chassis_->engine(e).version = n->version;
  const int master_engine = engines_.at(master->name);
  chassis_->engine(master_engine).state = EngineState::kMaster;
  chassis_->engine(1 - master_engine).state = EngineState::kBackup;
  chassis_->config() = {cluster.graceful_switchover, cluster.nonstop_routing,
                        cluster.commit_synchronize};
  chassis_->set_on_dropped([this] {
    // The forwarding plane restarted: every client connection dies.
    auto sessions = std::move(sessions_);
    sessions_.clear();
    for (auto& [id, weak] : sessions)
      if (auto s = weak.lock()) s->reset();
  });

  // An SSH connection's command runs on this thread; the connection's thread waits for it,
  // giving up when the lab stops (the io_context may never run the call then).
  auto stopping = stopping_;
  OnModel on_model = [&io, stopping](const ModelCall& call) {
    auto done = std::make_shared<std::promise<CliReply>>();
    auto result = done->get_future();
    boost::asio::post(io, [call, done] { done->set_value(call()); });
    while (result.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready)
      if (*stopping) return CliReply{"", 255, true};
    return result.get();
  };
  front_ = std::make_unique<JunosSshFront>(*chassis_, on_model, lab_dir);

  auto l = net::HttpListener::open(io_, "127.0.0.1", 0,
                                   [this](const net::HttpRequest& r) { return serve(r); });
  if (!l)
    throw std::runtime_error("chassis " + chassis_->name() +
                             ": cannot bind its service address: " + l.message());
  data_plane_ = std::move(*l);
}

LabChassis::~LabChassis() { stop(); }

void LabChassis::stop() {
  *stopping_ = true;
  if (front_) front_->stop();
  if (data_plane_) data_plane_->close();
  auto sessions = std::move(sessions_);
  sessions_.clear();
  for (auto& [id, weak] : sessions)
    if (auto s = weak.lock()) s->reset();
}

std::string LabChassis::service() const {
  return "127.0.0.1:" + std::to_string(data_plane_->port());
}

int LabChassis::engine_of(const std::string& node) const {
  auto it = engines_.find(node);
  return it == engines_.end() ? -1 : it->second;
}

nlohmann::json LabChassis::inspect() const {
  nlohmann::json engines = nlohmann::json::object();
  for (const auto& [name, e] : engines_) {
    const RoutingEngine& re = chassis_->engine(e);
    engines[name] = {{"engine", "re" + std::to_string(e)},
                     {"state", to_string(re.state)},
                     {"version", re.version},
                     {"pending_version", re.pending_version},
                     {"boot_fails", re.boot_fails},
                     {"ssh_port", front_->port(e)},
                     {"configuration", re.configuration},
                     {"commits", re.commits},
                     {"configuration_checksum", chassis_->configuration_checksum(e)}};
  }
  const RedundancyConfig& cfg = chassis_->config();
  return {{"cluster", cluster_},
          {"chassis", chassis_->name()},
          {"service", service()},
          {"forwarding", chassis_->forwarding()},
          {"open_sessions", chassis_->open_sessions()},
          {"dropped_sessions", chassis_->dropped_sessions()},
          {"graceful_switchover", cfg.graceful_switchover},
          {"nonstop_routing", cfg.nonstop_routing},
          {"commit_synchronize", cfg.commit_synchronize},
          {"engines", engines}};
}

// The chassis' data plane, as a lab node's (lab_runtime.cpp): GET / answers while an engine is
// master; GET /session holds a client session until its lifetime ends ("end completed") or
// the chassis drops it (connection reset).
net::HttpReply LabChassis::serve(const net::HttpRequest& req) {
  using nlohmann::json;
  if (req.method != "GET")
    return net::HttpReply::json(405, R"({"error":"data plane answers GET only"})");
  const auto master = chassis_->master_slot();
  if (!master)
    return net::HttpReply::json(
        503, json{{"error", chassis_->name() + " has no master routing engine"}}.dump());
  const std::string who = chassis_->name() + "/re" + std::to_string(*master);
  const std::string path = req.path();
  if (path == "/")
    return net::HttpReply::json(
        200, json{{"node", who}, {"version", chassis_->engine(*master).version}}.dump());
  if (path != "/session") return net::HttpReply::json(404, R"({"error":"no such page"})");
  double lifetime = 0;
  if (auto q = req.query("lifetime_s"); !q.empty()) {
    try {
      lifetime = std::stod(q);
    } catch (...) {
      lifetime = 0;
    }
    if (!(lifetime > 0))
      return net::HttpReply::json(400, R"({"error":"lifetime_s must be a positive number"})");
  }
  const int id = next_session_++;
  chassis_->open_sessions(1);
  net::HttpReply r;
  r.kind = net::HttpReply::Kind::kStream;
  r.response.content_type = "text/plain";
  r.on_stream = [this, id, lifetime, who](std::shared_ptr<net::HttpStream> s) {
    sessions_[id] = s;
    s->write("open " + std::to_string(id) + " " + who + "\n");
    s->on_closed([this, id] {
      // The client left before the session ended: not a drop.
      if (sessions_.erase(id)) chassis_->close_session();
    });
    if (lifetime > 0)
      clock_.call_after(lifetime, [this, id] {
        auto it = sessions_.find(id);
        if (it == sessions_.end()) return;
        auto stream = it->second.lock();
        sessions_.erase(it);
        chassis_->close_session();
        if (stream) {
          stream->write("end completed\n");
          stream->finish();
        }
      });
  };
  return r;
}

}  // namespace hitless::lab
