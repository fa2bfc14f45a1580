#pragma once
// Faults that the lab can inject into an emulated appliance, as named on the command line
// (`hitless lab fault --dir DIR NODE KIND`). A fault stays in force until `clear` (what a fault
// already did to the node, a wedge or a hang, lasts until the node is power cycled).
// Pure values.

#include <optional>
#include <string>
#include <string_view>

namespace hitless::lab {

enum class Fault {
  kInstallFail,     // installs error out; the node stays on its version and keeps serving
  kBootFail,        // a newly installed slot does not boot; the node reverts after its boot timeout
  kHang,            // installs never complete; only a power cycle ends one (clear the fault first)
  kUnreachable,     // the management API stops answering; the data plane keeps serving
  kSlowSync,        // failover sync runs ten times slower
  kDiskFull,        // staging a package fails for lack of space
  kCorruptStage,    // a staged package arrives altered, so its signature check fails
  kCompatFail,      // the compatibility test reports an error and installs are refused (S11)
  kNeverDrains,     // client sessions on the node never end by themselves (S6/S7 drain fault)
  kRefusesRestore,  // Restore Settings refuses every backup (S9 fault)
  kNoPowerOn,       // out-of-band power on is accepted but the node stays off (S12: the secondary
                    // not powering on)
  kClockSkew,       // the node's clock reads 25 hours ahead (NTP broken; seed 004's clock check)
  kWedgeAfterPeerFirmware,  // S12: once the firmware from its HA peer is written (active after
                            // reboot), the management plane wedges: the API and Other node >
                            // Shutdown get no answer, the data plane keeps serving; only a power
                            // cycle (out of band) ends the wedge
};

std::optional<Fault> parse_fault(std::string_view name);
const char* to_string(Fault f);
// "install-fail, boot-fail, ..." for error messages.
std::string fault_names();

}  // namespace hitless::lab
