#pragma once
// JunosSshFront: the lab's JunOS CLI over SSH for one chassis (seed 002, S10). Each routing
// engine is reached at its own address (a port per engine, as a real router's fxp0 per RE), so
// `request system reboot` on one engine drops only the sessions logged in to it. Writes the
// host key, a client key (mode 0600) and known_hosts into the lab directory; the inventory
// names them for `driver: command` + `vendor_profile: profiles/junos.yaml`.
// SSH connections have their own threads; every model access goes through `on_model`, which
// runs the call where the chassis lives (under a lock, or posted to the lab's io_context).

#include <functional>
#include <memory>
#include <string>

#include "lab/model/junos_cli.hpp"
#include "net/ssh_server.hpp"

namespace hitless::lab {

using ModelCall = std::function<CliReply()>;
using OnModel = std::function<CliReply(const ModelCall&)>;

class JunosSshFront {
 public:
  // Throws std::runtime_error naming the file or address it could not make.
  JunosSshFront(Chassis& chassis, OnModel on_model, const std::string& lab_dir,
                const std::string& user = "root");
  int port(int slot) const { return servers_[slot]->port(); }
  const std::string& client_key() const { return client_key_; }
  const std::string& known_hosts() const { return known_hosts_; }  // the file's path
  void stop();

 private:
  std::string client_key_, known_hosts_;
  std::unique_ptr<net::SshServer> servers_[2];
};

}  // namespace hitless::lab
