#pragma once
// CommandApplianceDriver: drives appliances by running commands (curl, ssh, ipmitool, a vendor
// CLI, ...) described by each node's vendor profile (profile.hpp), locally or on the node over
// SSH (libssh, the profile's transport). Each Action, `status`, power
// and the service probe map to the profile's command templates, filled with the node's fields
// and the action's parameters (never pasted into a shell unquoted), run asynchronously on the
// executor's io_context with a deadline, their output read as the profile says.
// Secrets (the node's token, the BMC token, {env.*}) are read once at construction, from owner-only
// files or the environment, and redacted from every message and answer the driver returns.
// Single-threaded: runs on the io_context it is given.

#include <map>
#include <memory>
#include <string>

#include "drivers/command/profile.hpp"
#include "drivers/drivers.hpp"
#include "drivers/secrets.hpp"
#include "model/inventory.hpp"
#include "net/process_runner.hpp"
#include "net/ssh_runner.hpp"

namespace hitless::drivers {

// Every node of `inv` with `driver: command`, with its profile loaded: errors name the node and
// the profile file. Shared by the driver and the plan-time check.
Result<std::map<std::string, std::shared_ptr<const Profile>>, DriverErrc> load_node_profiles(
    const Inventory& inv);

class CommandApplianceDriver final : public NodeDriver {
 public:
  static Result<std::unique_ptr<CommandApplianceDriver>, DriverErrc> create(
      boost::asio::io_context& io, const Inventory& inv);

  void observe(const std::string& node, Callback<ObservedNode> done) override;
  void perform(const std::string& node, const Action& action,
               Callback<nlohmann::json> done) override;
  void set_power(const std::string& node, bool on, Callback<Unit> done) override;
  // The profile's optional `power-status` action (its `powered` field); kUnsupported without it.
  void power_state(const std::string& node, Callback<bool> done) override;
  void who_answers(const std::string& cluster, Callback<std::string> done) override;

 private:
  struct NodeContext {
    std::shared_ptr<const Profile> profile;
    std::map<std::string, std::string> values;  // placeholder -> value (node.*, secret.*, ...)
  };
  explicit CommandApplianceDriver(boost::asio::io_context& io) : runner_(io), ssh_(io) {}
  // Runs the action's commands in order, merging their answers; errors name node and action.
  void run(const std::string& node, const std::string& kind, const nlohmann::json& params,
           Callback<nlohmann::json> done);
  void run_command(std::shared_ptr<const Profile> profile, const ProfileAction& action,
                   std::size_t index, std::map<std::string, std::string> values, std::string node,
                   nlohmann::json answer, Callback<nlohmann::json> done);

  // The result of one command, read as `c` says, into the answer (or the step's error).
  Result<nlohmann::json, DriverErrc> judge(const CommandTemplate& c, const std::string& where,
                                           const std::string& program, net::ProcessResult r);

  net::ProcessRunner runner_;
  net::SshRunner ssh_;  // exec commands, one kept connection per node
  std::map<std::string, NodeContext> nodes_;
  std::map<std::string, std::string> cluster_node_;  // the node whose profile probes the service
  SecretRedactor redactor_;
};

}  // namespace hitless::drivers
