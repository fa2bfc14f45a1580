#include "simulator/sim_drivers.hpp"

#include <fstream>
#include <iterator>

#include "catalog/signing.hpp"
#include "drivers/lab_protocol.hpp"
#include "lab/daemon/management_api.hpp"
#include "lab/model/node_json.hpp"

namespace hitless::sim {

using drivers::DriverErrc;

template <class T>
void SimDrivers::reply(drivers::Callback<T> done, Result<T, DriverErrc> r) {
  auto shared = std::make_shared<Result<T, DriverErrc>>(std::move(r));
  world_.clock().call_after(latency_s_,
                            [done = std::move(done), shared] { done(std::move(*shared)); });
}

SimChassis* SimDrivers::chassis_of(const std::string& node) const {
  for (SimChassis* c : chassis_)
    if (c->has(node)) return c;
  return nullptr;
}

void SimDrivers::observe(const std::string& name, drivers::Callback<ObservedNode> done) {
  if (SimChassis* c = chassis_of(name))
    return reply<ObservedNode>(std::move(done), c->observe(name));
  lab::Node* n = world_.find(name);
  if (!n)
    return reply<ObservedNode>(std::move(done),
                               make_error(DriverErrc::kUnsupported, "unknown node " + name));
  if (!n->management_up() || n->management_wedged())
    return reply<ObservedNode>(
        std::move(done),
        make_error(DriverErrc::kUnreachable, name + ": " + lab::to_string(n->phase())));
  reply<ObservedNode>(std::move(done), drivers::observed_from_lab_status(
                                           name, lab::node_status_json(*n, world_.clock().now())));
}

void SimDrivers::perform(const std::string& name, const drivers::Action& action,
                         drivers::Callback<nlohmann::json> done) {
  if (SimChassis* c = chassis_of(name)) {
    auto shared = std::make_shared<drivers::Callback<nlohmann::json>>(std::move(done));
    return c->perform(
        name, action, catalog_,
        [this, shared](double delay_s, Result<nlohmann::json, DriverErrc> r) {
          auto result = std::make_shared<Result<nlohmann::json, DriverErrc>>(std::move(r));
          world_.clock().call_after(latency_s_ + delay_s,
                                    [shared, result] { (*shared)(std::move(*result)); });
        });
  }
  lab::Node* n = world_.find(name);
  if (!n)
    return reply<nlohmann::json>(std::move(done),
                                 make_error(DriverErrc::kUnsupported, "unknown node " + name));
  if (!n->management_up() || n->management_wedged())
    return reply<nlohmann::json>(
        std::move(done),
        make_error(DriverErrc::kUnreachable, name + ": " + lab::to_string(n->phase())));
  if (action.kind == "stage-bundle")
    return stage_bundle(name, action.params.value("packages", nlohmann::json::array()), 0,
                        nlohmann::json::array(), std::move(done));
  drivers::Action a = action;
  if (a.kind == "stage") {
    // The package as the repository holds it, signed for the simulated appliances' trusted key.
    const catalog::CatalogPackage* pkg = catalog_.find(a.params.value("package", ""));
    if (!pkg)
      return reply<nlohmann::json>(std::move(done),
                                   make_error(DriverErrc::kRejected, "unknown package"));
    // The repository's file when there is one; otherwise the bytes an in-memory catalog digests.
    std::string file = catalog::encode_package(pkg->manifest, "");
    if (!pkg->path.empty()) {
      std::ifstream in(pkg->path, std::ios::binary);
      file.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    a.params["content"] = file;
    a.params["signature"] =
        *catalog::sign_package(file, {pkg->manifest.name, pkg->manifest.version, {}}, secret_);
  }
  auto rq = drivers::lab_request_for(a);
  if (!rq) return reply<nlohmann::json>(std::move(done), rq.error());
  net::HttpRequest req;
  req.method = rq->method;
  req.target = rq->target;
  req.body = rq->body;
  for (const auto& [k, v] : rq->headers) {
    std::string lower = k;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[lower] = v;
  }
  const net::HttpResponse res = lab::handle_management(world_, *n, req);
  auto j = nlohmann::json::parse(res.body, nullptr, false);
  if (res.status >= 300)
    return reply<nlohmann::json>(
        std::move(done), make_error(DriverErrc::kRejected,
                                    name + " refused " + rq->target + ": " +
                                        (j.is_object() ? j.value("error", res.body) : res.body)));
  reply<nlohmann::json>(std::move(done), std::move(j));
}

void SimDrivers::stage_bundle(const std::string& name, nlohmann::json ids, std::size_t next,
                              nlohmann::json staged, drivers::Callback<nlohmann::json> done) {
  if (next >= ids.size())
    return reply<nlohmann::json>(std::move(done), nlohmann::json{{"staged", std::move(staged)}});
  const std::string id = ids.at(next).get<std::string>();
  perform(name, drivers::Action{"stage", {{"package", id}}},
          [this, name, id, ids, next, staged,
           done = std::move(done)](Result<nlohmann::json, DriverErrc> r) mutable {
            if (!r) return done(std::move(r));
            staged.push_back({{"id", r->value("staged", id)}, {"digest", r->value("digest", "")}});
            stage_bundle(name, std::move(ids), next + 1, std::move(staged), std::move(done));
          });
}

void SimDrivers::set_power(const std::string& name, bool on, drivers::Callback<Unit> done) {
  lab::Node* n = world_.find(name);
  if (!n)
    return reply<Unit>(std::move(done),
                       make_error(DriverErrc::kUnsupported, "unknown node " + name));
  (void)n->power(on);
  reply<Unit>(std::move(done), Unit{});
}

void SimDrivers::power_state(const std::string& name, drivers::Callback<bool> done) {
  lab::Node* n = world_.find(name);
  if (!n || !n->spec().oob_power)
    return reply<bool>(std::move(done), make_error(DriverErrc::kUnsupported,
                                                   name + " has no out-of-band power in the lab"));
  reply<bool>(std::move(done), n->powered());
}

void SimDrivers::move_clients(const std::string& cluster, const std::string& from,
                              const std::string& to, const std::string& via,
                              drivers::Callback<nlohmann::json> done) {
  if (via == "shared-ip")  // as SharedIpTrafficSwitch does: off on `from`, then on on `to`
    return perform(
        from, drivers::Action{"shared-ip", {{"enabled", false}}},
        [this, to, done = std::move(done)](Result<nlohmann::json, DriverErrc> r) mutable {
          if (!r) return done(std::move(r));
          perform(to, drivers::Action{"shared-ip", {{"enabled", true}}}, std::move(done));
        });
  if (via != "dns" && via != "nat")
    return reply<nlohmann::json>(
        std::move(done),
        make_error(DriverErrc::kUnsupported, "cluster " + cluster + ": no switch for " + via));
  pointed_at_[cluster] = to;
  reply<nlohmann::json>(std::move(done), nlohmann::json{{"via", via}, {"to", to}});
}

void SimDrivers::who_answers(const std::string& cluster, drivers::Callback<std::string> done) {
  if (auto it = pointed_at_.find(cluster); it != pointed_at_.end()) {
    const lab::Node* n = world_.find(it->second);
    if (n && n->serving() && n->accepting()) return reply<std::string>(std::move(done), n->name());
    return reply<std::string>(
        std::move(done),
        make_error(DriverErrc::kUnreachable, it->second + " does not answer for " + cluster));
  }
  for (const auto& n : world_.nodes()) {
    if (n->spec().cluster != cluster) continue;
    const bool reaches = n->shared_ip().empty() ? true : n->shared_ip_enabled();
    if (reaches && n->serving() && n->accepting())
      return reply<std::string>(std::move(done), n->name());
  }
  reply<std::string>(std::move(done),
                     make_error(DriverErrc::kUnreachable, "nobody answers for " + cluster));
}

}  // namespace hitless::sim
