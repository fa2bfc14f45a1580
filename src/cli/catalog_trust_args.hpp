#pragma once
// What the catalog, package and bundle commands share: the TRUST options (--catalog, --trust,
// --state-dir, --allow-expired-catalog), loading the catalog they name with its refusals on
// stderr, and reading a small file whole. Command line only.

#include <string>

#include "catalog/catalog.hpp"
#include "common/result.hpp"

namespace CLI {
class App;
}

namespace hitless::cli {

struct TrustArgs {
  std::string catalog, trust, state_dir;
  bool allow_expired = false;
};

void add_trust_options(CLI::App* cmd, TrustArgs& a);
// The catalog of --catalog under the pinned root (package files are not read); a refusal is
// printed as "hitless CMD: why" and returned as exit code 2.
Result<catalog::Catalog, int> load(const TrustArgs& a, const char* cmd);
bool read_text(const std::string& path, std::string& out);
// Seconds since the epoch, this host's clock.
std::int64_t now_s();

}  // namespace hitless::cli
