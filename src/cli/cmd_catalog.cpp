// `hitless catalog path | sign | canonical`, `hitless package verify` and `hitless bundle make`:
// the signed catalog, its upgrade paths, single package files and offline bundles for air-gapped
// appliances (seed 004), checked before anything reaches a node.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "catalog/catalog.hpp"
#include "catalog/offline_bundle.hpp"
#include "catalog/package_check.hpp"
#include "catalog/signed_document.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "common/durations.hpp"
#include "common/timestamps.hpp"

namespace hitless::cli {
namespace {

namespace fs = std::filesystem;

struct TrustArgs {
  std::string catalog, trust, state_dir;
  bool allow_expired = false;
};

void add_trust_options(CLI::App* cmd, TrustArgs& a) {
  cmd->add_option("--catalog", a.catalog, "Catalog directory (holding catalog.json)")->required();
  cmd->add_option("--trust", a.trust,
                  "Pinned root of trust: root.json or a minisign public key "
                  "(default: CATALOG/root.json, trusted on first use)");
  cmd->add_option("--state-dir", a.state_dir,
                  "Where the newest catalog version seen is kept (default: $HITLESS_STATE_DIR "
                  "or ~/.local/state/hitless)");
  cmd->add_flag("--allow-expired-catalog", a.allow_expired,
                "Use an expired catalog (air-gapped sites); logged as a warning");
}

Result<catalog::Catalog, int> load(const TrustArgs& a, const char* cmd) {
  std::string dir = a.catalog;
  if (fs::path(dir).filename() == "catalog.json") dir = fs::path(dir).parent_path().string();
  catalog::TrustOptions trust;
  trust.anchor_file = a.trust;
  if (trust.anchor_file.empty()) {
    trust.anchor_file = (fs::path(dir) / "root.json").string();
    std::cerr << "hitless " << cmd << ": note: trusting " << trust.anchor_file
              << " as found (first use); pin a root with --trust\n";
  }
  trust.state_dir = a.state_dir;
  trust.now = std::chrono::duration_cast<std::chrono::seconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  trust.allow_expired = a.allow_expired;
  auto cat = catalog::Catalog::load(dir, trust, /*check_files=*/false);
  if (!cat) {
    std::cerr << "hitless " << cmd << ": " << cat.message() << "\n";
    return make_error(kExitBadInput, cat.message());
  }
  for (const auto& w : cat->warnings())
    std::cerr << "hitless " << cmd << ": WARNING: " << w << "\n";
  return std::move(*cat);
}

struct PathArgs {
  TrustArgs trust;
  std::string from, to, package, format = "text", acknowledge;
  std::vector<std::string> installed;
  bool allow_downgrade = false;
};

int run_path(const PathArgs& a) {
  auto cat = load(a.trust, "catalog path");
  if (!cat) return cat.code();
  std::string main = a.package;
  if (main.empty()) {
    const catalog::CatalogPackage* target = cat->main_package_with_version(a.to);
    if (!target) {
      std::cerr << "hitless catalog path: no product or firmware package has version " << a.to
                << "; name it with --package\n";
      return kExitBadInput;
    }
    main = target->manifest.name;
  }
  std::map<std::string, std::string> installed{{main, a.from}};
  for (const auto& kv : a.installed) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "hitless catalog path: --installed '" << kv << "' is not NAME=VERSION\n";
      return kExitBadInput;
    }
    installed[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  auto hops = cat->resolve(installed, main, a.to, {a.allow_downgrade, a.acknowledge});
  if (!hops) {
    std::cerr << "hitless catalog path: " << hops.message() << "\n";
    return kExitBadInput;
  }
  if (a.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto* p : *hops)
      out.push_back({{"name", p->manifest.name},
                     {"version", p->manifest.version},
                     {"kind", p->manifest.kind},
                     {"file", fs::path(p->path).filename().string()},
                     {"soak_s", p->soak_s}});
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::printf("%s %s -> %s: %zu hop%s\n", main.c_str(), a.from.c_str(), a.to.c_str(), hops->size(),
              hops->size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < hops->size(); ++i) {
    const auto& p = *(*hops)[i];
    std::printf("%zu. %-8s %s %s", i + 1, p.manifest.kind.c_str(), p.manifest.name.c_str(),
                p.manifest.version.c_str());
    if (p.soak_s > 0) std::printf("   then soak %s", format_duration(p.soak_s).c_str());
    std::printf("\n");
  }
  return kExitOk;
}

struct VerifyArgs {
  TrustArgs trust;
  std::string file, hardware;
};

int run_verify(const VerifyArgs& a) {
  auto cat = load(a.trust, "package verify");
  if (!cat) return cat.code();
  auto checked = catalog::check_package_file(a.file, cat->file(), a.hardware);
  if (!checked) {
    std::cerr << "hitless package verify: REFUSED: " << checked.message() << "\n";
    return kExitFailed;
  }
  const auto& e = *checked->entry;
  std::printf("ok: %s is %s %s (%s), %llu bytes, sha256 %s, signed by %s%s%s\n", a.file.c_str(),
              e.manifest.name.c_str(), e.manifest.version.c_str(), e.manifest.kind.c_str(),
              static_cast<unsigned long long>(e.length), e.sha256.c_str(), checked->signer.c_str(),
              a.hardware.empty() ? "" : ", for hardware ", a.hardware.c_str());
  return kExitOk;
}

struct SignArgs {
  std::string file, key;
};

bool read_text(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

int run_sign(const SignArgs& a) {
  std::string text, key_text;
  if (!read_text(a.file, text) || !read_text(a.key, key_text)) {
    std::cerr << "hitless catalog sign: cannot read " << a.file << " or " << a.key << "\n";
    return kExitBadInput;
  }
  auto key = catalog::parse_secret_key(key_text);
  auto doc = catalog::parse_signed_document(text, a.file);
  if (!key || !doc) {
    std::cerr << "hitless catalog sign: " << (key ? doc.message() : a.key + ": " + key.message())
              << "\n";
    return kExitBadInput;
  }
  if (auto s = catalog::add_signature(*doc, *key); !s) {
    std::cerr << "hitless catalog sign: " << s.message() << "\n";
    return kExitBadInput;
  }
  const std::string tmp = a.file + ".tmp";
  std::ofstream(tmp, std::ios::binary | std::ios::trunc) << catalog::write_signed_document(*doc);
  fs::rename(tmp, a.file);
  std::printf("%s: signed by %s (%zu signature%s)\n", a.file.c_str(),
              key->public_key().id_hex().c_str(), doc->signatures.size(),
              doc->signatures.size() == 1 ? "" : "s");
  return kExitOk;
}

int run_canonical(const std::string& file) {
  std::string text;
  if (!read_text(file, text)) {
    std::cerr << "hitless catalog canonical: cannot read " << file << "\n";
    return kExitBadInput;
  }
  auto doc = catalog::parse_signed_document(text, file);
  auto bytes = doc ? catalog::canonical_bytes(doc->signed_part)
                   : Result<std::string, catalog::DocumentErrc>(doc.error());
  if (!bytes) {
    std::cerr << "hitless catalog canonical: " << bytes.message() << "\n";
    return kExitBadInput;
  }
  std::cout << *bytes;
  return kExitOk;
}

struct BundleArgs {
  TrustArgs trust;
  std::string download_key, key, to, out;
  int valid_days = 14;
};

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The update server's side of seed 004's manual updates: the appliance's download key names it
// and what it runs; the bundle holds the signed catalog and the hops from there to --to.
int run_bundle_make(const BundleArgs& a) {
  std::string key_text = a.download_key, secret_text;
  if (!key_text.empty() && key_text[0] == '@' && !read_text(key_text.substr(1), key_text)) {
    std::cerr << "hitless bundle make: cannot read " << a.download_key.substr(1) << "\n";
    return kExitBadInput;
  }
  auto key = catalog::decode_download_key(key_text);
  if (!key) {
    std::cerr << "hitless bundle make: --for: " << key.message() << "\n";
    return kExitBadInput;
  }
  const std::int64_t now = now_s();
  if (auto clock = catalog::check_key_clock(*key, now, 300, 86400); !clock) {
    std::cerr << "hitless bundle make: " << clock.message() << "\n";
    return kExitBadInput;
  }
  if (!read_text(a.key, secret_text)) {
    std::cerr << "hitless bundle make: cannot read --key " << a.key << "\n";
    return kExitBadInput;
  }
  auto signer = catalog::parse_secret_key(secret_text);
  if (!signer) {
    std::cerr << "hitless bundle make: --key " << a.key << ": " << signer.message() << "\n";
    return kExitBadInput;
  }
  auto cat = load(a.trust, "bundle make");
  if (!cat) return cat.code();
  const catalog::CatalogPackage* target = cat->main_package_with_version(a.to);
  if (!target) {
    std::cerr << "hitless bundle make: no product or firmware package has version " << a.to << "\n";
    return kExitBadInput;
  }
  const std::string main = target->manifest.name;
  if (!key->packages.count(main)) {
    std::cerr << "hitless bundle make: " << key->node << " does not run " << main
              << " (its key lists what it runs)\n";
    return kExitBadInput;
  }
  auto hops = cat->resolve(key->packages, main, a.to);
  if (!hops) {
    std::cerr << "hitless bundle make: " << key->node << ": " << hops.message() << "\n";
    return kExitBadInput;
  }
  std::string dir = a.trust.catalog;
  if (fs::path(dir).filename() == "catalog.json") dir = fs::path(dir).parent_path().string();
  catalog::OfflineBundle bundle{key->appliance, key->node, now, now + a.valid_days * 86400, {}};
  bundle.files.push_back({"catalog.json", ""});
  if (!read_text((fs::path(dir) / "catalog.json").string(), bundle.files.back().bytes)) {
    std::cerr << "hitless bundle make: cannot read " << dir << "/catalog.json\n";
    return kExitBadInput;
  }
  for (const auto* p : *hops) {
    std::string file;
    for (const auto& e : cat->file().entries)
      if (e.manifest.id() == p->id()) file = e.file;
    bundle.files.push_back({file, ""});
    if (!read_text(p->path, bundle.files.back().bytes)) {
      std::cerr << "hitless bundle make: cannot read " << p->path << "\n";
      return kExitBadInput;
    }
  }
  const std::string bytes = catalog::write_bundle(bundle, *signer);
  const std::string out = a.out.empty() ? key->node + ".bundle" : a.out;
  std::ofstream(out, std::ios::binary | std::ios::trunc) << bytes;
  std::printf("%s: for %s (appliance %s), valid until %s, %zu hop%s:", out.c_str(),
              key->node.c_str(), key->appliance.c_str(),
              format_utc_timestamp(bundle.expires).c_str(), hops->size(),
              hops->size() == 1 ? "" : "s");
  for (const auto* p : *hops) std::printf(" %s", p->id().c_str());
  std::printf("\n");
  return kExitOk;
}

}  // namespace

void add_catalog_commands(CLI::App& app, int& exit_code) {
  auto* cat = app.add_subcommand("catalog", "The signed package catalog and its upgrade paths");
  cat->require_subcommand(1);

  auto path_args = std::make_shared<PathArgs>();
  auto* path = cat->add_subcommand(
      "path", "Shortest sequence of packages from one version to another (Base first)");
  add_trust_options(path, path_args->trust);
  path->add_option("--from", path_args->from, "Version installed now")->required();
  path->add_option("--to", path_args->to, "Version wanted")->required();
  path->add_option("--package", path_args->package,
                   "Main package name (default: the product/firmware with version --to)");
  path->add_option("--installed", path_args->installed,
                   "Other installed packages, NAME=VERSION (e.g. base='Base 3.2.4')");
  path->add_flag("--allow-downgrade", path_args->allow_downgrade,
                 "Allow going to an older version");
  path->add_option("--acknowledge-data-loss", path_args->acknowledge,
                   "Accept that this downgrade deletes all data (give the package name)");
  path->add_option("--format", path_args->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  path->callback([path_args, &exit_code] { exit_code = run_path(*path_args); });

  auto sign_args = std::make_shared<SignArgs>();
  auto* sign = cat->add_subcommand(
      "sign", "Add a signature to a signed document (catalog.json or root.N.json)");
  sign->add_option("file", sign_args->file, "The document")->required();
  sign->add_option("--key", sign_args->key, "minisign secret key made with `minisign -G -W`")
      ->required();
  sign->callback([sign_args, &exit_code] { exit_code = run_sign(*sign_args); });

  auto canonical_file = std::make_shared<std::string>();
  auto* canonical = cat->add_subcommand(
      "canonical", "Print the bytes signatures cover (to sign with `minisign -S`)");
  canonical->add_option("file", *canonical_file, "catalog.json or root.N.json")->required();
  canonical->callback([canonical_file, &exit_code] { exit_code = run_canonical(*canonical_file); });

  auto* pkg = app.add_subcommand("package", "Package files");
  pkg->require_subcommand(1);
  auto verify_args = std::make_shared<VerifyArgs>();
  auto* verify = pkg->add_subcommand("verify", "Check one package file against the signed catalog");
  add_trust_options(verify, verify_args->trust);
  verify->add_option("file", verify_args->file, "The package file")->required();
  verify->add_option("--hardware", verify_args->hardware,
                     "Refuse unless the package is for this hardware model");
  verify->callback([verify_args, &exit_code] { exit_code = run_verify(*verify_args); });

  auto* bundle = app.add_subcommand("bundle", "Offline bundles for air-gapped appliances");
  bundle->require_subcommand(1);
  auto bundle_args = std::make_shared<BundleArgs>();
  auto* make = bundle->add_subcommand(
      "make", "Build a signed bundle of the hops to --to, bound to one appliance's download key");
  add_trust_options(make, bundle_args->trust);
  make->add_option("--for", bundle_args->download_key,
                   "The appliance's download key (HDK1-...), or @FILE holding it")
      ->required();
  make->add_option("--key", bundle_args->key, "minisign secret key that signs the bundle")
      ->required();
  make->add_option("--to", bundle_args->to, "Version wanted")->required();
  make->add_option("-o,--output", bundle_args->out, "Bundle file (default NODE.bundle)");
  make->add_option("--valid-days", bundle_args->valid_days, "Days the appliance accepts it")
      ->check(CLI::Range(1, 365));
  make->callback([bundle_args, &exit_code] { exit_code = run_bundle_make(*bundle_args); });
}

}  // namespace hitless::cli
