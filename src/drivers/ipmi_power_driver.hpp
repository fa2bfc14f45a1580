#pragma once
// IpmiPowerDriver: out-of-band power through a node's BMC over IPMI 2.0 (lanplus), by running
// Debian's `ipmitool` asynchronously: `chassis power on|off`, then `chassis power status` to
// confirm the BMC reports the state asked for. Chosen per node by the inventory's
// `power: {driver: ipmi, address, user, password_file}`; nodes whose power is `lab-bmc` keep the
// lab's REST BMC (LabApplianceDriver). Single-threaded: callbacks run on the io_context's thread.
//
// Always cipher suite 3 (`-C 3`): ipmitool's default first asks for the channel's cipher suites,
// which simple BMCs (OpenIPMI's ipmi_sim) do not implement, and every call then takes 10 s; suite
// 0 would accept any password. The password goes through `-f FILE`, never the command line.

#include <map>
#include <memory>
#include <string>

#include "drivers/drivers.hpp"
#include "model/inventory.hpp"
#include "net/process_runner.hpp"

namespace hitless::drivers {

struct IpmiTarget {
  std::string host;
  std::string port;
  std::string user;
  std::string password_file;
};

class IpmiPowerDriver final : public PowerDriver {
 public:
  // Every node of `inventory` whose power driver is "ipmi". Fails naming the node and field when
  // an address is not host:port or a password file is missing or readable by group or others.
  static Result<std::unique_ptr<IpmiPowerDriver>, DriverErrc> create(boost::asio::io_context& io,
                                                                     const Inventory& inventory,
                                                                     double timeout_s);
  bool serves(const std::string& node) const { return targets_.count(node) > 0; }

  void set_power(const std::string& node, bool on, Callback<Unit> done) override;
  // `chassis power status`, read strictly (parse_chassis_power_status).
  void power_state(const std::string& node, Callback<bool> done) override;

 private:
  IpmiPowerDriver(boost::asio::io_context& io, double timeout_s)
      : runner_(io), timeout_s_(timeout_s) {}
  void ipmitool(const IpmiTarget& t, const std::string& node, std::vector<std::string> command,
                Callback<std::string> done);

  net::ProcessRunner runner_;
  double timeout_s_;
  std::map<std::string, IpmiTarget> targets_;
};

}  // namespace hitless::drivers
