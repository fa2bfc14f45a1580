#include "cli/catalog_trust_args.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "catalog/trust.hpp"
#include "cli/exit_codes.hpp"

namespace hitless::cli {

namespace fs = std::filesystem;

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

bool read_text(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace hitless::cli
