#include "catalog/backup_store.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "catalog/package.hpp"

namespace hitless::catalog {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Written to a temporary name and renamed, so a crash never leaves half a backup under the name.
bool write_atomically(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!(out << bytes) || !out.flush()) return false;
  }
  std::error_code ec;
  fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, ec);
  fs::rename(tmp, path, ec);
  return !ec;
}

nlohmann::json to_json(const BackupRecord& r) {
  return {{"node", r.node},
          {"file", fs::path(r.file).filename().string()},
          {"sha256", r.sha256},
          {"checksum", r.checksum},
          {"restored_checksum", r.restored_checksum},
          {"taken_at", r.taken_at},
          {"proven", r.proven()}};
}

std::optional<BackupRecord> from_json(const nlohmann::json& j, const fs::path& dir) {
  if (!j.is_object()) return std::nullopt;
  BackupRecord r;
  try {
    r.node = j.at("node").get<std::string>();
    r.file = (dir / j.at("file").get<std::string>()).string();
    r.sha256 = j.at("sha256").get<std::string>();
    r.checksum = j.at("checksum").get<std::string>();
    r.restored_checksum = j.at("restored_checksum").get<std::string>();
    r.taken_at = j.at("taken_at").get<double>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  // A record names a file beside it, never elsewhere.
  if (fs::path(j["file"].get<std::string>()).has_parent_path() || r.node.empty())
    return std::nullopt;
  return r;
}

}  // namespace

namespace {

using Sealer = std::function<Result<std::string, BackupErrc>(std::string_view)>;

// The sealed file as stored, checked against its record's digest.
Result<std::string, BackupErrc> read_recorded(const BackupRecord& record) {
  auto sealed = read_all(record.file);
  if (!sealed) return make_error(BackupErrc::kIo, record.file + ": backup file not found");
  if (sha256_hex(*sealed) != record.sha256)
    return make_error(BackupErrc::kWrongPassphraseOrDamaged,
                      record.file + ": SHA-256 differs from its record (file altered or replaced)");
  return *sealed;
}

Result<BackupRecord, BackupErrc> store_sealed_with(const std::string& dir, const std::string& node,
                                                   const std::string& plaintext,
                                                   const std::string& checksum, double taken_at,
                                                   const Sealer& seal, const Sealer& open,
                                                   const RestoreProbe& probe) {
  if (node.empty() || node.find('/') != std::string::npos || node.find("..") != std::string::npos)
    return make_error(BackupErrc::kMalformed, "node name '" + node + "' cannot name a backup file");
  auto sealed = seal(plaintext);
  if (!sealed) return sealed.error();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error(BackupErrc::kIo, dir + ": " + ec.message());
  BackupRecord r;
  r.node = node;
  r.checksum = checksum;
  r.taken_at = taken_at;
  for (int n = 1;; ++n) {  // never overwrite an earlier backup of the node
    r.file = (fs::path(dir) / (node + "-" + std::to_string(n) + ".hbk")).string();
    if (!fs::exists(r.file)) break;
  }
  if (!write_atomically(r.file, *sealed))
    return make_error(BackupErrc::kIo, r.file + ": cannot write the backup");
  r.sha256 = sha256_hex(*sealed);
  // The proof starts from the file as stored, not from the bytes still in memory.
  auto stored = read_recorded(r);
  auto back = stored ? open(*stored) : Result<std::string, BackupErrc>(stored.error());
  if (back && probe) {
    auto restored = probe(*back);
    if (restored) r.restored_checksum = *restored;
  }
  if (!write_atomically(r.file + ".json", to_json(r).dump(2) + "\n"))
    return make_error(BackupErrc::kIo, r.file + ".json: cannot write the backup record");
  return r;
}

}  // namespace

Result<BackupRecord, BackupErrc> store_backup(const std::string& dir, const std::string& node,
                                              const std::string& plaintext,
                                              const std::string& checksum, double taken_at,
                                              const std::string& passphrase,
                                              const RestoreProbe& probe, PassphraseCost cost) {
  return store_sealed_with(
      dir, node, plaintext, checksum, taken_at,
      [&](std::string_view text) { return seal_backup(text, passphrase, cost); },
      [&](std::string_view sealed) { return open_backup(sealed, passphrase); }, probe);
}

Result<BackupRecord, BackupErrc> store_backup(const std::string& dir, const std::string& node,
                                              const std::string& plaintext,
                                              const std::string& checksum, double taken_at,
                                              BackupSealer& sealer, const RestoreProbe& probe) {
  return store_sealed_with(
      dir, node, plaintext, checksum, taken_at,
      [&](std::string_view text) { return sealer.seal(text); },
      [&](std::string_view sealed) { return sealer.open(sealed); }, probe);
}

Result<std::vector<BackupRecord>, BackupErrc> list_backups(const std::string& dir) {
  std::vector<BackupRecord> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() < 9 || name.substr(name.size() - 9) != ".hbk.json") continue;
    auto text = read_all(e.path().string());
    auto r = text ? from_json(nlohmann::json::parse(*text, nullptr, false), dir) : std::nullopt;
    if (!r) return make_error(BackupErrc::kMalformed, e.path().string() + ": not a backup record");
    out.push_back(*r);
  }
  std::sort(out.begin(), out.end(), [](const BackupRecord& a, const BackupRecord& b) {
    return std::tie(a.node, a.taken_at, a.file) < std::tie(b.node, b.taken_at, b.file);
  });
  return out;
}

Result<std::string, BackupErrc> load_backup(const BackupRecord& record,
                                            const std::string& passphrase) {
  auto sealed = read_recorded(record);
  if (!sealed) return sealed.error();
  auto plain = open_backup(*sealed, passphrase);
  if (!plain) return make_error(plain.code(), record.file + ": " + plain.message());
  return plain;
}

}  // namespace hitless::catalog
