// `hitless catalog path | sign | canonical` and `hitless package verify`: the signed catalog, its
// upgrade paths and single package files, checked before anything reaches a node.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "catalog/catalog.hpp"
#include "catalog/package_check.hpp"
#include "catalog/signed_document.hpp"
#include "cli/catalog_trust_args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "common/durations.hpp"
#include "common/timestamps.hpp"

namespace hitless::cli {
namespace {

namespace fs = std::filesystem;

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
}

}  // namespace hitless::cli
