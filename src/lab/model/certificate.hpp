#pragma once
// Certificate: an appliance's TLS identity as seed 004's hardware migration moves it (Security ::
// Certificates): a certificate issued to a name, its private key and chain, and the IP address it
// is assigned to. The key pair is a real Ed25519 pair (libsodium); the certificate binds the name
// to its public key with the key's own signature. Export encrypts the private key under a
// passphrase (Argon2id key derivation, XSalsa20-Poly1305); import decrypts it and checks that it
// belongs to the certificate, so a wrong passphrase or a damaged file is refused. Value type.

#include <string>

#include "common/result.hpp"

namespace hitless::lab {

enum class CertificateErrc { kBadBundle, kWrongPassphrase, kMismatch };

struct Certificate {
  std::string issued_to;
  std::string public_key;  // raw 32 bytes
  std::string secret_key;  // raw 64 bytes (libsodium's Ed25519 secret key)
  std::string signature;   // Ed25519 over "issued_to\n" + public key, by the key itself
  std::string chain = "lab root CA";
  std::string assigned_ip;  // "" until Assign IP

  // Deterministic for a seed (two labs built from one file hold the same certificate).
  static Certificate generate(const std::string& issued_to, const std::string& seed);
  // Short SHA-256 hex of the public key, what the status document shows.
  std::string fingerprint() const;
  // Problems the Certificates page would list as warnings ("" when none).
  std::string warning() const;

  // The name, key and signature last found to verify: every status document shows the warning,
  // and an Ed25519 verification per status request was a sixth of a busy lab daemon's CPU.
  // Checked against the current fields, so a changed certificate is verified afresh.
  mutable std::string verified_;
};

// The export file (JSON text): certificate, chain and the private key encrypted under
// `passphrase`. The passphrase must not be empty (the seed strongly recommends one; hitless
// always sets one).
Result<std::string, CertificateErrc> export_certificate(const Certificate& c,
                                                        const std::string& passphrase);
Result<Certificate, CertificateErrc> import_certificate(const std::string& bundle,
                                                        const std::string& passphrase);

}  // namespace hitless::lab
