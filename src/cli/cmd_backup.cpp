// `hitless backup list | restore`: the sealed configuration backups a run kept (before the first
// install on each node), and putting one back onto a node.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "catalog/backup_store.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/upgrade_context.hpp"

namespace hitless::cli {
namespace {

struct BackupArgs {
  std::string dir, journal, node, file, into, inventory, passphrase_file;
  double api_timeout_s = 5;
  std::string backup_dir() const { return !dir.empty() ? dir : journal + ".backups"; }
};

int run_list(const BackupArgs& a) {
  auto all = catalog::list_backups(a.backup_dir());
  if (!all) return std::cerr << "hitless backup list: " << all.message() << "\n", kExitBadInput;
  if (all->empty()) return std::printf("no backups in %s\n", a.backup_dir().c_str()), kExitOk;
  std::printf("%-12s %-10s %-14s %-14s %s\n", "node", "proven", "checksum", "sha256", "file");
  for (const auto& r : *all)
    if (a.node.empty() || r.node == a.node)
      std::printf("%-12s %-10s %-14s %-14s %s\n", r.node.c_str(), r.proven() ? "yes" : "NO",
                  r.checksum.substr(0, 12).c_str(), r.sha256.substr(0, 12).c_str(), r.file.c_str());
  return kExitOk;
}

// The newest proven backup of the node, or the one named by --file.
Result<catalog::BackupRecord, std::string> choose(const BackupArgs& a) {
  auto all = catalog::list_backups(a.backup_dir());
  if (!all) return make_error(std::string(), all.message());
  std::optional<catalog::BackupRecord> pick;
  for (const auto& r : *all) {
    if (!a.file.empty() ? (r.file == a.file || r.file.ends_with("/" + a.file))
                        : (r.node == a.node && r.proven()))
      pick = r;  // sorted oldest first: the last match is the newest
  }
  if (!pick)
    return make_error(std::string(),
                      !a.file.empty() ? "no backup record for " + a.file
                                      : "no proven backup of " + a.node + " in " + a.backup_dir());
  return *pick;
}

int run_restore(const BackupArgs& a) {
  if (a.node.empty() && a.file.empty())
    return std::cerr << "hitless backup restore: give --node or --file\n", kExitBadInput;
  auto pass = catalog::read_passphrase(a.passphrase_file);
  if (!pass)
    return std::cerr << "hitless backup restore: " << pass.message() << "\n", kExitBadInput;
  auto rec = choose(a);
  if (!rec) return std::cerr << "hitless backup restore: " << rec.message() << "\n", kExitBadInput;
  // Opened (digest and passphrase checked) before any node is contacted.
  auto text = catalog::load_backup(*rec, *pass);
  if (!text)
    return std::cerr << "hitless backup restore: " << text.message() << "\n", kExitBadInput;
  const std::string target = a.into.empty() ? rec->node : a.into;
  std::string error;
  auto ctx = load_context(a.inventory, error, true);
  if (!ctx) return std::cerr << "hitless backup restore: " << error << "\n", kExitBadInput;
  auto r = perform_once(ctx->inventory, target, "restore", {{"backup", *text}}, a.api_timeout_s);
  if (!r)
    return std::cerr << "hitless backup restore: " << target << ": " << r.message() << "\n",
           kExitFailed;
  const std::string got = r->value("checksum", std::string());
  if (got != rec->checksum)
    return std::cerr << "hitless backup restore: " << target << " holds checksum " << got
                     << " after the restore, the backup " << rec->checksum << "\n",
           kExitFailed;
  std::printf("restored %s (backup of %s) into %s: checksum %s matches\n", rec->file.c_str(),
              rec->node.c_str(), target.c_str(), got.substr(0, 12).c_str());
  return kExitOk;
}

}  // namespace

void add_backup_commands(CLI::App& app, int& exit_code) {
  auto* backup = app.add_subcommand("backup", "Sealed configuration backups kept by runs");
  backup->require_subcommand(1);
  auto a = std::make_shared<BackupArgs>();
  auto* list = backup->add_subcommand("list", "List backups: node, proven, checksum, file");
  list->add_option("--backup-dir", a->dir, "Backup directory (default: JOURNAL.backups)");
  list->add_option("--journal", a->journal, "The run's journal (its backups)");
  list->add_option("--node", a->node, "Only this node's backups");
  list->callback([a, &exit_code] {
    if (a->dir.empty() && a->journal.empty())
      exit_code =
          (std::cerr << "hitless backup list: give --backup-dir or --journal\n", kExitBadInput);
    else
      exit_code = run_list(*a);
  });

  auto r = std::make_shared<BackupArgs>();
  auto* restore = backup->add_subcommand(
      "restore", "Restore a node's newest proven backup (or --file) onto a node of the inventory");
  restore->add_option("-i,--inventory", r->inventory, "Inventory naming the node")->required();
  restore->add_option("--backup-dir", r->dir, "Backup directory (default: JOURNAL.backups)");
  restore->add_option("--journal", r->journal, "The run's journal (its backups)");
  restore->add_option("--node", r->node, "Whose backup");
  restore->add_option("--file", r->file, "This backup file instead of the node's newest");
  restore->add_option("--into", r->into, "Restore onto this node (default: the backup's node)");
  restore->add_option("--backup-passphrase-file", r->passphrase_file,
                      "Owner-only file holding the passphrase (default: the "
                      "HITLESS_BACKUP_PASSPHRASE environment variable)");
  restore->add_option("--api-timeout", r->api_timeout_s, "Seconds before a call counts as lost");
  restore->callback([r, &exit_code] {
    if (r->dir.empty() && r->journal.empty())
      exit_code =
          (std::cerr << "hitless backup restore: give --backup-dir or --journal\n", kExitBadInput);
    else
      exit_code = run_restore(*r);
  });
}

}  // namespace hitless::cli
