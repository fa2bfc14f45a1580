#pragma once
// JunosCli: the operational commands of seed 002 as the lab's SSH server answers them, acting on
// a Chassis. One call per exec request: the command line, what the client sent on stdin (the
// answer to "[yes,no]" questions) and the engine the session is logged in to. Output is shaped
// like the seed's so vendor profiles written against real JunOS read it unchanged.
// Pure (no sockets); the caller serialises calls with the chassis' scheduler thread.

#include <string>

#include "lab/model/chassis.hpp"

namespace hitless::lab {

struct CliReply {
  std::string output;
  int exit_status = 0;
  // The engine went down under the session (request system reboot): the server prints the
  // output, then drops the connection without an exit status, as a rebooting router does.
  bool drop_connection = false;
};

CliReply run_junos_command(Chassis& chassis, int engine_slot, const std::string& command,
                           const std::string& stdin_text);

}  // namespace hitless::lab
