#include "catalog/catalog.hpp"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <optional>
#include <system_error>
#include <unordered_map>

#include "catalog/package_check.hpp"
#include "catalog/signing.hpp"
#include "model/version.hpp"

namespace hitless::catalog {
namespace {

namespace fs = std::filesystem;
using Installed = std::map<std::string, std::string>;
using Hops = std::vector<const CatalogPackage*>;

// One version of a package name; packages whose version text does not parse are left out.
struct Candidate {
  const CatalogPackage* pkg;
  Version version;
};

// Ascending by version; of several packages with equal versions ("7.1" and "7.1.0") the first
// in catalog order wins, so results do not depend on anything but the catalog.
std::vector<Candidate> versions_of(const std::vector<CatalogPackage>& packages,
                                   const std::string& name) {
  std::vector<Candidate> out;
  for (const auto& p : packages) {
    if (p.manifest.name != name) continue;
    if (auto v = Version::parse(p.manifest.version)) out.push_back({&p, *v});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Candidate& a, const Candidate& b) { return a.version < b.version; });
  out.erase(
      std::unique(out.begin(), out.end(),
                  [](const Candidate& a, const Candidate& b) { return a.version == b.version; }),
      out.end());
  return out;
}

std::string list_versions(const std::vector<Candidate>& candidates, const std::string& name) {
  if (candidates.empty()) return "no " + name + " packages";
  std::string s;
  for (const auto& c : candidates) s += (s.empty() ? "" : ", ") + c.version.str();
  return s;
}

std::string upgrade_from_text(const PackageManifest& m) {
  std::string s;
  for (const auto& p : m.upgrade_from) s += (s.empty() ? "" : ", ") + p;
  return s;
}

// The texts a version matches as an installable_from prefix: itself and every prefix that ends
// at a component boundary ("7.1R2" -> "7.1R2", "7", "7.1"), as Version::matches_prefix defines.
std::vector<std::string> boundary_prefixes(const std::string& text) {
  std::vector<std::string> out{text};
  for (std::size_t k = 1; k < text.size(); ++k)
    if (text[k] == '.' || text[k] == 'R' || text[k] == ' ') out.push_back(text.substr(0, k));
  return out;
}

// The versions (indices into `mains`, one package name ascending) to install in order to go from
// `current` to `mains[target]`: the shortest chain allowed by installable_from, preferring newer
// intermediate versions. nullopt when no chain exists. Linear in the versions times their
// prefixes: edges are found through a prefix index, not by testing every pair, so a catalog of
// 10,000 versions resolves in milliseconds.
std::optional<std::vector<std::size_t>> upgrade_chain(const std::vector<Candidate>& mains,
                                                      const Version& current, std::size_t target) {
  constexpr int kUnreachable = INT_MAX;
  std::size_t first = 0;  // the first version newer than current
  while (first < target && mains[first].version <= current) ++first;
  // Who installs over what: a named prefix -> the versions naming it; and the versions that
  // install over any older version.
  std::unordered_map<std::string, std::vector<std::size_t>> by_prefix;
  std::vector<bool> over_any(target + 1, false);
  for (std::size_t j = first; j <= target; ++j) {
    const auto& from = mains[j].pkg->manifest.upgrade_from;
    if (from.empty()) over_any[j] = true;
    for (const auto& prefix : from) by_prefix[prefix].push_back(j);
  }
  std::vector<int> hops(target + 2, kUnreachable);
  // best_any[i]: of the versions in [i, target] that install over anything, the one closest to
  // the target (ties: the newer); target + 1 = none.
  std::vector<std::size_t> best_any(target + 2, target + 1);
  const auto better = [&](std::size_t a, std::size_t b) {  // is a better than b?
    if (a > target || hops[a] == kUnreachable) return false;
    if (b > target || hops[b] == kUnreachable) return true;
    return hops[a] < hops[b] || (hops[a] == hops[b] && a > b);
  };
  // The best next version after a node whose version text is `text`, among indices >= lo.
  const auto successor = [&](const std::string& text, std::size_t lo) {
    std::size_t best = best_any[lo];
    for (const auto& prefix : boundary_prefixes(text))
      if (auto it = by_prefix.find(prefix); it != by_prefix.end())
        for (std::size_t j : it->second)
          if (j >= lo && better(j, best)) best = j;
    return best;
  };
  hops[target] = 0;
  best_any[target] = over_any[target] ? target : target + 1;
  for (std::size_t i = target; i-- > first;) {
    const std::size_t next = successor(mains[i].version.str(), i + 1);
    if (next <= target) hops[i] = hops[next] + 1;
    best_any[i] = over_any[i] && better(i, best_any[i + 1]) ? i : best_any[i + 1];
  }
  std::vector<std::size_t> chain;
  std::size_t next = successor(current.str(), first);
  while (next <= target) {
    chain.push_back(next);
    if (next == target) return chain;
    next = successor(mains[next].version.str(), next + 1);
  }
  return std::nullopt;
}

Error<CatalogErrc> no_path(std::string message) {
  return make_error(CatalogErrc::kNoPath, std::move(message));
}

// Adds packages to `hops` in install order, tracking what the node runs after each of them.
class RequirementResolver {
 public:
  RequirementResolver(const std::vector<CatalogPackage>& packages, const Installed& installed)
      : packages_(packages), state_(installed) {}

  // Appends `pkg` after whatever its requirements need, recursively.
  Status<CatalogErrc> add(const CatalogPackage& pkg) {
    chain_.push_back(&pkg);
    for (const auto& req : pkg.manifest.requires_) {
      auto st = satisfy(pkg, req);
      if (!st.ok()) return st;
    }
    chain_.pop_back();
    hops_.push_back(&pkg);
    state_[pkg.manifest.name] = pkg.manifest.version;
    return Unit{};
  }

  const std::string* installed_version(const std::string& name) const {
    auto it = state_.find(name);
    return it == state_.end() ? nullptr : &it->second;
  }

  Hops take() { return std::move(hops_); }

 private:
  Status<CatalogErrc> satisfy(const CatalogPackage& pkg, const PackageRequirement& req) {
    const std::string need =
        req.package + (req.min_version.empty() ? "" : " >= " + req.min_version);
    std::optional<Version> min;
    if (!req.min_version.empty() && !(min = Version::parse(req.min_version)))
      return no_path(pkg.id() + " requires " + need + ", which is not a version");
    std::optional<Version> current;
    if (const std::string* have = installed_version(req.package)) {
      if (!(current = Version::parse(*have)))
        return no_path(pkg.id() + " requires " + need + ", but the installed " + req.package +
                       " version '" + *have + "' is not a version");
      if (!min || *current >= *min) return Unit{};
    }
    for (const CatalogPackage* p : chain_) {
      if (p->manifest.name != req.package) continue;
      std::string cycle;
      for (const CatalogPackage* q : chain_) cycle += q->id() + " -> ";
      return no_path("dependency cycle: " + cycle + need);
    }
    const auto candidates = versions_of(packages_, req.package);
    // The lowest version that satisfies the requirement and can be reached from what is installed,
    // through intermediate versions of the required package if its upgrade_from asks for them.
    const Candidate* blocked = nullptr;
    for (std::size_t t = 0; t < candidates.size(); ++t) {
      const Candidate& c = candidates[t];
      if ((min && c.version < *min) || (current && c.version <= *current)) continue;
      if (!current) return add(*c.pkg);
      const auto chain = upgrade_chain(candidates, *current, t);
      if (!chain) {
        if (!blocked) blocked = &c;
        continue;
      }
      for (std::size_t index : *chain)
        if (auto st = add(*candidates[index].pkg); !st.ok()) return st;
      return Unit{};
    }
    if (blocked)
      return no_path(pkg.id() + " requires " + need + ", but " + blocked->pkg->id() +
                     " installs only over " + upgrade_from_text(blocked->pkg->manifest) +
                     " and no version in the repository leads there from " + req.package + " " +
                     current->str());
    return no_path(pkg.id() + " requires " + need + ", which is not in the repository (it has " +
                   list_versions(candidates, req.package) + ")");
  }

  const std::vector<CatalogPackage>& packages_;
  Installed state_;
  std::vector<const CatalogPackage*> chain_;  // packages whose requirements are being resolved
  Hops hops_;
};

}  // namespace

Result<Catalog, CatalogErrc> Catalog::load(const std::string& dir, const TrustOptions& trust,
                                           bool check_files) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return make_error(CatalogErrc::kUnreadable, "catalog directory " + dir + " is not a directory");
  auto trusted = load_trusted_catalog(dir, trust);
  if (!trusted)
    return make_error(trusted.code() == TrustErrc::kUnreadable ? CatalogErrc::kUnreadable
                                                               : CatalogErrc::kUntrusted,
                      trusted.message());
  Catalog catalog;
  catalog.file_ = std::move(trusted->catalog);
  catalog.warnings_ = std::move(trusted->warnings);
  for (const auto& e : catalog.file_.entries) {
    const std::string path = (fs::path(dir) / e.file).string();
    if (check_files) {
      if (!fs::exists(path, ec))
        return make_error(CatalogErrc::kUnreadable, "package " + path + " (" + e.manifest.name +
                                                        " " + e.manifest.version +
                                                        ") is listed in the catalog but missing");
      if (auto checked = check_package_file(path, catalog.file_, ""); !checked)
        return make_error(CatalogErrc::kBadPackage, "package refused: " + checked.message());
    }
    CatalogPackage p;
    p.manifest = e.manifest;
    p.path = path;
    p.signature_b64 = e.signature.empty() ? "" : signature_to_wire(e.signature);
    p.digest = e.sha256;
    p.length = e.length;
    p.hardware = e.hardware;
    p.soak_s = static_cast<double>(e.soak_s);
    p.downgrade_erases_data = e.downgrade_erases_data;
    catalog.packages_.push_back(std::move(p));
  }
  return catalog;
}

Catalog Catalog::from_manifests(const std::vector<PackageManifest>& manifests) {
  Catalog catalog;
  for (const auto& m : manifests) {
    CatalogPackage p;
    p.manifest = m;
    p.digest = sha256_hex(encode_package(m, ""));
    catalog.packages_.push_back(std::move(p));
  }
  return catalog;
}

Catalog Catalog::from_packages(std::vector<CatalogPackage> packages) {
  Catalog catalog;
  catalog.packages_ = std::move(packages);
  return catalog;
}

const CatalogPackage* Catalog::find(const std::string& id) const {
  for (const auto& p : packages_)
    if (p.id() == id) return &p;
  return nullptr;
}

const CatalogPackage* Catalog::main_package_with_version(const std::string& version) const {
  const auto wanted = Version::parse(version);
  if (!wanted) return nullptr;
  for (const auto& p : packages_) {
    if (p.manifest.kind != "product" && p.manifest.kind != "firmware") continue;
    if (auto v = Version::parse(p.manifest.version); v && *v == *wanted) return &p;
  }
  return nullptr;
}

Result<std::vector<const CatalogPackage*>, CatalogErrc> Catalog::resolve(
    const Installed& installed, const std::string& main_name, const std::string& target_version,
    const ResolveOptions& options) const {
  const auto mains = versions_of(packages_, main_name);
  const auto target = Version::parse(target_version);
  const auto target_it = std::find_if(mains.begin(), mains.end(), [&](const Candidate& c) {
    return target && c.version == *target;
  });
  if (target_it == mains.end())
    return make_error(
        CatalogErrc::kUnknownVersion,
        target_version + " is not in the repository; it has " + list_versions(mains, main_name));
  const auto installed_it = installed.find(main_name);
  if (installed_it == installed.end())
    return no_path(main_name + " is not installed on the node, so there is nothing to upgrade to " +
                   target_version);
  const auto current = Version::parse(installed_it->second);
  if (!current)
    return no_path("the installed " + main_name + " version '" + installed_it->second +
                   "' is not a version");
  if (*current == *target)
    return make_error(CatalogErrc::kAlreadyAtTarget,
                      main_name + " " + installed_it->second + " is already installed");
  if (*target < *current) {
    const CatalogPackage& pkg = *target_it->pkg;
    const std::string what = "installing " + main_name + " " + target_version +
                             " would downgrade from " + installed_it->second;
    if (!options.allow_downgrade)
      return make_error(CatalogErrc::kDowngrade,
                        what + "; downgrades are refused unless --allow-downgrade is given");
    if (pkg.downgrade_erases_data && options.acknowledge_data_loss != main_name)
      return make_error(CatalogErrc::kDataLossNotAcknowledged,
                        what +
                            ", which the vendor says deletes all data on the node; to accept "
                            "that, also give --acknowledge-data-loss " +
                            main_name);
    return std::vector<const CatalogPackage*>{&pkg};  // a downgrade is one direct install
  }

  const auto chain =
      upgrade_chain(mains, *current, static_cast<std::size_t>(target_it - mains.begin()));
  if (!chain) {
    const auto& tm = target_it->pkg->manifest;
    return no_path("no upgrade path from " + main_name + " " + installed_it->second + " to " +
                   target_version + ": " + target_it->pkg->id() + " installs only over " +
                   upgrade_from_text(tm) + " and no version in the repository (" +
                   list_versions(mains, main_name) + ") leads there");
  }
  RequirementResolver resolver(packages_, installed);
  for (std::size_t index : *chain) {
    auto st = resolver.add(*mains[index].pkg);
    if (!st.ok()) return st.error();
  }
  return resolver.take();
}

Result<std::string, CatalogErrc> Catalog::latest(const Installed& installed,
                                                 const std::string& main_name) const {
  const auto mains = versions_of(packages_, main_name);
  if (mains.empty())
    return make_error(CatalogErrc::kUnknownVersion,
                      "the repository has no " + main_name + " packages");
  const auto installed_it = installed.find(main_name);
  const auto current =
      installed_it == installed.end() ? std::nullopt : Version::parse(installed_it->second);
  if (current && *current >= mains.back().version)
    return make_error(CatalogErrc::kAlreadyAtTarget,
                      main_name + " " + installed_it->second +
                          " is already the newest version (the repository has " +
                          list_versions(mains, main_name) + ")");
  std::optional<Error<CatalogErrc>> newest_failure;
  for (auto it = mains.rbegin(); it != mains.rend(); ++it) {
    if (current && it->version <= *current) break;
    auto hops = resolve(installed, main_name, it->pkg->manifest.version);
    if (hops.ok()) return it->pkg->manifest.version;
    if (!newest_failure) newest_failure = hops.error();
    if (!current) break;  // resolve() failed on what is installed, not on the version tried
  }
  return no_path("no newer " + main_name + " can be reached; for " + mains.back().version.str() +
                 ": " + newest_failure->message);
}

}  // namespace hitless::catalog
