#include "catalog/signing.hpp"

#include <sodium.h>

#include <stdexcept>

namespace hitless::catalog {
namespace {

void ensure_sodium() {
  static const bool ready = [] { return sodium_init() >= 0; }();
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::string to_base64(std::string_view bytes) {
  ensure_sodium();
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}

bool from_base64(std::string_view text, std::string& out) {
  ensure_sodium();
  out.assign(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return false;
  out.resize(len);
  return true;
}

SigningKeyPair generate_signing_key() {
  ensure_sodium();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  SigningKeyPair kp{to_base64({reinterpret_cast<char*>(pk), sizeof pk}),
                    to_base64({reinterpret_cast<char*>(sk), sizeof sk})};
  sodium_memzero(sk, sizeof sk);
  return kp;
}

Result<std::string, SignErrc> sign_detached(std::string_view message,
                                            const std::string& secret_key_b64) {
  std::string sk;
  if (!from_base64(secret_key_b64, sk) || sk.size() != crypto_sign_SECRETKEYBYTES)
    return make_error(SignErrc::kBadKey, "signing key is not a base64 Ed25519 secret key");
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), reinterpret_cast<const unsigned char*>(sk.data()));
  sodium_memzero(sk.data(), sk.size());
  return to_base64({reinterpret_cast<char*>(sig), sizeof sig});
}

Status<SignErrc> verify_detached(std::string_view message, const std::string& signature_b64,
                                 const std::string& public_key_b64) {
  std::string pk, sig;
  if (!from_base64(public_key_b64, pk) || pk.size() != crypto_sign_PUBLICKEYBYTES)
    return make_error(SignErrc::kBadKey, "trusted key is not a base64 Ed25519 public key");
  if (!from_base64(signature_b64, sig) || sig.size() != crypto_sign_BYTES)
    return make_error(SignErrc::kBadSignature, "signature is not a base64 Ed25519 signature");
  if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.data()),
                                  reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size(),
                                  reinterpret_cast<const unsigned char*>(pk.data())) != 0)
    return make_error(SignErrc::kBadSignature,
                      "signature does not match the package (altered or signed by another key)");
  return Unit{};
}

}  // namespace hitless::catalog
