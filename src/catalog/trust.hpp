#pragma once
// The catalog's root of trust, TUF-style: an operator pins a root (root.json signed by a threshold
// of its own keys, or a single minisign public key meaning "root version 1, that key, threshold
// 1"). The catalog directory may carry rotations root.2.json, root.3.json, ...: each is exactly
// the next version and signed by a threshold of both the old and the new keys. catalog.json must
// be signed by a threshold of the current root's keys, must not be older than the newest catalog
// seen before (rollback) and must not have expired (freeze) unless the operator overrides that.
// The newest root and catalog version are kept in a state file, one per pinned root:
//   STATE_DIR/catalog-trust-<first key id of the pinned root>.json
// so rollback protection holds offline. Reads files; writes only the state file (atomically).

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/catalog_file.hpp"
#include "common/result.hpp"

namespace hitless::catalog {

struct TrustOptions {
  std::string anchor_file;  // root.json or a minisign public key file
  std::string state_dir;    // "" = $HITLESS_STATE_DIR, else ~/.local/state/hitless
  std::int64_t now = 0;     // seconds since the epoch; compared with the catalog's expiry
  bool allow_expired = false;
};

struct TrustedCatalog {
  CatalogFile catalog;
  RootFile root;
  std::vector<std::string> warnings;  // overrides that were used; the caller logs them
};

enum class TrustErrc {
  kUnreadable,
  kMalformed,
  kUnsafeName,                 // a package file name that is absolute or climbs with ".."
  kSameVersionDifferentBytes,  // one name+version listed with two contents
  kNotSigned,                  // catalog lacks a threshold of valid signatures by root keys
  kRootRotation,               // a new root lacks the old or the new threshold
  kRootVersion,                // a root that is not exactly the next version
  kRollback,                   // older than the newest catalog seen
  kExpired,                    // past its expiry and no override
  kState,                      // the state file cannot be read or written
};

// Default state directory (see above).
std::string default_state_dir();

// Verifies DIR/catalog.json (and DIR/root.N.json rotations) as described above.
Result<TrustedCatalog, TrustErrc> load_trusted_catalog(const std::string& dir,
                                                       const TrustOptions& options);

}  // namespace hitless::catalog
