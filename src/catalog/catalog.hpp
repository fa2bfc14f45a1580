#pragma once
// Catalog: the packages an inventory can be upgraded with, read from a repository directory
// (`*.pkg` files with detached `*.pkg.sig` Ed25519 signatures) and checked against a trusted
// public key. Resolving "from what is installed to version V" yields the ordered hops: packages
// that others require come first (Base before product), and intermediate versions are inserted
// when a package only installs over certain versions (upgrade_from).
// Loading reads files; resolving is pure. Thread-compatible.

#include <map>
#include <string>
#include <vector>

#include "catalog/package.hpp"
#include "common/result.hpp"

namespace hitless::catalog {

enum class CatalogErrc {
  kUnreadable,       // repository directory or a file cannot be read
  kBadPackage,       // a file is not a package, or its signature does not verify
  kUnknownVersion,   // the target version is not in the repository
  kAlreadyAtTarget,  // the node already runs the target
  kDowngrade,        // the target is older than what runs
  kNoPath,           // no sequence of packages leads there (requirements or upgrade paths)
};

struct CatalogPackage {
  PackageManifest manifest;
  std::string path;           // the .pkg file
  std::string signature_b64;  // content of the .pkg.sig file
  std::string digest;         // sha256 of the .pkg file
  std::string id() const { return manifest.id(); }
};

class Catalog {
 public:
  // Every *.pkg in `dir`, each verified against `public_key_b64`; any bad file fails the load
  // with a message naming it.
  static Result<Catalog, CatalogErrc> load(const std::string& dir,
                                           const std::string& public_key_b64);
  // For tests and the simulator: a catalog from manifests already in memory (no files).
  static Catalog from_manifests(const std::vector<PackageManifest>& manifests);

  const std::vector<CatalogPackage>& packages() const { return packages_; }
  const CatalogPackage* find(const std::string& id) const;
  // The main package (kind product or firmware) that has this version, or nullptr.
  const CatalogPackage* main_package_with_version(const std::string& version) const;

  // The ordered packages to install on a node whose installed packages are `installed`
  // (name -> version, including the main package) so that it runs `target_version` of its main
  // package `main_name`. Requirements of each hop are satisfied by earlier hops or by what is
  // installed. Errors say what is missing ("7.9.0 is not in the repository; it has 7.2.0, 7.3.0").
  Result<std::vector<const CatalogPackage*>, CatalogErrc> resolve(
      const std::map<std::string, std::string>& installed, const std::string& main_name,
      const std::string& target_version) const;
  // The newest version of `main_name` that resolve() can reach from `installed`.
  Result<std::string, CatalogErrc> latest(const std::map<std::string, std::string>& installed,
                                          const std::string& main_name) const;

 private:
  std::vector<CatalogPackage> packages_;
};

}  // namespace hitless::catalog
