#pragma once
// Checking an offline bundle (seed 004, air-gapped appliances) on hitless's side, before it goes
// anywhere: the manifest signed by one of the catalog's package (vendor) keys, every file as the
// manifest lists it, each package inside listed in the operator's trusted catalog with the same
// length, SHA-256 and a valid minisign signature, the bundle's own catalog agreeing with it, and
// the validity window around this host's clock. Binding to one appliance is checked separately
// (bundle_bound_to), since the appliance's ID comes from it or from its download key. Pure.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.hpp"
#include "catalog/offline_bundle.hpp"

namespace hitless::catalog {

// What a checked bundle holds, as plans carry it.
struct BundleSummary {
  std::string file;       // where it was read from
  std::string sha256;     // of the whole bundle file: the appliance checks it on arrival
  std::string appliance;  // the download key's appliance ID
  std::string node;       // the appliance's name when it made the key
  std::int64_t issued = 0, expires = 0;
  std::vector<std::string> packages;  // catalog ids, in bundle order
};

// How far this host's clock may be behind a bundle's issue time.
inline constexpr std::int64_t kBundleIssueToleranceS = 300;

// `file` names the bundle in messages. Errors: kMalformed, kBadSignature (manifest edited or
// signed by no package key), kDigestMismatch (a file edited), kNotInCatalog, kBadPackage,
// kExpired (past `expires`, or issued more than 5 minutes after `now`).
Result<BundleSummary, BundleErrc> check_bundle(std::string_view bytes, const std::string& file,
                                               const Catalog& catalog, std::int64_t now);
// Made for this appliance? kOtherAppliance names both, else Unit.
Status<BundleErrc> bundle_bound_to(const BundleSummary& bundle, const std::string& appliance,
                                   const std::string& node);

}  // namespace hitless::catalog
