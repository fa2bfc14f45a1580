#pragma once
// Ed25519 signatures (libsodium) over package files. Keys and signatures travel as base64 text,
// so they fit in YAML, JSON and HTTP headers. Thread-safe once sodium_init has run (done inside).

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace hitless::catalog {

struct SigningKeyPair {
  std::string public_key_b64;
  std::string secret_key_b64;
};

enum class SignErrc { kBadKey, kBadSignature };

SigningKeyPair generate_signing_key();
Result<std::string, SignErrc> sign_detached(std::string_view message,
                                            const std::string& secret_key_b64);
// Ok when `signature_b64` is a valid signature of `message` by `public_key_b64`.
Status<SignErrc> verify_detached(std::string_view message, const std::string& signature_b64,
                                 const std::string& public_key_b64);

std::string to_base64(std::string_view bytes);
// Empty optional-like: returns false on malformed input.
bool from_base64(std::string_view text, std::string& out);

}  // namespace hitless::catalog
