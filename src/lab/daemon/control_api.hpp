#pragma once
// The lab's own control endpoint (not part of any appliance): inspect every node, inject faults,
// pull the power cord, shut the lab down, and the out-of-band power (BMC/IPMI) of nodes that
// have it. Documented in docs/lab-api.md. Runs on the lab thread.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "lab/daemon/lab_dir.hpp"
#include "lab/daemon/lab_runtime.hpp"
#include "net/http_server.hpp"

namespace hitless::lab {

class LabTraffic;

struct ControlContext {
  LabWorld* world;
  LabRuntime* runtime;
  std::string token;
  double time_scale;
  std::function<void()> shutdown;       // stops the daemon after the reply is sent
  const LabTraffic* traffic = nullptr;  // DNS / NAT components (service addresses)
  const std::map<std::string, LoadBalancerInfo>* load_balancers = nullptr;  // behind HAProxy
  // Chassis clusters (seed 002): a fault injected into a routing engine reaches the chassis
  // model too (boot-fail, clear); their state for inspect.
  std::function<void(const std::string& node, const std::string& kind)> on_fault;
  std::function<nlohmann::json()> chassis_inspect;
  const std::map<std::string, std::string>* chassis_services = nullptr;  // by cluster
};

net::HttpReply handle_control(ControlContext& ctx, const net::HttpRequest& req);
nlohmann::json inspect_json(ControlContext& ctx);

}  // namespace hitless::lab
