#pragma once
// Offline updates for air-gapped appliances (seed 004, "Upgrade ... Using Manual Updates"): the
// appliance's download key names it (its ID, what it runs, its clock when it made the key); the
// vendor's update side answers with one bundle file holding the signed catalog and the hop
// packages, signed and bound to that appliance. The appliance installs a bundle only if it is
// its own and its clock lies inside the bundle's validity. Pure functions over bytes; no I/O.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/minisign.hpp"
#include "common/result.hpp"

namespace hitless::catalog {

enum class BundleErrc {
  kMalformed,       // not a bundle / not a download key, or a field missing
  kClock,           // a clock is wrong: the key's time, or the appliance's against the validity
  kBadSignature,    // not signed by a trusted key
  kOtherAppliance,  // made for another appliance's download key
  kDigestMismatch,  // a file inside differs from what the signed manifest lists
  kNotInCatalog,    // a package inside is not in the operator's trusted catalog
  kBadPackage,      // a package inside fails its catalog check (length, digest, signature)
  kExpired,         // past its validity (or not yet valid) by this host's clock
};

struct DownloadKey {
  std::string appliance;                        // the appliance's ID (hex)
  std::string node;                             // its name, for messages
  std::map<std::string, std::string> packages;  // installed: name -> version
  std::int64_t time = 0;                        // the appliance's clock when it made the key
};

// "HDK1-" and the base64 of its canonical JSON.
std::string encode_download_key(const DownloadKey& key);
Result<DownloadKey, BundleErrc> decode_download_key(std::string_view text);

// The update side's clock check: a key made more than `tolerance_s` in the future, or longer
// than `max_age_s` ago, comes from an appliance whose clock is wrong (or is stale).
Status<BundleErrc> check_key_clock(const DownloadKey& key, std::int64_t now,
                                   std::int64_t tolerance_s, std::int64_t max_age_s);

struct BundleFile {
  std::string path;  // "catalog.json", or a package file name as the catalog lists it
  std::string bytes;
};

struct OfflineBundle {
  std::string appliance;  // the download key's appliance ID
  std::string node;       // its name when the key was made
  std::int64_t issued = 0, expires = 0;
  std::vector<BundleFile> files;  // catalog.json first, then the hop packages in order
};

// "HITLESS-BUNDLE 1\n", the signed manifest (one line of JSON: appliance, validity, each file's
// path, length and SHA-256), then the files' bytes in manifest order.
std::string write_bundle(const OfflineBundle& bundle, const MinisignSecretKey& key);
// Checks the manifest's signature (one of `trusted`), then every file's length and digest.
Result<OfflineBundle, BundleErrc> read_bundle(std::string_view bytes,
                                              const std::vector<MinisignPublicKey>& trusted);
// The appliance's own checks before it takes a bundle: made for it, and its clock (`now`)
// within [issued - tolerance, expires].
Status<BundleErrc> check_bundle_for(const OfflineBundle& bundle, const std::string& appliance,
                                    const std::string& node, std::int64_t now,
                                    std::int64_t tolerance_s);

}  // namespace hitless::catalog
