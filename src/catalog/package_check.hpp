#pragma once
// Checking one package file against the trusted catalog before it goes anywhere: it must be listed,
// exactly as long as declared (a longer file is refused before it is hashed past the declared
// length), carry the listed SHA-256, and be signed in minisign format by one of the catalog's
// package keys with a trusted comment naming this package and its hardware. Reads the file once,
// streaming; pure otherwise.

#include <string>

#include "catalog/catalog_file.hpp"
#include "catalog/signing.hpp"
#include "common/result.hpp"

namespace hitless::catalog {

enum class PackageCheckErrc {
  kUnreadable,
  kNotInCatalog,
  kLongerThanDeclared,
  kLengthMismatch,
  kDigestMismatch,
  kUnsigned,
  kBadSignature,
  kUntrustedKey,
  kEditedComment,
  kWrongPackage,   // a valid signature, but for another package (moved signature)
  kWrongHardware,  // not for the hardware asked about, or signed for other hardware than listed
};

struct CheckedPackage {
  const CatalogEntry* entry = nullptr;
  SignedIdentity signed_identity;
  std::string signer;  // key id
};

// `hardware` = "" skips the hardware check (the signed hardware must still match the catalog's).
Result<CheckedPackage, PackageCheckErrc> check_package_file(const std::string& path,
                                                            const CatalogFile& catalog,
                                                            const std::string& hardware);
// The signature checks alone, given the file's BLAKE2b-512 (for callers that hashed already).
Result<CheckedPackage, PackageCheckErrc> check_package_signature(const CatalogEntry& entry,
                                                                 const CatalogFile& catalog,
                                                                 const std::string& blake2b_512,
                                                                 const std::string& hardware);

}  // namespace hitless::catalog
