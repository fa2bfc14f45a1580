#pragma once
// Test support: builds signed catalog directories the way a vendor and an operations team would,
// with the real `minisign` binary making the keys and the package signatures. Each fixture lives
// in its own temporary directory, removed on destruction. Tests only.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "catalog/catalog_file.hpp"
#include "catalog/minisign.hpp"
#include "catalog/signed_document.hpp"
#include "catalog/signing.hpp"
#include "catalog/trust.hpp"

namespace hitless::catalog::testing {

namespace fs = std::filesystem;

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void spit(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline void sh(const std::string& cmd) {
  const int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  if (rc != 0) throw std::runtime_error("command failed: " + cmd);
}

struct TestKey {
  fs::path pub_file, secret_file;
  MinisignPublicKey pub;
  MinisignSecretKey secret;
};

// A key made by `minisign -G -W` (no password).
inline TestKey minisign_key(const fs::path& dir, const std::string& name) {
  TestKey k{dir / (name + ".pub"), dir / (name + ".key"), {}, {}};
  fs::create_directories(dir);
  sh("minisign -G -W -f -p " + quote(k.pub_file) + " -s " + quote(k.secret_file));
  k.pub = *parse_public_key(slurp(k.pub_file));
  k.secret = *parse_secret_key(slurp(k.secret_file));
  return k;
}

// `minisign -S` of a file with a trusted comment; returns the signature file's text.
inline std::string minisign_sign_file(const TestKey& key, const fs::path& file,
                                      const std::string& comment) {
  const fs::path sig = file.string() + ".minisig";
  sh("minisign -S -s " + quote(key.secret_file) + " -m " + quote(file) + " -t " + quote(comment) +
     " -x " + quote(sig));
  return slurp(sig);
}

class CatalogDir {
 public:
  explicit CatalogDir(int root_keys = 1, int threshold = 1) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    base_ = fs::temp_directory_path() / ("hitless-cat-" + std::to_string(::getpid()) + "-" +
                                         info->test_suite_name() + "-" + info->name());
    fs::remove_all(base_);
    fs::create_directories(dir());
    for (int i = 0; i < root_keys; ++i)
      root_keys_.push_back(minisign_key(base_ / "keys", "root" + std::to_string(i)));
    threshold_ = threshold;
    package_key_ = minisign_key(base_ / "keys", "vendor");
    catalog_.version = 1;
    catalog_.expires = kNow + 86400 * 30;
    catalog_.package_keys = {package_key_.pub};
    write_pinned_root();
  }
  ~CatalogDir() { fs::remove_all(base_); }
  CatalogDir(const CatalogDir&) = delete;
  CatalogDir& operator=(const CatalogDir&) = delete;

  static constexpr std::int64_t kNow = 1'800'000'000;  // 2027-01-15

  fs::path dir() const { return base_ / "catalog"; }
  fs::path state_dir() const { return base_ / "state"; }
  fs::path pinned_root() const { return base_ / "pinned-root.json"; }
  const TestKey& root_key(int i) const { return root_keys_.at(static_cast<std::size_t>(i)); }
  const TestKey& package_key() const { return package_key_; }
  CatalogFile& catalog() { return catalog_; }
  CatalogEntry& entry(std::size_t i) { return catalog_.entries.at(i); }

  // Writes a package file signed by the vendor key (the real minisign binary) and lists it.
  CatalogEntry& add_package(const std::string& file, const std::string& name,
                            const std::string& version, const std::string& kind = "product",
                            std::vector<std::string> hardware = {},
                            std::vector<std::string> installable_from = {},
                            std::vector<PackageRequirement> requires_ = {}) {
    const std::string payload = "payload of " + name + " " + version + "\n";
    spit(dir() / file, payload);
    CatalogEntry e;
    e.file = file;
    e.manifest = {name, version, kind, std::move(requires_), std::move(installable_from), 0, 0};
    e.hardware = hardware;
    e.length = payload.size();
    e.sha256 = sha256_hex(payload);
    e.signature = minisign_sign_file(package_key_, dir() / file,
                                     package_trusted_comment({name, version, std::move(hardware)}));
    catalog_.entries.push_back(e);
    return catalog_.entries.back();
  }

  // catalog.json signed by the given root keys (indices), by hitless's signer.
  void write_catalog(const std::vector<int>& signers = {0}) {
    SignedDocument doc{catalog_to_json(catalog_), {}};
    for (int i : signers) EXPECT_TRUE(add_signature(doc, root_key(i).secret).ok());
    spit(dir() / "catalog.json", write_signed_document(doc));
  }

  // A rotation file root.N.json listing `keys` with `threshold`, signed by `old_signers` (indices
  // into the current root keys) and `new_signers` (indices into `keys`).
  void write_rotation(int file_version, int root_version, const std::vector<TestKey>& keys,
                      int threshold, const std::vector<int>& old_signers,
                      const std::vector<int>& new_signers) {
    RootFile r{root_version, threshold, {}};
    for (const auto& k : keys) r.keys.push_back(k.pub);
    SignedDocument doc{root_to_json(r), {}};
    for (int i : old_signers) EXPECT_TRUE(add_signature(doc, root_key(i).secret).ok());
    for (int i : new_signers)
      EXPECT_TRUE(add_signature(doc, keys.at(static_cast<std::size_t>(i)).secret).ok());
    spit(dir() / ("root." + std::to_string(file_version) + ".json"), write_signed_document(doc));
  }

  TrustOptions options(std::int64_t now = kNow, bool allow_expired = false) const {
    return {pinned_root().string(), state_dir().string(), now, allow_expired};
  }

  TestKey new_key(const std::string& name) const { return minisign_key(base_ / "keys", name); }

 private:
  void write_pinned_root() {
    RootFile r{1, threshold_, {}};
    for (const auto& k : root_keys_) r.keys.push_back(k.pub);
    SignedDocument doc{root_to_json(r), {}};
    for (int i = 0; i < threshold_; ++i) EXPECT_TRUE(add_signature(doc, root_key(i).secret).ok());
    spit(pinned_root(), write_signed_document(doc));
  }

  fs::path base_;
  std::vector<TestKey> root_keys_;
  int threshold_ = 1;
  TestKey package_key_;
  CatalogFile catalog_;
};

}  // namespace hitless::catalog::testing
