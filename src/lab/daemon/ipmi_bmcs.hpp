#pragma once
// IpmiBmcs: one OpenIPMI `ipmi_sim` per lab node with out-of-band power, so that hitless (and an
// operator's own `ipmitool`) reach the node's power over real IPMI 2.0 lanplus. Each simulator
// listens on its own loopback UDP port with a user and a random password (DIR/secrets/
// NODE.ipmi-password, 0600). Its `chassis_control` hook (DIR/ipmi/chassis.sh) turns
// `chassis power on|off|status` into the lab's BMC endpoint (/bmc/NODE/power on the control
// address, authorised by the node's BMC token), so the lab node's power is the one truth.
// The simulators are children of the daemon: stopped with it (and by the kernel if it dies).
// Files: DIR/ipmi/NODE/{lan.conf,bmc.emu,state/,sim.log}.

#include <sys/types.h>

#include <map>
#include <string>

#include "lab/spec/lab_spec.hpp"

namespace hitless::lab {

struct IpmiBmc {
  std::uint16_t port = 0;     // UDP on 127.0.0.1
  std::string user;           // "admin"
  std::string password_file;  // relative to DIR: secrets/NODE.ipmi-password
  pid_t pid = -1;
};

class IpmiBmcs {
 public:
  IpmiBmcs() = default;
  IpmiBmcs(const IpmiBmcs&) = delete;
  IpmiBmcs& operator=(const IpmiBmcs&) = delete;
  ~IpmiBmcs() { stop(); }

  // ipmi_sim, ipmitool and curl are installed: without them the lab keeps its REST BMC only.
  static bool available();
  // Starts a simulator for every `oob_power` node and waits until each answers on its port.
  // Returns "" or what failed, naming the node.
  std::string start(const std::string& dir, const LabSpec& spec,
                    const std::string& control_address);
  // Stops every simulator (SIGTERM, then waits for it). Idempotent.
  void stop();

  const IpmiBmc* find(const std::string& node) const;

 private:
  std::map<std::string, IpmiBmc> bmcs_;
};

}  // namespace hitless::lab
