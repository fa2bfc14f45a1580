#pragma once
// A software package as it travels to an appliance: a small text header (format tag and a JSON
// manifest: name, version, kind, requirements, upgrade paths, install time, size) followed by the
// payload bytes. Packages are signed (see signing.hpp); the digest is SHA-256 over the whole file.
// Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace hitless::catalog {

struct PackageRequirement {
  std::string package;
  std::string min_version;  // "" = any version
};

struct PackageManifest {
  std::string name;
  std::string version;
  std::string kind = "product";  // base | product | firmware
  std::vector<PackageRequirement> requires_;
  std::vector<std::string> upgrade_from;  // version prefixes; empty = any older version
  double install_s = 0;                   // 0 = appliance default
  double size_mb = 0;
  std::string id() const { return name + "-" + version; }
};

enum class PackageErrc { kMalformed };

std::string encode_package(const PackageManifest& manifest, std::string_view payload);
Result<PackageManifest, PackageErrc> decode_package(std::string_view bytes);

// Lowercase hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

}  // namespace hitless::catalog
