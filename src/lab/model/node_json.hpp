#pragma once
// JSON views of emulated nodes: what `hitless lab inspect` and GET /api/v1/status show.
// Pure; read-only.

#include <nlohmann/json.hpp>

#include "lab/model/node.hpp"

namespace hitless::lab {

// The full observable state of one node (the management API's status document).
nlohmann::json node_status_json(const Node& node, double now);

}  // namespace hitless::lab
