#pragma once
// Catalog: the packages an inventory can be upgraded with, read from a signed catalog directory
// (catalog.json, root rotations, the package files; see trust.hpp and docs/catalog-format.md).
// Every package file present is checked against the catalog (length, SHA-256, minisign signature)
// on load, so nothing unchecked reaches a node. Resolving "from what is installed to version V"
// yields the ordered hops: packages that others require come first (Base before product), and
// intermediate versions are inserted when a package only installs over certain versions
// (upgrade_from). Loading reads files; resolving is pure. Thread-compatible.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "catalog/catalog_file.hpp"
#include "catalog/package.hpp"
#include "catalog/trust.hpp"
#include "common/result.hpp"

namespace hitless::catalog {

enum class CatalogErrc {
  kUnreadable,       // catalog directory or a file cannot be read
  kUntrusted,        // the catalog itself is refused (signatures, rollback, expiry, root rotation)
  kBadPackage,       // a package file does not match the catalog or its signature
  kUnknownVersion,   // the target version is not in the repository
  kAlreadyAtTarget,  // the node already runs the target
  kDowngrade,        // the target is older than what runs
  kNoPath,           // no sequence of packages leads there (requirements or upgrade paths)
  kDataLossNotAcknowledged,  // a downgrade that erases all data, not acknowledged by name
};

// Downgrades are refused unless allowed; one that the vendor says deletes all data (the catalog's
// downgrade_erases_data) also needs the package acknowledged by name.
struct ResolveOptions {
  bool allow_downgrade = false;
  std::string acknowledge_data_loss;  // the package name whose data loss is accepted
};

struct CatalogPackage {
  PackageManifest manifest;
  std::string path;           // the package file ("" for catalogs built in memory)
  std::string signature_b64;  // its minisign signature in wire form (see signing.hpp)
  std::string digest;         // sha256 of the package file
  std::uint64_t length = 0;
  std::vector<std::string> hardware;  // compatible hardware; empty = any
  double soak_s = 0;                  // wait after installing it before the next hop
  bool downgrade_erases_data = false;
  std::string id() const { return manifest.id(); }
};

class Catalog {
 public:
  // DIR/catalog.json verified against the root of trust (trust.hpp); with `check_files`, every
  // listed package file must be present in DIR and pass check_package_file. Any refusal fails
  // the load with a message naming the file.
  static Result<Catalog, CatalogErrc> load(const std::string& dir, const TrustOptions& trust,
                                           bool check_files = true);
  // For tests and the simulator: a catalog from manifests already in memory (no files).
  static Catalog from_manifests(const std::vector<PackageManifest>& manifests);
  // For tests: packages with their catalog attributes (soak, downgrade data loss) set.
  static Catalog from_packages(std::vector<CatalogPackage> packages);

  const std::vector<CatalogPackage>& packages() const { return packages_; }
  // The verified catalog file (empty for catalogs built in memory) and the overrides used.
  const CatalogFile& file() const { return file_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  const CatalogPackage* find(const std::string& id) const;
  // The main package (kind product or firmware) that has this version, or nullptr.
  const CatalogPackage* main_package_with_version(const std::string& version) const;

  // The ordered packages to install on a node whose installed packages are `installed`
  // (name -> version, including the main package) so that it runs `target_version` of its main
  // package `main_name`. Requirements of each hop are satisfied by earlier hops or by what is
  // installed. Errors say what is missing ("7.9.0 is not in the repository; it has 7.2.0, 7.3.0").
  Result<std::vector<const CatalogPackage*>, CatalogErrc> resolve(
      const std::map<std::string, std::string>& installed, const std::string& main_name,
      const std::string& target_version, const ResolveOptions& options = {}) const;
  // The newest version of `main_name` that resolve() can reach from `installed`.
  Result<std::string, CatalogErrc> latest(const std::map<std::string, std::string>& installed,
                                          const std::string& main_name) const;

 private:
  std::vector<CatalogPackage> packages_;
  CatalogFile file_;
  std::vector<std::string> warnings_;
};

}  // namespace hitless::catalog
