// Benchmark: the catalog. (1) Upgrade-path resolution on a catalog of N versions of one product,
// each installable only over its three predecessors (so the path has about N/3 hops), and on one
// where every version installs over any older one. (2) Checking a package file of M MiB
// (length, SHA-256 and the minisign signature's BLAKE2b-512 in one pass, then Ed25519) against
// `sha256sum` on the same file. Prints figures; not pass/fail.
// Goals: 10,000 versions resolved in under 10 ms; a 1 GiB package checked within 2x sha256sum.
// Usage: catalog_bench [VERSIONS [MIB]]   (default: 10000 1024; CI: `catalog_bench 10000 64`)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "catalog/package_check.hpp"

using namespace hitless;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

template <class Fn>
double best_ms(int runs, Fn&& fn) {
  double best = 1e300;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    best = std::min(best, seconds_since(t0) * 1000);
  }
  return best;
}

void resolution(int versions, int predecessors) {
  std::vector<catalog::PackageManifest> manifests;
  for (int i = 0; i < versions; ++i) {
    std::vector<std::string> from;
    for (int k = 1; k <= predecessors && i - k >= 0; ++k)
      from.push_back("7." + std::to_string(i - k));
    manifests.push_back({"product", "7." + std::to_string(i) + ".0", "product", {}, from, 0, 0});
  }
  const auto cat = catalog::Catalog::from_manifests(manifests);
  const std::string target = "7." + std::to_string(versions - 1) + ".0";
  std::size_t hops = 0;
  const double ms = best_ms(3, [&] {
    auto r = cat.resolve({{"product", "7.0.0"}}, "product", target);
    hops = r.ok() ? r->size() : 0;
  });
  std::printf("path resolution: %d versions, %s: %zu hops in %.2f ms (goal < 10 ms)\n", versions,
              predecessors == 0 ? "any older version" : "3 predecessors each", hops, ms);
}

void verification(int mib) {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("hitless-catalog-bench-" + std::to_string(::getpid())))
                              .string();
  std::filesystem::create_directories(dir);
  const std::string file = dir + "/big.pkg";
  std::mt19937_64 rng(42);
  catalog::PackageHasher hasher;
  {
    std::ofstream out(file, std::ios::binary);
    std::string block(1 << 20, '\0');
    for (int m = 0; m < mib; ++m) {
      for (std::size_t i = 0; i + 8 <= block.size(); i += 8) {
        const auto v = rng();
        std::memcpy(block.data() + i, &v, 8);
      }
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
      hasher.update(block);
    }
  }
  auto [blake, sha] = hasher.finish();
  const auto key = catalog::generate_minisign_key();
  // Signed from the digest the way minisign does, without holding the file in memory.
  catalog::CatalogFile cat;
  cat.package_keys = {key.public_key()};
  catalog::CatalogEntry e;
  e.file = "big.pkg";
  e.manifest = {"big", "1.0", "product", {}, {}, 0, 0};
  e.length = static_cast<std::uint64_t>(mib) << 20;
  e.sha256 = sha;
  e.signature = catalog::minisign_sign_prehashed(
                    blake, key, catalog::package_trusted_comment({"big", "1.0", {}}))
                    .file_text();
  cat.entries.push_back(e);
  bool ok = false;
  const double ours = best_ms(2, [&] { ok = catalog::check_package_file(file, cat, "").ok(); });
  const double sha256sum = best_ms(2, [&] {
    const std::string cmd = "sha256sum " + file + " >/dev/null";
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "sha256sum failed\n");
  });
  std::printf(
      "package check: %d MiB in %.0f ms (%.0f MiB/s, %s) vs sha256sum %.0f ms: %.2fx (goal <= "
      "2x)\n",
      mib, ours, mib / (ours / 1000), ok ? "verified" : "REFUSED", sha256sum, ours / sha256sum);
  std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  const int versions = argc > 1 ? std::stoi(argv[1]) : 10000;
  const int mib = argc > 2 ? std::stoi(argv[2]) : 1024;
  resolution(versions, 3);
  resolution(versions, 0);
  verification(mib);
  return 0;
}
