#pragma once
// The catalog file (catalog.json) and the root of trust (root.json, root.N.json), as data.
// A catalog lists every package the operator may install: identity, kind, requirements, the
// versions it installs over (the release notes' supported paths), hardware, length, SHA-256, the
// package's minisign signature and the soak time after installing it. Its "signed" part also
// names the keys packages are signed with. The root lists the keys whose threshold signs the
// catalog. Format: docs/catalog-format.md. Parsing is pure; errors name file and field.

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/minisign.hpp"
#include "catalog/package.hpp"
#include "catalog/signed_document.hpp"
#include "common/result.hpp"

namespace hitless::catalog {

struct CatalogEntry {
  std::string file;          // relative to the catalog's directory; never absolute, never "..".
  PackageManifest manifest;  // name, version, kind, requires, installable_from, install_s
  std::vector<std::string> hardware;  // compatible hardware models; empty = any
  std::uint64_t length = 0;
  std::string sha256;       // lowercase hex
  std::string signature;    // minisign signature file text; "" = unsigned (refused on use)
  std::int64_t soak_s = 0;  // wait after installing it before the next hop
  bool downgrade_erases_data = false;  // installing it over a newer version deletes all data
};

struct CatalogFile {
  std::int64_t version = 0;
  std::int64_t expires = 0;  // seconds since the epoch (UTC)
  std::vector<MinisignPublicKey> package_keys;
  std::vector<CatalogEntry> entries;
};

struct RootFile {
  std::int64_t version = 0;
  int threshold = 1;
  std::vector<MinisignPublicKey> keys;
};

enum class CatalogFileErrc { kMalformed, kUnsafeName, kSameVersionDifferentBytes };

// `what` is the file name used in messages ("examples/catalog/catalog.json").
Result<CatalogFile, CatalogFileErrc> parse_catalog(const nlohmann::json& signed_part,
                                                   const std::string& what);
nlohmann::json catalog_to_json(const CatalogFile& c);
Result<RootFile, CatalogFileErrc> parse_root(const nlohmann::json& signed_part,
                                             const std::string& what);
nlohmann::json root_to_json(const RootFile& r);

// "" when `name` is a safe relative file name; otherwise why not.
std::string unsafe_name_reason(const std::string& name);

}  // namespace hitless::catalog
