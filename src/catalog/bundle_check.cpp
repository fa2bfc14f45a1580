#include "catalog/bundle_check.hpp"

#include "catalog/minisign.hpp"
#include "catalog/package.hpp"
#include "catalog/package_check.hpp"
#include "catalog/signed_document.hpp"
#include "common/timestamps.hpp"

namespace hitless::catalog {
namespace {

const CatalogEntry* entry_for_file(const CatalogFile& c, const std::string& file) {
  for (const auto& e : c.entries)
    if (e.file == file) return &e;
  return nullptr;
}

// One package inside: listed in the operator's catalog under that file name, exactly the bytes
// it lists (length, SHA-256) and signed as it says; and the bundle's own catalog, which the
// appliance checks the signature against, lists the same bytes.
Status<BundleErrc> check_bundled_package(const BundleFile& f, const std::string& file,
                                         const CatalogFile& trusted, const CatalogFile& bundled) {
  const CatalogEntry* e = entry_for_file(trusted, f.path);
  if (!e)
    return make_error(BundleErrc::kNotInCatalog,
                      file + ": " + f.path +
                          " is not in the trusted catalog; refusing a bundle "
                          "that carries a package the catalog does not list");
  const std::string what = file + ": " + f.path + " (" + e->manifest.id() + ")";
  if (f.bytes.size() != e->length)
    return make_error(BundleErrc::kBadPackage, what + " is " + std::to_string(f.bytes.size()) +
                                                   " bytes, the catalog lists " +
                                                   std::to_string(e->length));
  PackageHasher hasher;
  hasher.update(f.bytes);
  const auto [blake, sha] = hasher.finish();
  if (sha != e->sha256)
    return make_error(BundleErrc::kBadPackage,
                      what + ": SHA-256 " + sha + " differs from the catalog's " + e->sha256);
  if (auto s = check_package_signature(*e, trusted, blake, ""); !s)
    return make_error(BundleErrc::kBadPackage, what + ": " + s.message());
  const CatalogEntry* own = entry_for_file(bundled, f.path);
  if (!own || own->sha256 != e->sha256 || own->signature != e->signature)
    return make_error(BundleErrc::kBadPackage,
                      what +
                          ": the bundle's own catalog.json lists it differently than the "
                          "trusted catalog (the appliance would check it against that)");
  return Unit{};
}

}  // namespace

Result<BundleSummary, BundleErrc> check_bundle(std::string_view bytes, const std::string& file,
                                               const Catalog& catalog, std::int64_t now) {
  const CatalogFile& trusted = catalog.file();
  auto b = read_bundle(bytes, trusted.package_keys);
  if (!b) return make_error(b.code(), file + ": " + b.message());
  if (b->files.empty() || b->files.front().path != "catalog.json")
    return make_error(BundleErrc::kMalformed, file + ": the bundle holds no catalog.json first");
  auto doc = parse_signed_document(b->files.front().bytes, file + " catalog.json");
  if (!doc) return make_error(BundleErrc::kMalformed, doc.message());
  auto bundled = parse_catalog(doc->signed_part, file + " catalog.json");
  if (!bundled) return make_error(BundleErrc::kMalformed, bundled.message());
  if (now > b->expires)
    return make_error(BundleErrc::kExpired,
                      file + ": the bundle expired at " + format_utc_timestamp(b->expires) +
                          " (now " + format_utc_timestamp(now) +
                          "); make a new one from the appliance's download key");
  if (now + kBundleIssueToleranceS < b->issued)
    return make_error(BundleErrc::kExpired,
                      file + ": the bundle is issued at " + format_utc_timestamp(b->issued) +
                          ", after this host's clock (" + format_utc_timestamp(now) +
                          "): one of the two clocks is wrong");
  BundleSummary s{file, sha256_hex(bytes), b->appliance, b->node, b->issued, b->expires, {}};
  for (std::size_t i = 1; i < b->files.size(); ++i) {
    if (auto ok = check_bundled_package(b->files[i], file, trusted, *bundled); !ok)
      return ok.error();
    s.packages.push_back(entry_for_file(trusted, b->files[i].path)->manifest.id());
  }
  return s;
}

Status<BundleErrc> bundle_bound_to(const BundleSummary& bundle, const std::string& appliance,
                                   const std::string& node) {
  if (bundle.appliance == appliance) return Unit{};
  return make_error(BundleErrc::kOtherAppliance,
                    bundle.file + " was made for appliance " + bundle.appliance + " (" +
                        bundle.node + "), not for " + node + " (" +
                        (appliance.empty() ? "its driver reports no appliance ID" : appliance) +
                        "): get " + node + "'s own download key and make a bundle for it");
}

}  // namespace hitless::catalog
