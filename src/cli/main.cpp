// hitless: plans and carries out upgrades of HA appliance clusters. See README.md.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"

int main(int argc, char** argv) {
  CLI::App app{"hitless: upgrades of high-availability appliance clusters with the least downtime"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "hitless 0.1.0");
  int exit_code = hitless::cli::kExitOk;
  hitless::cli::add_plan_commands(app, exit_code);
  hitless::cli::add_run_commands(app, exit_code);
  hitless::cli::add_report_command(app, exit_code);
  hitless::cli::add_catalog_commands(app, exit_code);
  hitless::cli::add_bundle_commands(app, exit_code);
  hitless::cli::add_backup_commands(app, exit_code);
  hitless::cli::add_lab_commands(app, exit_code);
  hitless::cli::add_probe_command(app, exit_code);
  hitless::cli::add_profile_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : hitless::cli::kExitBadInput;
  }
  return exit_code;
}
