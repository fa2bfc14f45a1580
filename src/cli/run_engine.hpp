#pragma once
// Running the executor for real: the lab drivers over HTTP, the real clock scaled like the
// inventory, live progress on the terminal, Ctrl-C stops cleanly (the journal keeps the place
// for `hitless resume`). Blocking; command line only.

#include <optional>
#include <string>

#include "cli/upgrade_context.hpp"
#include "executor/executor.hpp"
#include "journal/journal.hpp"
#include "planner/plan.hpp"

namespace hitless::cli {

struct EngineOptions {
  bool auto_approve = false;
  int stop_after_phase = -1;  // 0-based; -1 = all
  bool rollback = false;
  double api_timeout_s = 5;
  std::string backup_dir;
  // Seals every configuration backup; empty: backups are not kept and installs do not start
  // (rollback needs none). Never written anywhere.
  std::string backup_passphrase;
  bool quiet = false;
  std::optional<exec::ConfigChangePolicy> config_changes;  // resume's --config-changes
};

// Returns the outcome; "interrupted" when stopped by a signal.
exec::RunOutcome run_engine(const plan::Plan& plan, const UpgradeContext& ctx,
                            journal::Journal& journal, const EngineOptions& o);

}  // namespace hitless::cli
