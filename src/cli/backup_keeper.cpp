#include "cli/backup_keeper.hpp"

#include "catalog/backup_store.hpp"
#include "catalog/package.hpp"
#include "lab/model/scratch_restore.hpp"

namespace hitless::cli {

exec::ExecutorOptions::KeepBackup make_backup_keeper(std::string dir, std::string passphrase) {
  // One sealer for the run: one Argon2id derivation for every backup it keeps (at its
  // interactive cost, one per backup held the run's single thread for minutes at 500 nodes).
  // It derives lazily, on the first backup.
  auto sealer = std::make_shared<catalog::BackupSealer>(passphrase);
  return [dir = std::move(dir), pass = std::move(passphrase), sealer](
             const std::string& node, const nlohmann::json& answer,
             double now) -> Result<nlohmann::json, std::string> {
    if (pass.empty()) return make_error(std::string(), std::string("no backup passphrase"));
    const auto text = answer.value("backup", std::string());
    const auto reported = answer.value("checksum", std::string());
    const bool round_trip = reported.empty();
    if (round_trip && text.empty())
      return make_error(std::string(), std::string("the node exported an empty configuration"));
    const catalog::RestoreProbe probe =
        round_trip ? catalog::RestoreProbe([](const std::string& t) {
          return Result<std::string, std::string>(catalog::sha256_hex(t));
        })
                   : catalog::RestoreProbe([](const std::string& t) {
                       return lab::checksum_after_scratch_restore(t);
                     });
    auto r = catalog::store_backup(
        dir, node, text, round_trip ? catalog::sha256_hex(text) : reported, now, *sealer, probe);
    if (!r) return make_error(std::string(), r.message());
    return nlohmann::json{{"node", r->node},
                          {"file", r->file},
                          {"sha256", r->sha256},
                          {"checksum", r->checksum},
                          {"restored_checksum", r->restored_checksum},
                          {"proof", round_trip ? "round-trip" : "scratch-restore"},
                          {"proven", r->proven()}};
  };
}

}  // namespace hitless::cli
