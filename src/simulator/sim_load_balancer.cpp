#include "simulator/sim_load_balancer.hpp"

namespace hitless::sim {

using drivers::DriverErrc;

void SimLoadBalancer::set(const std::string& node, const std::string& state) {
  state_[node] = state;
  if (on_change) on_change();
}

void SimLoadBalancer::balance(const std::string& cluster, const drivers::Action& action,
                              drivers::Callback<nlohmann::json> done) {
  const auto& p = action.params;
  const std::string server = p.value("server", "");
  auto later = [this](drivers::Callback<nlohmann::json> cb, Result<nlohmann::json, DriverErrc> r) {
    clock_.call_after(latency_s_,
                      [cb = std::move(cb), r = std::move(r)]() mutable { cb(std::move(r)); });
  };
  if (action.kind == "lb-check") {
    for (const auto& s : p.value("servers", std::vector<std::string>{}))
      if (!world_.find(s))
        return later(std::move(done),
                     make_error(DriverErrc::kRejected,
                                "load balancer of " + cluster + " has no server " + s));
    return later(std::move(done), nlohmann::json::object());
  }
  if (!world_.find(server))
    return later(std::move(done), make_error(DriverErrc::kRejected,
                                             "load balancer of " + cluster + ": No such server."));
  if (action.kind == "lb-maint" || action.kind == "lb-ready") {
    set(server, action.kind == "lb-maint" ? "maint" : "ready");
    return later(std::move(done), nlohmann::json::object());
  }
  if (action.kind == "lb-drain") {
    set(server, "drain");
    return wait(server, clock_.now(), p.value("drain_timeout_s", 600.0), true,
                p.value("on_drain_timeout", "stop"), std::move(done));
  }
  if (action.kind == "lb-health") {
    set(server, "drain");
    return wait(server, clock_.now(), p.value("timeout_s", 600.0), false, "stop", std::move(done));
  }
  later(std::move(done), make_error(DriverErrc::kUnsupported, "no '" + action.kind + "'"));
}

// Looks once a model second, like a balancer's poll scaled to the appliance's time.
void SimLoadBalancer::wait(std::string node, double started, double timeout_s, bool for_sessions,
                           std::string on_timeout, drivers::Callback<nlohmann::json> done) {
  lab::Node* n = world_.find(node);
  const std::size_t open = n->sessions_open();
  const bool reached = for_sessions ? open == 0 : n->serving();
  if (reached) return done(nlohmann::json{{"waited_s", clock_.now() - started}});
  if (clock_.now() - started >= timeout_s && on_timeout != "wait") {
    if (for_sessions && on_timeout == "force")
      return done(nlohmann::json{{"forced", open}, {"waited_s", clock_.now() - started}});
    return done(make_error(DriverErrc::kRejected,
                           for_sessions ? node + ": sessions still open after the drain timeout"
                                        : node + ": the health check does not see it up"));
  }
  clock_.call_after(1.0, [this, node, started, timeout_s, for_sessions, on_timeout,
                          done = std::move(done)]() mutable {
    wait(node, started, timeout_s, for_sessions, on_timeout, std::move(done));
  });
}

}  // namespace hitless::sim
