#pragma once
// Encrypted configuration backups. A node's exported configuration is sealed with a passphrase:
// the key comes from Argon2id (libsodium crypto_pwhash, a random salt) and the text is encrypted
// with crypto_secretstream (XChaCha20-Poly1305, a fresh random stream header per file) in chunks,
// the last one tagged FINAL, so a truncated, reordered or edited file fails to open, as does a
// wrong passphrase. One backup: a fresh salt (seal_backup). A run's many backups: one salt and one
// derivation for all of them (BackupSealer), since Argon2id's deliberate cost paid per backup
// serialises a 500-node run for minutes; every file still opens on its own with the passphrase.
// The passphrase comes from a file only its owner can read, or from an environment variable; it
// is never written anywhere. Functions are thread-safe (libsodium is initialised once); a
// BackupSealer is used from one thread.

#include <memory>
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

// Seals many backups with one Argon2id derivation: the key is derived on first use from the
// passphrase and a salt drawn once, kept in memory (wiped when the sealer goes) and never written.
// Opening a file sealed by this sealer reuses the key; any other file derives its own.
class BackupSealer {
 public:
  explicit BackupSealer(std::string passphrase,
                        PassphraseCost cost = PassphraseCost::interactive());
  ~BackupSealer();
  BackupSealer(const BackupSealer&) = delete;
  BackupSealer& operator=(const BackupSealer&) = delete;

  Result<std::string, BackupErrc> seal(std::string_view plaintext);
  Result<std::string, BackupErrc> open(std::string_view sealed);
  // Argon2id derivations done so far (1 after any number of seals and opens of its own files).
  int derivations() const { return derivations_; }

 private:
  struct Derived;
  std::string passphrase_;
  PassphraseCost cost_;
  std::unique_ptr<Derived> derived_;  // salt and key, once derived
  int derivations_ = 0;
};

// The passphrase from `file` (must be a regular file, not readable or writable by group or
// others; one trailing newline is dropped) or, when `file` is empty, from the environment
// variable `env_var`. A missing or empty passphrase and loose permissions are refused by name.
Result<std::string, BackupErrc> read_passphrase(
    const std::string& file, const std::string& env_var = "HITLESS_BACKUP_PASSPHRASE");

}  // namespace hitless::catalog
