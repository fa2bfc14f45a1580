#pragma once
// Encrypted configuration backups. A node's exported configuration is sealed with a passphrase:
// the key comes from Argon2id (libsodium crypto_pwhash, a fresh random salt per backup) and the
// text is encrypted with crypto_secretstream (XChaCha20-Poly1305) in chunks, the last one tagged
// FINAL, so a truncated, reordered or edited file fails to open, as does a wrong passphrase.
// The passphrase comes from a file only its owner can read, or from an environment variable; it
// is never written anywhere. Thread-safe (libsodium is initialised once).

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace hitless::catalog {

enum class BackupErrc { kBadPassphraseSource, kWrongPassphraseOrDamaged, kMalformed, kIo };

// Argon2id cost. The interactive limits by default; tests may pass the minimum.
struct PassphraseCost {
  unsigned long long opslimit;
  std::size_t memlimit;
  static PassphraseCost interactive();
  static PassphraseCost minimum();
};

// The sealed file: "hitless-backup/1\n" + JSON header line (salt, Argon2id cost, stream header)
// + the encrypted chunks.
Result<std::string, BackupErrc> seal_backup(std::string_view plaintext, std::string_view passphrase,
                                            PassphraseCost cost = PassphraseCost::interactive());
// The plaintext, or kWrongPassphraseOrDamaged (the two cannot be told apart, by design).
Result<std::string, BackupErrc> open_backup(std::string_view sealed, std::string_view passphrase);

// The passphrase from `file` (must be a regular file, not readable or writable by group or
// others; one trailing newline is dropped) or, when `file` is empty, from the environment
// variable `env_var`. A missing or empty passphrase and loose permissions are refused by name.
Result<std::string, BackupErrc> read_passphrase(
    const std::string& file, const std::string& env_var = "HITLESS_BACKUP_PASSPHRASE");

}  // namespace hitless::catalog
