#pragma once
// Plan: what hitless will do, as a reviewed artefact. A DAG of steps, each with its verb,
// targets, preconditions, the health gate after it, an estimated duration, whether repeating it
// is safe, and how to undo it; grouped in phases (maintenance windows). The JSON form
// (docs/plan-format.md) carries a content hash of the plan and of the observed state it was
// made from, so a hand-edited or truncated file and a stale plan are both caught.
// Plain values and pure functions.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/observed_state.hpp"
#include "model/policy.hpp"
#include "planner/condition.hpp"

namespace hitless::plan {

enum class Verb {
  kCheck,          // checklist: nodes reachable, healthy, relation as expected
  kBackup,         // download a configuration backup
  kSync,           // failover "Sync Now" and wait for it
  kBreakHa,        // break the failover relation
  kEstablishHa,    // establish it (params: primary, backup)
  kStage,          // upload a package (params: package)
  kCompatTest,     // pre-upgrade compatibility test; must pass (params: package)
  kInstall,        // install (params: package, activate: now | after-reboot)
  kReboot,         // reboot (into the selected slot)
  kVerify,         // node serves at the expected version (params: version)
  kApproval,       // a person verifies and tests, then approves (`hitless approve`)
  kSwitchTraffic,  // move clients from one node to another (params: from, to, via, gap_s)
  kCheckTraffic,   // the traffic mechanism is there and takes our changes (params: via)
  kSetRole,        // failover role change (params: role)
  kSetAccepting,   // accept / stop accepting new connections (params: accepting)
  kPowerOff,       // out-of-band power (params: via)
  kPowerOn,
  kSelectBootSlot,   // boot the other firmware slot at the next reboot (params: slot)
  kRestoreSoftware,  // rollback: boot the slot holding the node's pre-run software (params:
                     // version, packages)
  // Seed 000 clusters (active-active, active-passive):
  kClusterPush,  // wait while the initiator's push upgrades the other members (params: initiator,
                 // package, version); acts on nothing, the cluster does
  kSetMember,    // enable or disable a cluster member (params: enabled); enabling an older one
                 // makes the cluster upgrade it
  kTakeVip,      // a member takes the VIP, sessions transferred (params: from, to): manual failback
  // A member's state at the cluster's load balancer (HAProxy), target: the member.
  kLbCheck,   // the load balancer answers and knows every target (before anything leaves service)
  kLbDrain,   // no new sessions; wait for its sessions (params: drain_timeout_s,
              // on_drain_timeout)
  kLbMaint,   // no traffic at all: the member may go down
  kLbHealth,  // out of maintenance, still drained, until the balancer's check sees it up
              // (params: timeout_s)
  kLbReady,   // takes new sessions again
  // Seed 001 Atlas clusters (a set-accepting step with params.master acts through that master):
  kDistribute,        // the primary master distributes a staged package to every node (params:
                      // package)
  kWaitDrained,       // wait until a node's connected clients ended (params: timeout_s,
                      // on_timeout: stop | force | wait)
  kClusterSync,       // Cluster :: Status > Sync Now on the primary master
  kBackupOperations,  // Failover > Enable Backup Operations (params: enabled)
  // Seed 004 hardware migration (S9):
  kCertTransfer,  // export the certificate, key and chain from targets[0] under a passphrase and
                  // import them into targets[1] (params: passphrase_file, issued_to)
  kCertAssignIp,  // Assign IP: the imported certificate serves an address (params: ip, issued_to)
  kRestore,       // a fresh backup of params.from restored onto the target (params: from)
  kFactoryReset,  // Reset Appliance to Factory Defaults
  kShutDown,      // Shut Down This Appliance (through its management API)
  // Seed 003 SPS HA: Basic Settings > High Availability > Activate Slave, on the primary (params:
  // backup), once the secondary is connected, synced and on the primary's firmware.
  kActivateSlave,
  // Seed 004:
  kSoak,  // wait after a hop so clients catch up (params: seconds, after)
};
const char* to_string(Verb v);
std::optional<Verb> parse_verb(const std::string& s);
// Every verb, in declaration order.
std::vector<Verb> all_verbs();

struct Undo {
  Verb verb;
  std::vector<std::string> targets;
  nlohmann::json params = nlohmann::json::object();
  std::string title;
};

struct Step {
  std::string id;  // "<cluster>/<nn>-<verb>-<node>[-<package>]", unique
  Verb verb = Verb::kCheck;
  std::string cluster;
  std::vector<std::string> targets;
  nlohmann::json params = nlohmann::json::object();
  std::vector<std::string> after;  // ids of steps that must succeed first
  int phase = 0;
  std::vector<Condition> preconditions;  // checked before the step acts
  std::vector<Condition> gate;           // must hold after it, within its timeout
  // Checked before the step takes nodes out of service, counting the nodes that steps in flight
  // (and this one) take out as down: a step that would break one does not start; the run pauses.
  std::vector<Condition> guards;
  double estimate_s = 0;    // model seconds
  bool repeat_safe = true;  // may be re-run blindly after a crash
  std::optional<Undo> undo;
  std::string title;     // one line for people
  std::string seed_ref;  // where the vendor procedure says so
  // Set on the step after which no firmware slot of its node holds the node's pre-run software
  // any more (a second install writes over it): rollback past it cannot restore that software.
  std::string no_return;
};

struct Phase {
  int index = 0;
  std::string name;
};

struct Plan {
  static constexpr const char* kSchema = "hitless.plan/2";
  std::string inventory_file;
  std::string target_version;
  std::vector<std::string> clusters;
  std::vector<std::string> strategies;  // per cluster, same order
  double time_scale = 1;
  // Per planned cluster, the effective policy as canonical JSON ({"pair": to_json(Policy)}); read
  // it typed with cluster_policy(). Part of the hashed content like every other field.
  nlohmann::json policy = nlohmann::json::object();
  // What the planner decided for the operator to know (e.g. a policy value it clamped).
  std::vector<std::string> notes;
  ObservedState observed;
  std::vector<Phase> phases;
  std::vector<Step> steps;

  const Step* find(const std::string& id) const;
  // Critical-path length of the DAG from the estimates (model seconds).
  double estimated_makespan_s() const;
};

enum class PlanErrc { kMalformed, kTampered, kUnsupported };

// The canonical JSON (docs/plan-format.md) with "plan_hash" and "observed_hash", written
// straight from the plan: compact, as json::dump() prints it.
std::string to_json_text(const Plan& p);
// The same document as `hitless plan -o` writes it: indented, each step on its own line.
std::string to_file_text(const Plan& p);
std::string to_file_text(const Plan& p, const std::string& hash);  // given plan_hash(p)
// The same document as an nlohmann tree (for tests and tools that edit it).
nlohmann::json to_json(const Plan& p);
// SHA-256 of the compact canonical JSON of everything but "plan_hash".
std::string plan_hash(const Plan& p);
// Parses a plan file's text; refuses truncated, hand-edited (hash mismatch) or foreign files.
Result<Plan, PlanErrc> plan_from_json_text(const std::string& text, const std::string& file_name);
std::string to_text(const Plan& p);
// The same, given plan_hash(p) already computed (it writes the whole plan once more).
std::string to_text(const Plan& p, const std::string& hash);
std::string to_dot(const Plan& p);
// The typed policy of `cluster`. A plan that carries no entry for it (made before policies were
// planned, or built by hand in tests) gets the defaults; an entry that does not parse is
// kMalformed (plan_from_json_text already refuses such a file).
Result<Policy, PlanErrc> cluster_policy(const Plan& p, const std::string& cluster);

}  // namespace hitless::plan
