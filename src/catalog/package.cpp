#include "catalog/package.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>

namespace hitless::catalog {
namespace {
constexpr std::string_view kMagic = "HITLESS-PKG 1\n";
}

std::string encode_package(const PackageManifest& m, std::string_view payload) {
  nlohmann::json j;
  j["name"] = m.name;
  j["version"] = m.version;
  j["kind"] = m.kind;
  j["requires"] = nlohmann::json::array();
  for (const auto& r : m.requires_)
    j["requires"].push_back({{"package", r.package}, {"min_version", r.min_version}});
  j["upgrade_from"] = m.upgrade_from;
  j["install_s"] = m.install_s;
  j["size_mb"] = m.size_mb;
  std::string out(kMagic);
  out += j.dump();
  out += '\n';
  out.append(payload);
  return out;
}

Result<PackageManifest, PackageErrc> decode_package(std::string_view bytes) {
  if (bytes.substr(0, kMagic.size()) != kMagic)
    return make_error(PackageErrc::kMalformed, "not a hitless package (bad header)");
  const auto rest = bytes.substr(kMagic.size());
  const auto nl = rest.find('\n');
  if (nl == std::string_view::npos)
    return make_error(PackageErrc::kMalformed, "package manifest is truncated");
  auto j = nlohmann::json::parse(rest.substr(0, nl), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(PackageErrc::kMalformed, "package manifest is not JSON");
  try {
    PackageManifest m;
    m.name = j.at("name").get<std::string>();
    m.version = j.at("version").get<std::string>();
    m.kind = j.at("kind").get<std::string>();
    for (const auto& r : j.at("requires"))
      m.requires_.push_back(
          {r.at("package").get<std::string>(), r.at("min_version").get<std::string>()});
    m.upgrade_from = j.at("upgrade_from").get<std::vector<std::string>>();
    m.install_s = j.at("install_s").get<double>();
    m.size_mb = j.at("size_mb").get<double>();
    if (m.name.empty() || m.version.empty())
      return make_error(PackageErrc::kMalformed, "package manifest lacks name or version");
    return m;
  } catch (const nlohmann::json::exception& e) {
    return make_error(PackageErrc::kMalformed, std::string("package manifest: ") + e.what());
  }
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  static const char* hex = "0123456789abcdef";
  std::string s;
  s.reserve(sizeof out * 2);
  for (unsigned char c : out) {
    s += hex[c >> 4];
    s += hex[c & 15];
  }
  return s;
}

}  // namespace hitless::catalog
