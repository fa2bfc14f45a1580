#pragma once
// Exit codes of the `hitless` command, documented in docs/cli.md.

namespace hitless::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;    // the operation ran and failed (a node refused, a timeout)
inline constexpr int kExitBadInput = 2;  // bad command line or input file; nothing was changed
inline constexpr int kExitNotRunning = 3;  // no lab is running in that directory

}  // namespace hitless::cli
