#pragma once
// The emulated appliance's management API (HTTP/JSON under /api/v1, documented in
// docs/lab-api.md). Maps each request onto the node model; every bad request gets a 4xx with a
// reason and changes nothing. Authentication is checked by the caller. Runs on the lab thread.

#include "lab/model/lab_world.hpp"
#include "net/http_types.hpp"

namespace hitless::lab {

net::HttpResponse handle_management(LabWorld& world, Node& node, const net::HttpRequest& req);

// Model seconds the appliance takes before a successful answer to `req` reaches the client: 0
// for most requests; a configuration backup takes Node::backup_duration_s (seed 004). Call it
// before handle_management (which may change the node). The daemon defers the answer by it.
double answer_delay_s(const Node& node, const net::HttpRequest& req);

// {"error": message} with the status that fits the model's error code.
net::HttpResponse error_response(NodeErrc code, const std::string& message);
net::HttpResponse error_response(int status, const std::string& message);

}  // namespace hitless::lab
