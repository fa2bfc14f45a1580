#include "catalog/package_check.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

namespace hitless::catalog {
namespace {

namespace fs = std::filesystem;
using Errc = PackageCheckErrc;

Error<Errc> fail(Errc code, std::string message) { return make_error(code, std::move(message)); }

std::string list(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
  return s.empty() ? "any" : s;
}

}  // namespace

Result<CheckedPackage, Errc> check_package_signature(const CatalogEntry& entry,
                                                     const CatalogFile& catalog,
                                                     const std::string& blake2b_512,
                                                     const std::string& hardware) {
  const std::string id = entry.manifest.name + " " + entry.manifest.version;
  if (entry.signature.empty())
    return fail(Errc::kUnsigned,
                entry.file + " (" + id + ") is unsigned: the catalog lists no minisign signature");
  auto sig = parse_signature(entry.signature);
  if (!sig)
    return fail(Errc::kBadSignature,
                entry.file + ": its signature is unreadable: " + sig.message());
  const auto key = std::find_if(catalog.package_keys.begin(), catalog.package_keys.end(),
                                [&](const auto& k) { return k.key_id == sig->key_id; });
  if (key == catalog.package_keys.end()) {
    std::string trusted;
    for (const auto& k : catalog.package_keys)
      trusted += (trusted.empty() ? "" : ", ") + k.id_hex();
    return fail(Errc::kUntrustedKey, entry.file + " is signed by key " + key_id_hex(sig->key_id) +
                                         ", which is not a package key of the catalog (" + trusted +
                                         ")");
  }
  if (auto ok = minisign_verify_prehashed(*sig, *key, blake2b_512); !ok) {
    const Errc code =
        ok.code() == MinisignErrc::kEditedComment ? Errc::kEditedComment : Errc::kBadSignature;
    return fail(code, entry.file + ": " + ok.message());
  }
  auto signed_id = parse_package_comment(sig->trusted_comment);
  if (!signed_id) return fail(Errc::kWrongPackage, entry.file + ": " + signed_id.message());
  if (signed_id->name != entry.manifest.name || signed_id->version != entry.manifest.version)
    return fail(Errc::kWrongPackage, entry.file + ": the signature is for " + signed_id->name +
                                         " " + signed_id->version + ", not " + id);
  if (std::set(signed_id->hardware.begin(), signed_id->hardware.end()) !=
      std::set(entry.hardware.begin(), entry.hardware.end()))
    return fail(Errc::kWrongHardware, entry.file + ": signed for hardware " +
                                          list(signed_id->hardware) + " but the catalog lists " +
                                          list(entry.hardware));
  if (!hardware.empty() && !entry.hardware.empty() &&
      std::find(entry.hardware.begin(), entry.hardware.end(), hardware) == entry.hardware.end())
    return fail(Errc::kWrongHardware, entry.file + " (" + id + ") is for hardware " +
                                          list(entry.hardware) + ", not " + hardware);
  return CheckedPackage{&entry, std::move(*signed_id), key->id_hex()};
}

Result<CheckedPackage, Errc> check_package_file(const std::string& path, const CatalogFile& catalog,
                                                const std::string& hardware) {
  const std::string name = fs::path(path).filename().string();
  const auto entry =
      std::find_if(catalog.entries.begin(), catalog.entries.end(),
                   [&](const auto& e) { return fs::path(e.file).filename().string() == name; });
  if (entry == catalog.entries.end())
    return fail(Errc::kNotInCatalog, path + ": no package named " + name +
                                         " is in the catalog; only listed packages "
                                         "are installed");
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) return fail(Errc::kUnreadable, "cannot read " + path);
  if (size > entry->length)
    return fail(Errc::kLongerThanDeclared,
                path + " is " + std::to_string(size) + " bytes, longer than the " +
                    std::to_string(entry->length) + " the catalog declares; refused unread");
  if (size < entry->length)
    return fail(Errc::kLengthMismatch, path + " is " + std::to_string(size) + " bytes but the " +
                                           "catalog declares " + std::to_string(entry->length) +
                                           " (truncated?)");
  PackageHasher hasher;
  std::vector<char> buffer(1 << 20);
  std::uint64_t left = entry->length;
  while (left > 0) {
    const auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(left, buffer.size()));
    in.read(buffer.data(), want);
    if (in.gcount() != want) return fail(Errc::kLengthMismatch, path + " shrank while being read");
    hasher.update({buffer.data(), static_cast<std::size_t>(want)});
    left -= static_cast<std::uint64_t>(want);
  }
  if (in.peek() != std::char_traits<char>::eof())
    return fail(Errc::kLongerThanDeclared, path + " grew while being read; refused");
  auto [blake, sha] = hasher.finish();
  if (sha != entry->sha256)
    return fail(Errc::kDigestMismatch, path + ": SHA-256 " + sha + " differs from the catalog's " +
                                           entry->sha256 + " for " + entry->manifest.name + " " +
                                           entry->manifest.version);
  return check_package_signature(*entry, catalog, blake, hardware);
}

}  // namespace hitless::catalog
