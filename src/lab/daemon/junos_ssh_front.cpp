#include "lab/daemon/junos_ssh_front.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hitless::lab {
namespace {

// Error lines (and the indented lines that follow one) go to stderr, the rest to stdout, so a
// client that shows the first lines of a failed command shows why it failed, not the progress.
net::SshExecReply split_errors(const CliReply& r) {
  net::SshExecReply reply{"", "", r.exit_status, r.drop_connection};
  std::istringstream in(r.output);
  bool in_error = false;
  for (std::string line; std::getline(in, line);) {
    in_error = line.rfind("error:", 0) == 0 || (in_error && line.rfind("  ", 0) == 0);
    (in_error ? reply.err : reply.out) += line + "\n";
  }
  if (!r.output.empty() && r.output.back() != '\n' && !reply.out.empty()) reply.out.pop_back();
  return reply;
}

}  // namespace

JunosSshFront::JunosSshFront(Chassis& chassis, OnModel on_model, const std::string& lab_dir,
                             const std::string& user)
    : client_key_(lab_dir + "/" + chassis.name() + "-client_key"),
      known_hosts_(lab_dir + "/known_hosts") {
  const std::string host_key = lab_dir + "/" + chassis.name() + "-host_key";
  net::ensure_ed25519_key(host_key);
  net::ensure_ed25519_key(client_key_);
  for (int slot = 0; slot < 2; ++slot) {
    net::SshServerOptions options{"127.0.0.1", 0, host_key, client_key_ + ".pub", user, false};
    servers_[slot] = std::make_unique<net::SshServer>(
        options, [&chassis, on_model, slot](const std::string& command, const std::string& input,
                                            const std::atomic<bool>&) {
          CliReply r = on_model([&] { return run_junos_command(chassis, slot, command, input); });
          return split_errors(r);
        });
  }
  std::ofstream out(known_hosts_, std::ios::app);
  for (const auto& s : servers_) out << s->known_hosts_line();
  if (!out) throw std::runtime_error(known_hosts_ + ": cannot write");
}

void JunosSshFront::stop() {
  for (auto& s : servers_) s->stop();
}

}  // namespace hitless::lab
