#include "lab/daemon/control_api.hpp"

#include <sodium.h>

#include "lab/daemon/lab_dir.hpp"
#include "lab/daemon/management_api.hpp"
#include "lab/model/node_json.hpp"

namespace hitless::lab {
namespace {
using nlohmann::json;

net::HttpReply reply(net::HttpResponse r) {
  net::HttpReply out;
  out.response = std::move(r);
  return out;
}
net::HttpReply fail(int status, const std::string& msg) {
  return reply(error_response(status, msg));
}

bool bearer_ok(const net::HttpRequest& req, const std::string& token) {
  const std::string h = req.header("authorization");
  const std::string want = "Bearer " + token;
  return !token.empty() && h.size() == want.size() &&
         sodium_memcmp(h.data(), want.data(), want.size()) == 0;
}

}  // namespace

json inspect_json(ControlContext& ctx) {
  const double now = ctx.world->clock().now();
  json nodes = json::array();
  for (const auto& n : ctx.world->nodes()) {
    json j = node_status_json(*n, now);
    const auto& ep = ctx.runtime->endpoint(n->name());
    j["address"] = ep.host + ":" + std::to_string(ep.port);
    j["listening"] = ctx.runtime->listening(n->name());
    j["shared_ip"]["bound"] = ctx.runtime->vip_bound(n->name());
    j["owns_shared_ip"] = ctx.runtime->vip_bound(n->name());
    j["requests_served"] = ctx.runtime->requests_served(n->name());
    j["management_requests"] = ctx.runtime->management_requests(n->name());
    nodes.push_back(std::move(j));
  }
  json clusters = json::array();
  for (const auto& c : ctx.world->spec().clusters)
    clusters.push_back({{"name", c.name},
                        {"kind", to_string(c.kind)},
                        {"traffic", to_string(c.traffic)},
                        {"service", service_address(ctx.world->spec(), c, *ctx.runtime, ctx.traffic,
                                                    ctx.load_balancers, ctx.chassis_services)},
                        {"nodes", c.nodes}});
  json out{{"lab", ctx.world->spec().name},
           {"time", now},
           {"time_scale", ctx.time_scale},
           {"clusters", clusters},
           {"nodes", nodes}};
  if (ctx.chassis_inspect) out["chassis"] = ctx.chassis_inspect();
  return out;
}

net::HttpReply handle_control(ControlContext& ctx, const net::HttpRequest& req) {
  const std::string path = req.path();
  if (path.rfind("/lab/", 0) == 0) {
    if (req.header("authorization").empty())
      return fail(401, "missing bearer token (see DIR/secrets/control.token)");
    if (!bearer_ok(req, ctx.token)) return fail(403, "control token not valid");
  }
  json body = json::object();
  if (!req.body.empty()) {
    body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return fail(400, "request body is not a JSON object");
  }
  auto node_of = [&](const std::string& name) -> Node* { return ctx.world->find(name); };

  // Out-of-band power: /bmc/<node>/power, authorised by that node's BMC token.
  if (path.rfind("/bmc/", 0) == 0) {
    const auto slash = path.find('/', 5);
    if (slash == std::string::npos || path.substr(slash) != "/power")
      return fail(404, "no such endpoint: " + path);
    const std::string name = path.substr(5, slash - 5);
    Node* n = node_of(name);
    if (!n || !n->spec().oob_power)
      return fail(404, "no out-of-band power controller for '" + name + "'");
    if (!bearer_ok(req, ctx.runtime->endpoint(name).bmc_token))
      return fail(req.header("authorization").empty() ? 401 : 403,
                  "BMC token not valid for " + name);
    if (req.method == "GET")
      return net::HttpReply::json(
          200, json{{"node", name}, {"power", n->powered() ? "on" : "off"}}.dump());
    if (req.method != "POST") return fail(405, "use GET or POST");
    if (!body.contains("state") || !body["state"].is_string() ||
        (body["state"] != "on" && body["state"] != "off"))
      return fail(400, "field 'state' must be \"on\" or \"off\"");
    (void)n->power(body["state"] == "on");
    return net::HttpReply::json(202, json{{"node", name}, {"power", body["state"]}}.dump());
  }

  if (path.rfind("/lab/", 0) != 0) return fail(404, "no such endpoint: " + path);

  if (path == "/lab/ready" && req.method == "GET")
    return net::HttpReply::json(200, R"({"ready":true})");
  if (path == "/lab/inspect" && req.method == "GET")
    return net::HttpReply::json(200, inspect_json(ctx).dump());
  if (path == "/lab/shutdown" && req.method == "POST") {
    ctx.shutdown();
    return net::HttpReply::json(202, R"({"accepted":"shutdown"})");
  }
  if ((path == "/lab/fault" || path == "/lab/power") && req.method == "POST") {
    if (!body.contains("node") || !body["node"].is_string())
      return fail(400, "missing string field 'node'");
    Node* n = node_of(body["node"].get<std::string>());
    if (!n) return fail(404, "no node named '" + body["node"].get<std::string>() + "' in this lab");
    if (path == "/lab/power") {
      if (!body.contains("state") || (body["state"] != "on" && body["state"] != "off"))
        return fail(400, "field 'state' must be \"on\" or \"off\"");
      (void)n->power(body["state"] == "on");
      return net::HttpReply::json(202, json{{"node", n->name()}, {"power", body["state"]}}.dump());
    }
    if (!body.contains("kind") || !body["kind"].is_string())
      return fail(400, "missing string field 'kind'");
    const std::string kind = body["kind"];
    if (kind == "clear") {
      n->clear_faults();
    } else if (auto f = parse_fault(kind)) {
      n->inject(*f);
    } else {
      return fail(400, "unknown fault '" + kind + "'; known: " + fault_names());
    }
    if (ctx.on_fault) ctx.on_fault(n->name(), kind);
    json faults = json::array();
    for (Fault f : n->faults()) faults.push_back(to_string(f));
    return net::HttpReply::json(200, json{{"node", n->name()}, {"faults", faults}}.dump());
  }
  return fail(404, "no such endpoint: " + req.method + " " + path);
}

}  // namespace hitless::lab
