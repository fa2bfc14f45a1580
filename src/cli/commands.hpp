#pragma once
// Registration of the command-line subcommands. Each `add_*` attaches a subcommand to the app and
// stores the exit code of its run in `exit_code`. Thin: the work is done by the libraries.

namespace CLI {
class App;
}

namespace hitless::cli {

void add_lab_commands(CLI::App& app, int& exit_code);
void add_probe_command(CLI::App& app, int& exit_code);
void add_plan_commands(CLI::App& app, int& exit_code);
void add_run_commands(CLI::App& app, int& exit_code);
void add_report_command(CLI::App& app, int& exit_code);
void add_catalog_commands(CLI::App& app, int& exit_code);
void add_bundle_commands(CLI::App& app, int& exit_code);
void add_profile_command(CLI::App& app, int& exit_code);
void add_backup_commands(CLI::App& app, int& exit_code);

}  // namespace hitless::cli
