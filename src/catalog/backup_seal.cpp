#include "catalog/backup_seal.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace hitless::catalog {
namespace {

constexpr std::string_view kSealMagic = "hitless-backup/1\n";
// Chunks keep memory flat for large exports; each carries its own authentication tag.
constexpr std::size_t kChunk = 64 * 1024;
using Key = std::array<unsigned char, crypto_secretstream_xchacha20poly1305_KEYBYTES>;

void init_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

std::string to_hex(const unsigned char* p, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

bool from_hex(const std::string& hex, unsigned char* out, std::size_t n) {
  std::size_t len = 0;
  return sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 && len == n;
}

bool derive_key(Key& key, std::string_view passphrase, const unsigned char* salt,
                PassphraseCost cost) {
  return crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), salt,
                       cost.opslimit, cost.memlimit, crypto_pwhash_ALG_ARGON2ID13) == 0;
}

// Wipes the derived key however the function leaves.
struct KeyWipe {
  Key& key;
  ~KeyWipe() { sodium_memzero(key.data(), key.size()); }
};

}  // namespace

PassphraseCost PassphraseCost::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}
PassphraseCost PassphraseCost::minimum() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

namespace {

using Salt = std::array<unsigned char, crypto_pwhash_SALTBYTES>;
using StreamHeader = std::array<unsigned char, crypto_secretstream_xchacha20poly1305_HEADERBYTES>;

// The encryption proper, with a key already derived from the passphrase and `salt`.
std::string seal_with_key(std::string_view plaintext, const Key& key, const Salt& salt,
                          PassphraseCost cost) {
  crypto_secretstream_xchacha20poly1305_state st;
  StreamHeader header{};
  crypto_secretstream_xchacha20poly1305_init_push(&st, header.data(), key.data());

  const nlohmann::json head = {{"kdf", "argon2id13"},
                               {"opslimit", cost.opslimit},
                               {"memlimit", cost.memlimit},
                               {"salt", to_hex(salt.data(), salt.size())},
                               {"stream", to_hex(header.data(), header.size())},
                               {"chunk", kChunk}};
  std::string out(kSealMagic);
  out += head.dump() + "\n";
  std::vector<unsigned char> cipher(kChunk + crypto_secretstream_xchacha20poly1305_ABYTES);
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min(kChunk, plaintext.size() - pos);
    const bool last = pos + n == plaintext.size();
    unsigned long long clen = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &st, cipher.data(), &clen, reinterpret_cast<const unsigned char*>(plaintext.data() + pos),
        n, nullptr, 0,
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
             : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    out.append(reinterpret_cast<const char*>(cipher.data()), clen);
    pos += n;
  } while (pos < plaintext.size());
  return out;
}

// A sealed file's header line, checked.
struct SealedHead {
  Salt salt{};
  StreamHeader stream{};
  PassphraseCost cost{};
  std::size_t chunk = 0;
  std::size_t body = 0;  // offset of the first encrypted chunk
};

Result<SealedHead, BackupErrc> read_head(std::string_view sealed) {
  if (sealed.substr(0, kSealMagic.size()) != kSealMagic)
    return make_error(BackupErrc::kMalformed, "not a hitless backup (no hitless-backup/1 header)");
  const auto eol = sealed.find('\n', kSealMagic.size());
  if (eol == std::string_view::npos)
    return make_error(BackupErrc::kMalformed, "backup header line is truncated");
  const auto head = nlohmann::json::parse(sealed.substr(kSealMagic.size(), eol - kSealMagic.size()),
                                          nullptr, false);
  SealedHead h;
  if (!head.is_object() || head.value("kdf", "") != "argon2id13" ||
      !head.value("opslimit", nlohmann::json()).is_number_unsigned() ||
      !head.value("memlimit", nlohmann::json()).is_number_unsigned() ||
      !head.value("chunk", nlohmann::json()).is_number_unsigned() ||
      !from_hex(head.value("salt", ""), h.salt.data(), h.salt.size()) ||
      !from_hex(head.value("stream", ""), h.stream.data(), h.stream.size()))
    return make_error(BackupErrc::kMalformed,
                      "backup header is not valid (kdf, cost, salt, stream)");
  h.cost = {head["opslimit"].get<unsigned long long>(), head["memlimit"].get<std::size_t>()};
  h.chunk = head["chunk"].get<std::size_t>();
  h.body = eol + 1;
  // Refuse costs an attacker could use to exhaust memory or time, and nonsense chunk sizes.
  if (h.cost.opslimit < crypto_pwhash_OPSLIMIT_MIN ||
      h.cost.opslimit > crypto_pwhash_OPSLIMIT_SENSITIVE ||
      h.cost.memlimit < crypto_pwhash_MEMLIMIT_MIN ||
      h.cost.memlimit > crypto_pwhash_MEMLIMIT_SENSITIVE || h.chunk == 0 ||
      h.chunk > 16 * 1024 * 1024)
    return make_error(BackupErrc::kMalformed,
                      "backup header asks for an out-of-range cost or chunk");
  return h;
}

Result<std::string, BackupErrc> open_with_key(std::string_view sealed, const SealedHead& h,
                                              const Key& key) {
  crypto_secretstream_xchacha20poly1305_state st;
  const auto wrong = make_error(BackupErrc::kWrongPassphraseOrDamaged,
                                "backup does not open: wrong passphrase, or the file was altered");
  if (crypto_secretstream_xchacha20poly1305_init_pull(&st, h.stream.data(), key.data()) != 0)
    return wrong;
  std::string plain;
  std::vector<unsigned char> buf(h.chunk);
  const std::size_t block = h.chunk + crypto_secretstream_xchacha20poly1305_ABYTES;
  std::size_t pos = h.body;
  bool final_seen = false;
  while (pos < sealed.size()) {
    if (final_seen) return wrong;  // bytes after the FINAL chunk
    const std::size_t n = std::min(block, sealed.size() - pos);
    unsigned long long mlen = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(
            &st, buf.data(), &mlen, &tag,
            reinterpret_cast<const unsigned char*>(sealed.data() + pos), n, nullptr, 0) != 0)
      return wrong;
    plain.append(reinterpret_cast<const char*>(buf.data()), mlen);
    final_seen = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    pos += n;
  }
  if (!final_seen) return wrong;  // truncated: the FINAL chunk never came
  return plain;
}

}  // namespace

Result<std::string, BackupErrc> seal_backup(std::string_view plaintext, std::string_view passphrase,
                                            PassphraseCost cost) {
  init_sodium();
  if (passphrase.empty()) return make_error(BackupErrc::kBadPassphraseSource, "empty passphrase");
  Salt salt{};
  randombytes_buf(salt.data(), salt.size());
  Key key{};
  KeyWipe wipe{key};
  if (!derive_key(key, passphrase, salt.data(), cost))
    return make_error(BackupErrc::kIo, "Argon2id key derivation ran out of memory");
  return seal_with_key(plaintext, key, salt, cost);
}

Result<std::string, BackupErrc> open_backup(std::string_view sealed, std::string_view passphrase) {
  init_sodium();
  auto h = read_head(sealed);
  if (!h) return h.error();
  Key key{};
  KeyWipe wipe{key};
  if (!derive_key(key, passphrase, h->salt.data(), h->cost))
    return make_error(BackupErrc::kIo, "Argon2id key derivation ran out of memory");
  return open_with_key(sealed, *h, key);
}

struct BackupSealer::Derived {
  Salt salt{};
  Key key{};
  ~Derived() { sodium_memzero(key.data(), key.size()); }
};

BackupSealer::BackupSealer(std::string passphrase, PassphraseCost cost)
    : passphrase_(std::move(passphrase)), cost_(cost) {}

BackupSealer::~BackupSealer() {
  if (!passphrase_.empty()) sodium_memzero(passphrase_.data(), passphrase_.size());
}

Result<std::string, BackupErrc> BackupSealer::seal(std::string_view plaintext) {
  init_sodium();
  if (passphrase_.empty()) return make_error(BackupErrc::kBadPassphraseSource, "empty passphrase");
  if (!derived_) {
    auto d = std::make_unique<Derived>();
    randombytes_buf(d->salt.data(), d->salt.size());
    ++derivations_;
    if (!derive_key(d->key, passphrase_, d->salt.data(), cost_))
      return make_error(BackupErrc::kIo, "Argon2id key derivation ran out of memory");
    derived_ = std::move(d);
  }
  return seal_with_key(plaintext, derived_->key, derived_->salt, cost_);
}

Result<std::string, BackupErrc> BackupSealer::open(std::string_view sealed) {
  init_sodium();
  auto h = read_head(sealed);
  if (!h) return h.error();
  if (derived_ && h->salt == derived_->salt && h->cost.opslimit == cost_.opslimit &&
      h->cost.memlimit == cost_.memlimit)
    return open_with_key(sealed, *h, derived_->key);
  Key key{};
  KeyWipe wipe{key};
  ++derivations_;
  if (!derive_key(key, passphrase_, h->salt.data(), h->cost))
    return make_error(BackupErrc::kIo, "Argon2id key derivation ran out of memory");
  return open_with_key(sealed, *h, key);
}

Result<std::string, BackupErrc> read_passphrase(const std::string& file,
                                                const std::string& env_var) {
  if (file.empty()) {
    const char* v = std::getenv(env_var.c_str());
    if (v == nullptr || *v == '\0')
      return make_error(BackupErrc::kBadPassphraseSource,
                        "no backup passphrase: give --backup-passphrase-file or set " + env_var);
    return std::string(v);
  }
  struct stat sb {};
  if (::stat(file.c_str(), &sb) != 0)
    return make_error(BackupErrc::kBadPassphraseSource, file + ": passphrase file not found");
  if (!S_ISREG(sb.st_mode))
    return make_error(BackupErrc::kBadPassphraseSource,
                      file + ": passphrase file is not a regular file");
  if ((sb.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(sb.st_mode & 07777));
    return make_error(BackupErrc::kBadPassphraseSource,
                      file + ": passphrase file has mode " + mode +
                          "; group or others may access it (chmod 600)");
  }
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string p = ss.str();
  if (!p.empty() && p.back() == '\n') p.pop_back();
  if (!p.empty() && p.back() == '\r') p.pop_back();
  if (p.empty())
    return make_error(BackupErrc::kBadPassphraseSource, file + ": passphrase file is empty");
  return p;
}

}  // namespace hitless::catalog
