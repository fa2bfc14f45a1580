#pragma once
// JSON views of emulated nodes: what `hitless lab inspect` and GET /api/v1/status show.
// Pure; read-only.

#include <nlohmann/json.hpp>

#include "lab/model/node.hpp"

namespace hitless::lab {

// The full observable state of one node (the management API's status document).
nlohmann::json node_status_json(const Node& node, double now);
// The configuration view (GET /api/v1/config): items by name with their values, the model time
// each item last changed (only those changed since the lab started), the recording ids, and
// the configuration checksum (users and settings only) beside the whole-store checksum.
nlohmann::json node_config_json(const Node& node);

}  // namespace hitless::lab
