#pragma once
// The seed 000 cluster part of the management API (docs/lab-api.md, "Cluster (seed 000)"):
// membership state, enabling/disabling a member and taking the VIP (manual failover/failback).
// Pure request -> response over the model, like management_api. Runs on the lab thread.

#include <nlohmann/json.hpp>
#include <optional>

#include "lab/model/lab_world.hpp"
#include "net/http_types.hpp"

namespace hitless::lab {

// nullopt when the request is not a cluster endpoint.
std::optional<net::HttpResponse> handle_cluster(LabWorld& world, Node& node,
                                                const net::HttpRequest& req);

// {"cluster","kind","version","vip_owner","members":[{"name","enabled","version","serving",
// "vip","staged":[{"id","revision"}]}]} for the node's cluster.
nlohmann::json cluster_status_json(LabWorld& world, const Node& node);

}  // namespace hitless::lab
