#pragma once
// minisign's file formats (https://jedisct1.github.io/minisign/), read and written with libsodium
// so that a vendor or an operations team signs with the standard `minisign` tool and hitless, the
// lab and the simulator verify without it:
//   public key  "untrusted comment: ..." + base64("Ed" || key id[8] || Ed25519 public key[32])
//   secret key  base64("Ed" || kdf "\0\0" (unencrypted, `minisign -G -W`) || "B2" || salt[32] ||
//               opslimit[8] || memlimit[8] || key id[8] || Ed25519 secret key[64] || checksum[32])
//   signature   "untrusted comment: ..." + base64("ED" || key id || Ed25519(BLAKE2b-512(file)))
//               + "trusted comment: TEXT" + base64(Ed25519(signature[64] || TEXT))
// Legacy "Ed" (unhashed) signatures are read too. Pure functions; thread-safe.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace hitless::catalog {

using KeyId = std::array<std::uint8_t, 8>;

enum class MinisignErrc {
  kMalformed,      // not a minisign key or signature file
  kEncryptedKey,   // a password-protected secret key (hitless reads only `minisign -W` keys)
  kUntrustedKey,   // signed by a key other than the one given
  kBadSignature,   // the signature does not match the bytes
  kEditedComment,  // the trusted comment was changed after signing
};

struct MinisignPublicKey {
  KeyId key_id{};
  std::array<std::uint8_t, 32> key{};
  // Upper-case hex as minisign prints it ("D1DCC0C5EE536E87").
  std::string id_hex() const;
  // The base64 line of the public key file ("RWS...").
  std::string encoded() const;
  // The whole file: comment line and key line.
  std::string file_text() const;
};

struct MinisignSecretKey {
  KeyId key_id{};
  std::array<std::uint8_t, 64> key{};
  MinisignPublicKey public_key() const;
  std::string file_text() const;  // unencrypted, as `minisign -G -W` writes it
};

struct MinisignSignature {
  bool prehashed = true;  // "ED": the signature covers BLAKE2b-512 of the file
  KeyId key_id{};
  std::array<std::uint8_t, 64> signature{};
  std::string trusted_comment;
  std::array<std::uint8_t, 64> global_signature{};
  std::string file_text() const;
};

std::string key_id_hex(const KeyId& id);

// Each accepts the whole file; the public key also accepts its base64 line alone.
Result<MinisignPublicKey, MinisignErrc> parse_public_key(std::string_view text);
Result<MinisignSecretKey, MinisignErrc> parse_secret_key(std::string_view text);
Result<MinisignSignature, MinisignErrc> parse_signature(std::string_view text);

MinisignSecretKey generate_minisign_key();

// Incremental BLAKE2b-512 (what "ED" signatures cover) and SHA-256 (what catalogs list) in one
// pass, so a large package is read once.
class PackageHasher {
 public:
  PackageHasher();
  ~PackageHasher();
  PackageHasher(const PackageHasher&) = delete;
  PackageHasher& operator=(const PackageHasher&) = delete;
  void update(std::string_view bytes);
  // Call once; returns {blake2b-512 raw bytes, sha256 lowercase hex}.
  std::pair<std::string, std::string> finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// A prehashed signature of `message` with `comment` as the trusted comment.
MinisignSignature minisign_sign(std::string_view message, const MinisignSecretKey& key,
                                std::string_view comment);
// The same, given the message's BLAKE2b-512 (for files too large to hold in memory).
MinisignSignature minisign_sign_prehashed(std::string_view blake2b_512,
                                          const MinisignSecretKey& key, std::string_view comment);
// Verifies against the whole message, or against its BLAKE2b-512 (prehashed signatures only).
Status<MinisignErrc> minisign_verify(const MinisignSignature& sig, const MinisignPublicKey& key,
                                     std::string_view message);
Status<MinisignErrc> minisign_verify_prehashed(const MinisignSignature& sig,
                                               const MinisignPublicKey& key,
                                               std::string_view blake2b_512);

}  // namespace hitless::catalog
