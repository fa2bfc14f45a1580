#pragma once
// Package signatures as they travel: minisign signatures (see minisign.hpp) whose trusted comment
// binds the package's name, version and compatible hardware, so a signature cannot be moved to
// another package or another appliance model. On the wire (HTTP headers, plan parameters) a
// signature is its .minisig file text in base64, one line. Thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "catalog/minisign.hpp"
#include "common/result.hpp"

namespace hitless::catalog {

// A key pair held as minisign files: the public key's base64 line ("RWS...") and the unencrypted
// secret key file text (`minisign -G -W` writes the same).
struct SigningKeyPair {
  std::string public_key_b64;
  std::string secret_key_b64;
};

enum class SignErrc { kBadKey, kBadSignature, kUntrustedKey, kEditedComment, kWrongPackage };

// What a package signature's trusted comment says:
//   hitless-package {"name":"pulse","version":"7.1R2","hardware":["PSA3000"]}
struct SignedIdentity {
  std::string name;
  std::string version;
  std::vector<std::string> hardware;  // empty = any hardware
};
std::string package_trusted_comment(const SignedIdentity& id);
// An error message naming what is wrong when the comment is not a package identity.
Result<SignedIdentity, SignErrc> parse_package_comment(std::string_view comment);

SigningKeyPair generate_signing_key();
// The wire form of a prehashed minisign signature of `message` with `trusted_comment`.
Result<std::string, SignErrc> sign_detached(std::string_view message,
                                            const std::string& secret_key_text,
                                            std::string_view trusted_comment = "");
// sign_detached with the package's identity as the trusted comment.
Result<std::string, SignErrc> sign_package(std::string_view file, const SignedIdentity& id,
                                           const std::string& secret_key_text);
std::string signature_to_wire(std::string_view minisig_file_text);
// Verifies `message` against the wire signature; on success returns the trusted comment.
Result<std::string, SignErrc> verify_detached(std::string_view message,
                                              const std::string& signature_wire,
                                              const std::string& public_key_text);
// verify_detached, then checks that the trusted comment names this package (name and version).
Result<SignedIdentity, SignErrc> verify_package(std::string_view file,
                                                const std::string& signature_wire,
                                                const std::string& public_key_text,
                                                const std::string& name,
                                                const std::string& version);

std::string to_base64(std::string_view bytes);
// Returns false on malformed input.
bool from_base64(std::string_view text, std::string& out);

}  // namespace hitless::catalog
