// `hitless bundle make | verify` (seed 004, air-gapped appliances): the update side builds an
// offline bundle from an appliance's download key; the operator checks it before it travels
// (signatures, the packages inside against the catalog, validity, which appliance it is for).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "catalog/bundle_check.hpp"
#include "catalog/offline_bundle.hpp"
#include "cli/catalog_trust_args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/upgrade_context.hpp"
#include "common/timestamps.hpp"

namespace hitless::cli {
namespace {

namespace fs = std::filesystem;

struct BundleArgs {
  TrustArgs trust;
  std::string download_key, key, to, out;
  int valid_days = 14;
};

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

struct BundleVerifyArgs {
  TrustArgs trust;
  std::string file, download_key, inventory, node;
};

// The appliance a bundle must be bound to: from its download key, or observed through the
// inventory's driver. {appliance ID, node name}, or exit 2 with the reason printed.
Result<std::pair<std::string, std::string>, int> target_appliance(const BundleVerifyArgs& a) {
  const auto bad = [](const std::string& why) -> Error<int> {
    std::cerr << "hitless bundle verify: " << why << "\n";
    return make_error(kExitBadInput, why);
  };
  if (!a.download_key.empty()) {
    std::string text = a.download_key;
    if (text[0] == '@' && !read_text(text.substr(1), text))
      return bad("cannot read " + a.download_key.substr(1));
    auto key = catalog::decode_download_key(text);
    if (!key) return bad("--download-key: " + key.message());
    return std::pair{key->appliance, key->node};
  }
  auto inv = load_inventory(a.inventory);
  if (!inv) return bad(inv.message());
  if (!inv->find_node(a.node)) return bad("no node " + a.node + " in " + a.inventory);
  const ObservedState seen = observe_all(*inv);
  const ObservedNode* n = seen.find(a.node);
  if (!n || !n->reachable)
    return bad(a.node + " does not answer" + (n && !n->error.empty() ? ": " + n->error : ""));
  if (n->appliance_id.empty())
    return bad(a.node + "'s driver reports no appliance ID; use --download-key");
  return std::pair{n->appliance_id, a.node};
}

// hitless's side of a manual update: before the bundle travels to the appliance, its signature
// chain, the packages inside against the trusted catalog, its validity and its binding.
int run_bundle_verify(const BundleVerifyArgs& a) {
  if (a.download_key.empty() == (a.inventory.empty() || a.node.empty())) {
    std::cerr << "hitless bundle verify: name the appliance with --download-key KEY, or with -i "
                 "INVENTORY --node NODE (one of the two)\n";
    return kExitBadInput;
  }
  auto cat = load(a.trust, "bundle verify");
  if (!cat) return cat.code();
  std::string bytes;
  if (!read_text(a.file, bytes)) {
    std::cerr << "hitless bundle verify: cannot read " << a.file << "\n";
    return kExitBadInput;
  }
  auto target = target_appliance(a);
  if (!target) return target.code();
  auto checked = catalog::check_bundle(bytes, a.file, *cat, now_s());
  if (!checked) {
    std::cerr << "hitless bundle verify: REFUSED: " << checked.message() << "\n";
    return kExitFailed;
  }
  if (auto bound = catalog::bundle_bound_to(*checked, target->first, target->second); !bound) {
    std::cerr << "hitless bundle verify: REFUSED: " << bound.message() << "\n";
    return kExitFailed;
  }
  std::string ids;
  for (const auto& id : checked->packages) ids += " " + id;
  std::printf("ok: %s is for %s (appliance %s), valid until %s, sha256 %s, %zu package%s:%s\n",
              a.file.c_str(), target->second.c_str(), checked->appliance.c_str(),
              format_utc_timestamp(checked->expires).c_str(), checked->sha256.c_str(),
              checked->packages.size(), checked->packages.size() == 1 ? "" : "s", ids.c_str());
  return kExitOk;
}

}  // namespace

void add_bundle_commands(CLI::App& app, int& exit_code) {
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

  auto verify_args = std::make_shared<BundleVerifyArgs>();
  auto* verify = bundle->add_subcommand(
      "verify",
      "Check a bundle's signatures, its packages against the catalog, its validity and that it "
      "was made for this appliance");
  add_trust_options(verify, verify_args->trust);
  verify->add_option("file", verify_args->file, "The bundle file")->required();
  verify->add_option("--download-key", verify_args->download_key,
                     "The appliance's download key (HDK1-...), or @FILE holding it");
  verify->add_option("-i,--inventory", verify_args->inventory,
                     "Inventory to reach --node through (its driver reports the appliance ID)");
  verify->add_option("--node", verify_args->node, "The appliance, by its inventory name");
  verify->callback([verify_args, &exit_code] { exit_code = run_bundle_verify(*verify_args); });
}

}  // namespace hitless::cli
