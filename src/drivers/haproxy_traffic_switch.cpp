#include "drivers/haproxy_traffic_switch.hpp"

#include <functional>

namespace hitless::drivers {

struct HaproxyTrafficSwitch::Target {
  std::string cluster;
  std::string server;
  Cluster* c;
  std::string name() const { return c->config.backend + "/" + server; }
  std::string who() const {
    return "HAProxy (cluster " + cluster + ", " +
           (server.empty() ? "backend " + c->config.backend : name()) + ")";
  }
};

// One wait in progress (a drain or a health gate) polling `show stat`.
struct HaproxyTrafficSwitch::Wait {
  Target t;
  double started = 0;
  double timeout_s = 0;
  DrainTimeoutAction on_timeout = DrainTimeoutAction::kStop;
  long last_scur = -1;
  std::string last_seen;
  Callback<nlohmann::json> done;
  // Looks at the member's current `show stat` line: true when the wait is over (and `done` has
  // been answered), false to look again after the poll interval.
  std::function<bool(const std::shared_ptr<Wait>&, const HaproxyServerStat&)> check;
};

namespace {

DriverErrc from_net(net::NetErrc e) {
  return e == net::NetErrc::kProtocol ? DriverErrc::kProtocol : DriverErrc::kUnreachable;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

HaproxyTrafficSwitch::HaproxyTrafficSwitch(boost::asio::io_context& io, Scheduler& clock,
                                           std::map<std::string, HaproxyBackend> clusters,
                                           double api_timeout_s, double poll_s)
    : clock_(clock), poll_s_(poll_s) {
  for (auto& [name, cfg] : clusters) {
    Cluster c;
    c.client = std::make_unique<net::HaproxyRuntimeClient>(io, cfg.runtime_socket, api_timeout_s);
    c.config = std::move(cfg);
    clusters_.emplace(name, std::move(c));
  }
}

HaproxyTrafficSwitch::~HaproxyTrafficSwitch() { *alive_ = false; }

void HaproxyTrafficSwitch::move_clients(const std::string& cluster, const std::string&,
                                        const std::string&, const std::string& via,
                                        Callback<nlohmann::json> done) {
  done(make_error(DriverErrc::kUnsupported, "cluster " + cluster +
                                                ": HAProxy balances every member; it does not move "
                                                "clients '" +
                                                via + "' from one node to another"));
}

void HaproxyTrafficSwitch::command(const std::string& cluster, const std::string& cmd,
                                   Callback<std::string> done) {
  auto it = clusters_.find(cluster);
  if (it == clusters_.end())
    return done(
        make_error(DriverErrc::kUnsupported, "cluster " + cluster + " is not behind HAProxy"));
  it->second.client->command(cmd, [done = std::move(done)](Result<std::string, net::NetErrc> r) {
    if (!r) return done(make_error(from_net(r.code()), r.message()));
    done(std::move(*r));
  });
}

void HaproxyTrafficSwitch::balance(const std::string& cluster, const Action& action,
                                   Callback<nlohmann::json> done) {
  auto it = clusters_.find(cluster);
  if (it == clusters_.end())
    return done(make_error(DriverErrc::kUnsupported,
                           "cluster " + cluster + " is not behind HAProxy (no runtime_socket)"));
  const auto& p = action.params;
  Target t{cluster, p.value("server", ""), &it->second};
  if (action.kind == "lb-check") {
    const auto servers = p.value("servers", std::vector<std::string>{});
    return stats(t, [t, servers, done = std::move(done)](
                        Result<std::map<std::string, HaproxyServerStat>, DriverErrc> r) {
      if (!r) return done(r.error());
      nlohmann::json seen = nlohmann::json::object();
      for (const auto& s : servers) {
        auto f = r->find(s);
        if (f == r->end())
          return done(make_error(DriverErrc::kRejected, "HAProxy (cluster " + t.cluster +
                                                            ") has no server " +
                                                            t.c->config.backend + "/" + s));
        seen[s] = {{"status", f->second.status}, {"scur", f->second.scur}};
      }
      done(nlohmann::json{{"servers", seen}});
    });
  }
  if (t.server.empty())
    return done(make_error(DriverErrc::kProtocol, action.kind + " names no server"));
  if (action.kind == "lb-maint") return set_state(t, "maint", std::move(done));
  if (action.kind == "lb-ready") return set_state(t, "ready", std::move(done));
  if (action.kind == "lb-drain") {
    auto on_timeout = parse_drain_timeout_action(p.value("on_drain_timeout", "stop"));
    if (!on_timeout)
      return done(make_error(DriverErrc::kProtocol,
                             "lb-drain: on_drain_timeout is not wait, "
                             "force or stop"));
    return drain(t, p.value("drain_timeout_s", 600.0), *on_timeout, std::move(done));
  }
  if (action.kind == "lb-health") return health(t, p.value("timeout_s", 600.0), std::move(done));
  done(make_error(DriverErrc::kUnsupported, "HAProxy does not know '" + action.kind + "'"));
}

void HaproxyTrafficSwitch::set(const Target& t, const std::string& cmd,
                               Callback<nlohmann::json> done) {
  t.c->client->command(cmd, [t, cmd, done = std::move(done)](Result<std::string, net::NetErrc> r) {
    if (!r) return done(make_error(from_net(r.code()), t.who() + ": " + r.message()));
    // The runtime API answers a `set` that worked with nothing at all.
    if (!trimmed(*r).empty())
      return done(
          make_error(DriverErrc::kRejected, t.who() + " refused '" + cmd + "': " + trimmed(*r)));
    done(nlohmann::json::object());
  });
}

void HaproxyTrafficSwitch::set_state(const Target& t, const std::string& state,
                                     Callback<nlohmann::json> done) {
  set(t, "set server " + t.name() + " state " + state,
      [state, done = std::move(done)](Result<nlohmann::json, DriverErrc> r) {
        if (!r) return done(std::move(r));
        done(nlohmann::json{{"state", state}});
      });
}

void HaproxyTrafficSwitch::stats(const Target& t,
                                 Callback<std::map<std::string, HaproxyServerStat>> done) {
  t.c->client->command(
      "show stat", [t, done = std::move(done)](Result<std::string, net::NetErrc> r) {
        if (!r) return done(make_error(from_net(r.code()), t.who() + ": " + r.message()));
        std::string why;
        auto parsed = parse_show_stat(*r, t.c->config.backend, &why);
        if (!parsed) return done(make_error(DriverErrc::kProtocol, t.who() + ": " + why));
        done(std::move(*parsed));
      });
}

void HaproxyTrafficSwitch::drain(const Target& t, double timeout_s, DrainTimeoutAction on_timeout,
                                 Callback<nlohmann::json> done) {
  auto w = std::make_shared<Wait>();
  w->t = t;
  w->started = clock_.now();
  w->timeout_s = timeout_s;
  w->on_timeout = on_timeout;
  w->done = std::move(done);
  w->check = [this](const std::shared_ptr<Wait>& self, const HaproxyServerStat& s) {
    return drain_check(self, s);
  };
  set_state(t, "drain",
            [this, w, alive = std::weak_ptr<bool>(alive_)](Result<nlohmann::json, DriverErrc> r) {
              if (!alive.lock()) return;
              if (!r) return w->done(std::move(r));
              poll(w);
            });
}

void HaproxyTrafficSwitch::health(const Target& t, double timeout_s,
                                  Callback<nlohmann::json> done) {
  auto w = std::make_shared<Wait>();
  w->t = t;
  w->started = clock_.now();
  w->timeout_s = timeout_s;
  w->done = std::move(done);
  w->check = [this](const std::shared_ptr<Wait>& self, const HaproxyServerStat& s) {
    return health_check(self, s);
  };
  // Out of maintenance the health checks run again; drained, the member takes no new sessions
  // until HAProxy's own check has seen it up and `lb-ready` lets them in.
  set_state(t, "drain",
            [this, w, alive = std::weak_ptr<bool>(alive_)](Result<nlohmann::json, DriverErrc> r) {
              if (!alive.lock()) return;
              if (!r) return w->done(std::move(r));
              poll(w);
            });
}

void HaproxyTrafficSwitch::poll(std::shared_ptr<Wait> w) {
  stats(w->t, [this, w, alive = std::weak_ptr<bool>(alive_)](
                  Result<std::map<std::string, HaproxyServerStat>, DriverErrc> r) {
    if (!alive.lock()) return;
    if (!r) return w->done(r.error());
    auto s = r->find(w->t.server);
    if (s == r->end())
      return w->done(
          make_error(DriverErrc::kRejected, w->t.who() + ": no such server in show stat"));
    if (w->check(w, s->second)) return;
    clock_.call_after(poll_s_, [this, w, alive = std::weak_ptr<bool>(alive_)] {
      if (alive.lock()) poll(w);
    });
  });
}

// Drained when HAProxy counts no current session on the member; at the timeout the policy
// decides: keep waiting, cut the sessions, or stop with the member drained and serving them.
bool HaproxyTrafficSwitch::drain_check(const std::shared_ptr<Wait>& w, const HaproxyServerStat& s) {
  const double waited = clock_.now() - w->started;
  if (s.scur == 0) {
    w->done(nlohmann::json{{"state", "drain"}, {"sessions", 0}, {"waited_s", waited}});
    return true;
  }
  w->last_scur = s.scur;
  if (waited < w->timeout_s || w->on_timeout == DrainTimeoutAction::kWait) return false;
  const std::string open = std::to_string(s.scur) +
                           " session(s) still open after the drain timeout (" +
                           std::to_string(static_cast<long>(w->timeout_s)) + " s)";
  if (w->on_timeout == DrainTimeoutAction::kStop) {
    w->done(make_error(DriverErrc::kRejected,
                       w->t.who() + ": " + open +
                           "; policy on_drain_timeout is stop: the member stays drained and "
                           "serving its sessions"));
    return true;
  }
  // force: cut them; HAProxy closes the client connections of that server.
  const long forced = s.scur;
  set(w->t, "shutdown sessions server " + w->t.name(),
      [w, forced, waited](Result<nlohmann::json, DriverErrc> f) {
        if (!f) return w->done(std::move(f));
        w->done(nlohmann::json{{"state", "drain"}, {"forced", forced}, {"waited_s", waited}});
      });
  return true;
}

// Healthy when HAProxy's own check sees the member up; the timeout names what it last saw.
bool HaproxyTrafficSwitch::health_check(const std::shared_ptr<Wait>& w,
                                        const HaproxyServerStat& s) {
  if (check_sees_up(s)) {
    w->done(nlohmann::json{
        {"status", s.status}, {"check", s.check_status}, {"waited_s", clock_.now() - w->started}});
    return true;
  }
  w->last_seen = s.status + " " + s.check_status;
  if (clock_.now() - w->started < w->timeout_s) return false;
  w->done(make_error(DriverErrc::kRejected,
                     w->t.who() + ": its health check does not see the member up after " +
                         std::to_string(static_cast<long>(w->timeout_s)) +
                         " s (last seen: " + w->last_seen + ")"));
  return true;
}

}  // namespace hitless::drivers
