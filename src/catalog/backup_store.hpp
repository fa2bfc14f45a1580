#pragma once
// Where sealed configuration backups live: a directory with, per backup, the sealed file
// "<node>-<n>.hbk" (see backup_seal.hpp) and its record "<node>-<n>.hbk.json": node, the
// configuration checksum the node reported, the SHA-256 of the sealed file, and the proof (the
// checksum a scratch node held after the backup was restored into it). A backup is proven when
// that checksum equals the node's. The passphrase is never stored. One process writes a
// directory at a time (the run that owns the journal).

#include <functional>
#include <string>
#include <vector>

#include "catalog/backup_seal.hpp"
#include "common/result.hpp"

namespace hitless::catalog {

struct BackupRecord {
  std::string node;
  std::string file;               // path of the sealed file
  std::string sha256;             // of the sealed file
  std::string checksum;           // configuration checksum the node reported when it was taken
  std::string restored_checksum;  // what the scratch node held after restoring it ("" = unproven)
  double taken_at = 0;            // run clock seconds
  bool proven() const { return !checksum.empty() && restored_checksum == checksum; }
};

// Restores exported configuration text into a scratch node and returns the checksum it then
// holds, or an error message when the text does not restore.
using RestoreProbe = std::function<Result<std::string, std::string>(const std::string& plaintext)>;

// Seals `plaintext`, writes it and its record to `dir`, then proves it: reads the file back,
// checks its digest, opens it and restores it through `probe`. The record says whether the
// proof held; an error only when nothing usable could be written.
Result<BackupRecord, BackupErrc> store_backup(const std::string& dir, const std::string& node,
                                              const std::string& plaintext,
                                              const std::string& checksum, double taken_at,
                                              const std::string& passphrase,
                                              const RestoreProbe& probe,
                                              PassphraseCost cost = PassphraseCost::interactive());

// The same with a run's sealer: one Argon2id derivation for all the run's backups and proofs.
Result<BackupRecord, BackupErrc> store_backup(const std::string& dir, const std::string& node,
                                              const std::string& plaintext,
                                              const std::string& checksum, double taken_at,
                                              BackupSealer& sealer, const RestoreProbe& probe);

// Every record in `dir`, oldest first per node (by taken_at, then name). Records that do not
// parse are refused by file name.
Result<std::vector<BackupRecord>, BackupErrc> list_backups(const std::string& dir);

// The plaintext of a stored backup after checking the sealed file's digest against its record.
Result<std::string, BackupErrc> load_backup(const BackupRecord& record,
                                            const std::string& passphrase);

}  // namespace hitless::catalog
