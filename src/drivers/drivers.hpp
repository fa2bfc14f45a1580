#pragma once
// Driver interfaces: how the executor (and the simulator) act on the world. Named by role;
// implementations are named by mechanism (LabApplianceDriver over the lab's REST API,
// SimApplianceDriver on the in-process node model; later a command driver, HAProxy, DNS).
// Every call completes through its callback, never inline, on the executor's thread.
// Expected failures travel as Result values.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "common/result.hpp"
#include "model/observed_state.hpp"

namespace hitless::drivers {

enum class DriverErrc {
  kUnreachable,  // no answer (connection refused, timeout): the node or its API is down
  kRejected,     // the appliance refused (4xx/5xx with a reason)
  kProtocol,     // an answer we cannot understand
  kUnsupported,  // this driver cannot do that
};

template <class T>
using Callback = std::function<void(Result<T, DriverErrc>)>;

// One management action on an appliance. `kind` is one of:
//   backup | stage {package, file, signature} | stage-bundle {file, sha256, packages} |
//   compat-test {package} |
//   install {package, activate: now|after-reboot} | reboot | select-boot-slot {slot} |
//   ha-break | ha-establish {peer, role} | ha-sync | ha-role {role, force} |
//   shared-ip {enabled} | accepting {accepting} | power-off |
//   member-enable | member-disable | vip-take (seed 000 clusters) |
//   atlas-distribute {package} | atlas-accepting {node, accepting} | atlas-sync |
//   atlas-backup-ops {enabled} (seed 001 Atlas clusters, sent to a master)
struct Action {
  std::string kind;
  nlohmann::json params = nlohmann::json::object();
};

class ApplianceDriver {
 public:
  virtual ~ApplianceDriver() = default;
  virtual void observe(const std::string& node, Callback<ObservedNode> done) = 0;
  // The appliance's answer as JSON (e.g. a backup's content, a compatibility report).
  virtual void perform(const std::string& node, const Action& action,
                       Callback<nlohmann::json> done) = 0;
};

// Out-of-band power (IPMI / BMC).
class PowerDriver {
 public:
  virtual ~PowerDriver() = default;
  virtual void set_power(const std::string& node, bool on, Callback<Unit> done) = 0;
  // Whether the node's BMC reports its power on (true) or off (false). kUnsupported means the
  // node has no power reading (no out-of-band power in the inventory, or a driver that only
  // switches): the executor then judges "powered off" by the management API's silence. This
  // default answers so inline; callers that need the rule above post the answer themselves.
  virtual void power_state(const std::string& node, Callback<bool> done) {
    done(make_error(DriverErrc::kUnsupported, node + " has no out-of-band power reading"));
  }
};

// Who answers clients at a cluster's service address.
class ServiceProbe {
 public:
  virtual ~ServiceProbe() = default;
  // The name of the node that answered, or an error when nobody answered.
  virtual void who_answers(const std::string& cluster, Callback<std::string> done) = 0;
};

// Moves a cluster's clients from one node to another: a shared IP (SharedIpTrafficSwitch), and
// next a load balancer, a DNS record or a NAT rule behind the same call. `via` names the mechanism
// the plan expects; a switch that does not provide it answers kUnsupported.
// A load balancer in front of an active/active cluster (HaproxyTrafficSwitch) also sets one
// member's state there through `balance`, `action.kind` being one of:
//   lb-check  {servers}      the load balancer answers and knows every server in the list
//   lb-drain  {server, drain_timeout_s, on_drain_timeout: wait|force|stop}
//                            no new sessions to it; answers once its sessions ended, or at the
//                            timeout waits on, cuts them ({"forced": N}) or fails, as told
//   lb-maint  {server}       no traffic at all (the member may now go down)
//   lb-health {server, timeout_s}
//                            out of maintenance but still drained; answers once the load
//                            balancer's own health check sees the member up
//   lb-ready  {server}       takes new sessions again
// Times are model seconds. Any refusal names the load balancer and its own answer.
class TrafficSwitch {
 public:
  virtual ~TrafficSwitch() = default;
  virtual void move_clients(const std::string& cluster, const std::string& from,
                            const std::string& to, const std::string& via,
                            Callback<nlohmann::json> done) = 0;
  // Before the first step that takes a node out of service: is the mechanism there and willing
  // (the DNS server takes this key's updates, the NAT chain exists)? Default: nothing to check.
  virtual void check(const std::string& cluster, const std::string& via,
                     Callback<nlohmann::json> done) {
    (void)cluster;
    (void)via;
    done(nlohmann::json::object());
  }
  virtual void balance(const std::string& cluster, const Action& action,
                       Callback<nlohmann::json> done) {
    done(make_error(
        DriverErrc::kUnsupported,
        "cluster " + cluster + ": no load balancer is configured for '" + action.kind + "'"));
  }
};

// One driver instance serving some nodes: it speaks for them as appliance, power and probe.
class NodeDriver : public ApplianceDriver, public PowerDriver, public ServiceProbe {};

struct Drivers {
  ApplianceDriver* appliance = nullptr;
  PowerDriver* power = nullptr;
  ServiceProbe* service = nullptr;
  TrafficSwitch* traffic = nullptr;  // null: the shared IP, through the appliance driver
};

}  // namespace hitless::drivers
