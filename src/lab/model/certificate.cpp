#include "lab/model/certificate.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "catalog/signing.hpp"

namespace hitless::lab {
namespace {

using nlohmann::json;

std::string signed_text(const Certificate& c) { return c.issued_to + "\n" + c.public_key; }

const unsigned char* bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

bool valid_signature(const Certificate& c) {
  if (c.public_key.size() != crypto_sign_PUBLICKEYBYTES || c.signature.size() != crypto_sign_BYTES)
    return false;
  const std::string text = signed_text(c);
  return crypto_sign_verify_detached(bytes(c.signature), bytes(text), text.size(),
                                     bytes(c.public_key)) == 0;
}

// Argon2id at libsodium's interactive cost: what a passphrase typed by a person deserves.
bool derive_key(const std::string& passphrase, const std::string& salt, std::string& key) {
  key.assign(crypto_secretbox_KEYBYTES, '\0');
  return crypto_pwhash(bytes(key), key.size(), passphrase.data(), passphrase.size(), bytes(salt),
                       crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                       crypto_pwhash_ALG_ARGON2ID13) == 0;
}

std::string b64(const std::string& s) { return catalog::to_base64(s); }

}  // namespace

Certificate Certificate::generate(const std::string& issued_to, const std::string& seed) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  Certificate c;
  c.issued_to = issued_to;
  std::string s(crypto_sign_SEEDBYTES, '\0');
  crypto_generichash(bytes(s), s.size(), bytes(seed), seed.size(), nullptr, 0);
  c.public_key.assign(crypto_sign_PUBLICKEYBYTES, '\0');
  c.secret_key.assign(crypto_sign_SECRETKEYBYTES, '\0');
  crypto_sign_seed_keypair(bytes(c.public_key), bytes(c.secret_key), bytes(s));
  const std::string text = signed_text(c);
  c.signature.assign(crypto_sign_BYTES, '\0');
  crypto_sign_detached(bytes(c.signature), nullptr, bytes(text), text.size(), bytes(c.secret_key));
  return c;
}

std::string Certificate::fingerprint() const {
  std::string h(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(bytes(h), bytes(public_key), public_key.size());
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 8; ++i) {
    out += kHex[static_cast<unsigned char>(h[i]) >> 4];
    out += kHex[static_cast<unsigned char>(h[i]) & 15];
  }
  return out;
}

std::string Certificate::warning() const {
  if (issued_to.empty()) return "the certificate names no host (Issued To is empty)";
  const std::string verifies = signed_text(*this) + signature;
  if (verified_ != verifies) {
    if (!valid_signature(*this)) return "the certificate's signature does not verify";
    verified_ = verifies;
  }
  if (chain.empty()) return "the certificate chain is missing";
  return "";
}

Result<std::string, CertificateErrc> export_certificate(const Certificate& c,
                                                        const std::string& passphrase) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  if (passphrase.empty())
    return make_error(CertificateErrc::kWrongPassphrase,
                      "an export of the private key needs a passphrase");
  std::string salt(crypto_pwhash_SALTBYTES, '\0'), nonce(crypto_secretbox_NONCEBYTES, '\0'), key;
  randombytes_buf(bytes(salt), salt.size());
  randombytes_buf(bytes(nonce), nonce.size());
  if (!derive_key(passphrase, salt, key))
    return make_error(CertificateErrc::kWrongPassphrase, "key derivation ran out of memory");
  std::string sealed(c.secret_key.size() + crypto_secretbox_MACBYTES, '\0');
  crypto_secretbox_easy(bytes(sealed), bytes(c.secret_key), c.secret_key.size(), bytes(nonce),
                        bytes(key));
  sodium_memzero(key.data(), key.size());
  return json{{"format", "hitless-lab-certificate/1"},
              {"issued_to", c.issued_to},
              {"certificate", b64(c.public_key)},
              {"signature", b64(c.signature)},
              {"chain", c.chain},
              {"private_key",
               {{"kdf", "argon2id13"},
                {"cipher", "xsalsa20poly1305"},
                {"salt", b64(salt)},
                {"nonce", b64(nonce)},
                {"sealed", b64(sealed)}}}}
      .dump();
}

Result<Certificate, CertificateErrc> import_certificate(const std::string& bundle,
                                                        const std::string& passphrase) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  const json j = json::parse(bundle, nullptr, false);
  Certificate c;
  std::string salt, nonce, sealed;
  try {
    if (!j.is_object() || j.value("format", "") != "hitless-lab-certificate/1")
      return make_error(CertificateErrc::kBadBundle, "not a certificate export file");
    const auto& k = j.at("private_key");
    c.issued_to = j.at("issued_to");
    c.chain = j.at("chain");
    if (!catalog::from_base64(j.at("certificate").get<std::string>(), c.public_key) ||
        !catalog::from_base64(j.at("signature").get<std::string>(), c.signature) ||
        !catalog::from_base64(k.at("salt").get<std::string>(), salt) ||
        !catalog::from_base64(k.at("nonce").get<std::string>(), nonce) ||
        !catalog::from_base64(k.at("sealed").get<std::string>(), sealed))
      return make_error(CertificateErrc::kBadBundle, "the export file is damaged (base64)");
  } catch (const json::exception&) {
    return make_error(CertificateErrc::kBadBundle, "the export file lacks a field");
  }
  if (salt.size() != crypto_pwhash_SALTBYTES || nonce.size() != crypto_secretbox_NONCEBYTES ||
      sealed.size() != crypto_sign_SECRETKEYBYTES + crypto_secretbox_MACBYTES)
    return make_error(CertificateErrc::kBadBundle, "the export file is damaged (sizes)");
  std::string key;
  if (passphrase.empty() || !derive_key(passphrase, salt, key))
    return make_error(CertificateErrc::kWrongPassphrase,
                      "the private key cannot be decrypted: wrong passphrase");
  c.secret_key.assign(crypto_sign_SECRETKEYBYTES, '\0');
  const bool opened = crypto_secretbox_open_easy(bytes(c.secret_key), bytes(sealed), sealed.size(),
                                                 bytes(nonce), bytes(key)) == 0;
  sodium_memzero(key.data(), key.size());
  if (!opened)
    return make_error(CertificateErrc::kWrongPassphrase,
                      "the private key cannot be decrypted: wrong passphrase");
  std::string pk(crypto_sign_PUBLICKEYBYTES, '\0');
  crypto_sign_ed25519_sk_to_pk(bytes(pk), bytes(c.secret_key));
  if (pk != c.public_key || !valid_signature(c))
    return make_error(
        CertificateErrc::kMismatch,
        "the private key does not belong to the certificate issued to " + c.issued_to);
  return c;
}

}  // namespace hitless::lab
