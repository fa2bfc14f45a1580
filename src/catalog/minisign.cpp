#include "catalog/minisign.hpp"

#include <sodium.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "catalog/signing.hpp"  // from_base64

namespace hitless::catalog {
namespace {

constexpr std::string_view kUntrusted = "untrusted comment: ";
constexpr std::string_view kTrusted = "trusted comment: ";
constexpr std::size_t kSecretHeader = 2 + 2 + 2 + 32 + 8 + 8;  // algs, salt, kdf limits

void ensure_sodium() {
  static const bool ready = [] { return sodium_init() >= 0; }();
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

Error<MinisignErrc> malformed(std::string what) {
  return make_error(MinisignErrc::kMalformed, std::move(what));
}

// The lines of a text file, without "\r\n" or "\n" endings; blank trailing lines dropped.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  while (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

std::string encode_base64(const void* data, std::size_t size) {
  ensure_sodium();
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), static_cast<const unsigned char*>(data), size,
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);
  return out;
}

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string blake2b_512(std::string_view message) {
  std::string out(crypto_generichash_BYTES_MAX, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(), bytes(message),
                     message.size(), nullptr, 0);
  return out;
}

// What the global signature covers: the file signature followed by the trusted comment.
std::string global_message(const MinisignSignature& sig) {
  std::string m(reinterpret_cast<const char*>(sig.signature.data()), sig.signature.size());
  m += sig.trusted_comment;
  return m;
}

}  // namespace

std::string key_id_hex(const KeyId& id) {
  static const char* hex = "0123456789ABCDEF";
  std::string s;
  for (auto it = id.rbegin(); it != id.rend(); ++it) {  // minisign prints it little-endian
    s += hex[*it >> 4];
    s += hex[*it & 15];
  }
  return s;
}

std::string MinisignPublicKey::id_hex() const { return key_id_hex(key_id); }

std::string MinisignPublicKey::encoded() const {
  std::string raw = "Ed";
  raw.append(reinterpret_cast<const char*>(key_id.data()), key_id.size());
  raw.append(reinterpret_cast<const char*>(key.data()), key.size());
  return encode_base64(raw.data(), raw.size());
}

std::string MinisignPublicKey::file_text() const {
  return std::string(kUntrusted) + "minisign public key " + id_hex() + "\n" + encoded() + "\n";
}

MinisignPublicKey MinisignSecretKey::public_key() const {
  MinisignPublicKey pk;
  pk.key_id = key_id;
  crypto_sign_ed25519_sk_to_pk(pk.key.data(), key.data());
  return pk;
}

std::string MinisignSecretKey::file_text() const {
  std::string raw(kSecretHeader, '\0');
  raw[0] = 'E', raw[1] = 'd', raw[4] = 'B', raw[5] = '2';
  raw.append(reinterpret_cast<const char*>(key_id.data()), key_id.size());
  raw.append(reinterpret_cast<const char*>(key.data()), key.size());
  // Checksum as minisign computes it: BLAKE2b-256 over algorithm, key id and secret key.
  std::string covered = "Ed";
  covered.append(reinterpret_cast<const char*>(key_id.data()), key_id.size());
  covered.append(reinterpret_cast<const char*>(key.data()), key.size());
  unsigned char checksum[32];
  crypto_generichash(checksum, sizeof checksum, bytes(covered), covered.size(), nullptr, 0);
  raw.append(reinterpret_cast<const char*>(checksum), sizeof checksum);
  const std::string text = std::string(kUntrusted) + "minisign secret key (unencrypted)\n" +
                           encode_base64(raw.data(), raw.size()) + "\n";
  sodium_memzero(covered.data(), covered.size());
  sodium_memzero(raw.data(), raw.size());
  return text;
}

std::string MinisignSignature::file_text() const {
  std::string raw = prehashed ? "ED" : "Ed";
  raw.append(reinterpret_cast<const char*>(key_id.data()), key_id.size());
  raw.append(reinterpret_cast<const char*>(signature.data()), signature.size());
  return std::string(kUntrusted) + "signature from minisign secret key\n" +
         encode_base64(raw.data(), raw.size()) + "\n" + std::string(kTrusted) + trusted_comment +
         "\n" + encode_base64(global_signature.data(), global_signature.size()) + "\n";
}

Result<MinisignPublicKey, MinisignErrc> parse_public_key(std::string_view text) {
  auto lines = lines_of(text);
  if (lines.size() == 2 && lines[0].substr(0, kUntrusted.size()) == kUntrusted)
    lines.erase(lines.begin());
  if (lines.size() != 1)
    return malformed("a minisign public key is one comment line and one base64 line");
  std::string raw;
  if (!from_base64(lines[0], raw) || raw.size() != 42 || raw.compare(0, 2, "Ed") != 0)
    return malformed("not a minisign Ed25519 public key (bad base64 line)");
  MinisignPublicKey pk;
  std::memcpy(pk.key_id.data(), raw.data() + 2, 8);
  std::memcpy(pk.key.data(), raw.data() + 10, 32);
  return pk;
}

Result<MinisignSecretKey, MinisignErrc> parse_secret_key(std::string_view text) {
  const auto lines = lines_of(text);
  if (lines.size() != 2 || lines[0].substr(0, kUntrusted.size()) != kUntrusted)
    return malformed("a minisign secret key is one comment line and one base64 line");
  std::string raw;
  if (!from_base64(lines[1], raw) || raw.size() != kSecretHeader + 8 + 64 + 32 ||
      raw.compare(0, 2, "Ed") != 0 || raw.compare(4, 2, "B2") != 0)
    return malformed("not a minisign Ed25519 secret key (bad base64 line)");
  if (raw[2] != 0 || raw[3] != 0)
    return make_error(MinisignErrc::kEncryptedKey,
                      "the secret key is password-protected; hitless reads only keys made with "
                      "`minisign -G -W` (keep those offline)");
  MinisignSecretKey sk;
  std::memcpy(sk.key_id.data(), raw.data() + kSecretHeader, 8);
  std::memcpy(sk.key.data(), raw.data() + kSecretHeader + 8, 64);
  // minisign 0.11 leaves the checksum zero for unencrypted keys; a set one must match.
  const std::string_view checksum(raw.data() + kSecretHeader + 72, 32);
  if (checksum.find_first_not_of('\0') != std::string_view::npos) {
    std::string covered = "Ed";
    covered.append(raw.data() + kSecretHeader, 72);
    unsigned char expected[32];
    crypto_generichash(expected, sizeof expected, bytes(covered), covered.size(), nullptr, 0);
    sodium_memzero(covered.data(), covered.size());
    if (std::memcmp(expected, checksum.data(), 32) != 0)
      return malformed("the secret key's checksum does not match (damaged key file)");
  }
  sodium_memzero(raw.data(), raw.size());
  return sk;
}

Result<MinisignSignature, MinisignErrc> parse_signature(std::string_view text) {
  const auto lines = lines_of(text);
  if (lines.size() != 4 || lines[0].substr(0, kUntrusted.size()) != kUntrusted ||
      lines[2].substr(0, kTrusted.size()) != kTrusted)
    return malformed(
        "a minisign signature is four lines: untrusted comment, signature, trusted comment, "
        "global signature");
  MinisignSignature sig;
  std::string raw;
  if (!from_base64(lines[1], raw) || raw.size() != 74)
    return malformed("the signature line is not a minisign Ed25519 signature");
  if (raw.compare(0, 2, "ED") == 0)
    sig.prehashed = true;
  else if (raw.compare(0, 2, "Ed") == 0)
    sig.prehashed = false;
  else
    return malformed("unknown minisign signature algorithm '" + raw.substr(0, 2) + "'");
  std::memcpy(sig.key_id.data(), raw.data() + 2, 8);
  std::memcpy(sig.signature.data(), raw.data() + 10, 64);
  sig.trusted_comment = std::string(lines[2].substr(kTrusted.size()));
  if (!from_base64(lines[3], raw) || raw.size() != 64)
    return malformed("the global signature line is not an Ed25519 signature");
  std::memcpy(sig.global_signature.data(), raw.data(), 64);
  return sig;
}

MinisignSecretKey generate_minisign_key() {
  ensure_sodium();
  MinisignSecretKey sk;
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_keypair(pk, sk.key.data());
  randombytes_buf(sk.key_id.data(), sk.key_id.size());
  return sk;
}

struct PackageHasher::State {
  crypto_generichash_state blake;
  crypto_hash_sha256_state sha;
};

PackageHasher::PackageHasher() : state_(std::make_unique<State>()) {
  ensure_sodium();
  crypto_generichash_init(&state_->blake, nullptr, 0, crypto_generichash_BYTES_MAX);
  crypto_hash_sha256_init(&state_->sha);
}

PackageHasher::~PackageHasher() = default;

void PackageHasher::update(std::string_view data) {
  crypto_generichash_update(&state_->blake, bytes(data), data.size());
  crypto_hash_sha256_update(&state_->sha, bytes(data), data.size());
}

std::pair<std::string, std::string> PackageHasher::finish() {
  std::string blake(crypto_generichash_BYTES_MAX, '\0');
  crypto_generichash_final(&state_->blake, reinterpret_cast<unsigned char*>(blake.data()),
                           blake.size());
  unsigned char sha[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state_->sha, sha);
  static const char* hex = "0123456789abcdef";
  std::string sha_hex;
  for (unsigned char c : sha) {
    sha_hex += hex[c >> 4];
    sha_hex += hex[c & 15];
  }
  return {std::move(blake), std::move(sha_hex)};
}

MinisignSignature minisign_sign(std::string_view message, const MinisignSecretKey& key,
                                std::string_view comment) {
  return minisign_sign_prehashed(blake2b_512(message), key, comment);
}

MinisignSignature minisign_sign_prehashed(std::string_view digest, const MinisignSecretKey& key,
                                          std::string_view comment) {
  ensure_sodium();
  MinisignSignature sig;
  sig.prehashed = true;
  sig.key_id = key.key_id;
  sig.trusted_comment = std::string(comment);
  crypto_sign_detached(sig.signature.data(), nullptr, bytes(digest), digest.size(), key.key.data());
  const std::string global = global_message(sig);
  crypto_sign_detached(sig.global_signature.data(), nullptr, bytes(global), global.size(),
                       key.key.data());
  return sig;
}

namespace {

// Both signature forms check the same three things: the key, the signature over `signed_bytes`
// (the message itself, or its BLAKE2b-512 digest for the prehashed form) and the global signature
// binding the trusted comment.
Status<MinisignErrc> verify_signed(const MinisignSignature& sig, const MinisignPublicKey& key,
                                   std::string_view signed_bytes) {
  ensure_sodium();
  if (sig.key_id != key.key_id)
    return make_error(MinisignErrc::kUntrustedKey, "signed by key " + key_id_hex(sig.key_id) +
                                                       ", which is not the trusted key " +
                                                       key.id_hex());
  if (crypto_sign_verify_detached(sig.signature.data(), bytes(signed_bytes), signed_bytes.size(),
                                  key.key.data()) != 0)
    return make_error(MinisignErrc::kBadSignature,
                      "the signature does not match the bytes (altered after signing)");
  const std::string global = global_message(sig);
  if (crypto_sign_verify_detached(sig.global_signature.data(), bytes(global), global.size(),
                                  key.key.data()) != 0)
    return make_error(
        MinisignErrc::kEditedComment,
        "the trusted comment was edited after signing ('" + sig.trusted_comment + "')");
  return Unit{};
}

}  // namespace

Status<MinisignErrc> minisign_verify_prehashed(const MinisignSignature& sig,
                                               const MinisignPublicKey& key,
                                               std::string_view blake2b_512_digest) {
  // The key is named before the form: a signature by another key is "untrusted" whatever its form.
  if (sig.key_id == key.key_id && !sig.prehashed)
    return make_error(MinisignErrc::kBadSignature,
                      "a legacy (unhashed) signature cannot be checked against a digest");
  return verify_signed(sig, key, blake2b_512_digest);
}

Status<MinisignErrc> minisign_verify(const MinisignSignature& sig, const MinisignPublicKey& key,
                                     std::string_view message) {
  if (sig.prehashed) return minisign_verify_prehashed(sig, key, blake2b_512(message));
  return verify_signed(sig, key, message);
}

}  // namespace hitless::catalog
