#include "lab/daemon/junos_ssh_front.hpp"

#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "catalog/package.hpp"

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

// `file copy SOURCE DESTINATION`: how the profile's stage puts an image on the router. The lab
// shares the orchestrator's host, so SOURCE is a path it can read; the image's manifest says
// which version it holds. Read here, outside the model call (it is file I/O).
std::optional<CliReply> copy_file(Chassis& chassis, const OnModel& on_model,
                                  const std::string& command) {
  std::istringstream in(command);
  std::string file, copy, source, destination, extra;
  in >> file >> copy >> source >> destination;
  if (file != "file" || copy != "copy") return std::nullopt;
  if (destination.empty() || (in >> extra))
    return CliReply{"error: usage: file copy SOURCE DESTINATION\n", 1, false};
  std::ifstream src(source, std::ios::binary);
  std::ostringstream bytes;
  bytes << src.rdbuf();
  if (!src) return CliReply{"error: " + source + ": No such file or directory\n", 1, false};
  auto manifest = catalog::decode_package(bytes.str());
  if (!manifest)
    return CliReply{"error: " + source + ": not a software image: " + manifest.message() + "\n", 1,
                    false};
  return on_model([&] {
    chassis.stage(destination, manifest->version);
    return CliReply{"Copying file '" + source + "' to '" + destination + "' ... done\n", 0, false};
  });
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
          if (auto copied = copy_file(chassis, on_model, command)) return split_errors(*copied);
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
