#include "lab/daemon/cluster_api.hpp"

#include <nlohmann/json.hpp>

#include "lab/daemon/management_api.hpp"

namespace hitless::lab {

nlohmann::json cluster_status_json(LabWorld& world, const Node& node) {
  using nlohmann::json;
  const ClusterSpec* c = world.spec().find_cluster(node.spec().cluster);
  json members = json::array();
  std::string vip_owner;
  for (const auto& n : world.nodes()) {
    if (n->spec().cluster != node.spec().cluster) continue;
    json staged = json::array();
    for (const auto& [id, p] : n->staged())
      staged.push_back({{"id", id}, {"revision", p.revision()}});
    if (n->shared_ip_enabled()) vip_owner = n->name();
    members.push_back({{"name", n->name()},
                       {"enabled", n->member_enabled()},
                       {"version", n->version()},
                       {"serving", n->serving()},
                       {"vip", n->shared_ip_enabled()},
                       {"staged", staged},
                       {"last_push", n->last_push()}});
  }
  return json{{"cluster", node.spec().cluster},
              {"kind", c ? to_string(c->kind) : "single"},
              {"version", world.cluster_version(node)},
              {"vip_owner", vip_owner},
              {"members", members}};
}

std::optional<net::HttpResponse> handle_cluster(LabWorld& world, Node& node,
                                                const net::HttpRequest& req) {
  using nlohmann::json;
  const std::string path = req.path();
  const std::string& m = req.method;
  auto answer = [](const NodeStatus& s, json body) {
    if (!s) return error_response(s.code(), s.message());
    net::HttpResponse r;
    r.body = body.dump();
    return r;
  };
  if (path == "/api/v1/cluster" && m == "GET") {
    net::HttpResponse r;
    r.body = cluster_status_json(world, node).dump();
    return r;
  }
  if (path == "/api/v1/cluster/member" && m == "PUT") {
    json b = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
    if (!b.is_object() || !b.contains("enabled") || !b["enabled"].is_boolean())
      return error_response(400, "body must be {\"enabled\": true|false}");
    const bool enabled = b["enabled"].get<bool>();
    return answer(world.set_member_enabled(node, enabled),
                  {{"node", node.name()}, {"enabled", enabled}});
  }
  if (path == "/api/v1/cluster/vip" && m == "POST")
    return answer(world.move_vip(node), {{"vip_owner", node.name()}});
  return std::nullopt;
}

}  // namespace hitless::lab
