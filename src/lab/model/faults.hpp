#pragma once
// Faults that the lab can inject into an emulated appliance, as named on the command line
// (`hitless lab fault DIR NODE KIND`). Pure values.

#include <optional>
#include <string>
#include <string_view>

namespace hitless::lab {

enum class Fault {
  kInstallFail,   // the next install errors out; the node stays on its version and keeps serving
  kBootFail,      // a newly installed slot does not boot; the node reverts after its boot timeout
  kHang,          // the next install never completes (until power is cycled)
  kUnreachable,   // the management API stops answering; the data plane keeps serving
  kSlowSync,      // failover sync runs ten times slower
  kDiskFull,      // staging a package fails for lack of space
  kCorruptStage,  // a staged package arrives altered, so its signature check fails
  kCompatFail,    // the pre-upgrade compatibility test reports an error (S11)
};

std::optional<Fault> parse_fault(std::string_view name);
const char* to_string(Fault f);
// "install-fail, boot-fail, ..." for error messages.
std::string fault_names();

}  // namespace hitless::lab
