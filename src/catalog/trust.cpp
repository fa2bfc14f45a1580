#include "catalog/trust.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "common/timestamps.hpp"

namespace hitless::catalog {
namespace {

namespace fs = std::filesystem;

bool read_text(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

Error<TrustErrc> err(TrustErrc code, std::string message) {
  return make_error(code, std::move(message));
}

TrustErrc from_file_errc(CatalogFileErrc e) {
  switch (e) {
    case CatalogFileErrc::kMalformed:
      return TrustErrc::kMalformed;
    case CatalogFileErrc::kUnsafeName:
      return TrustErrc::kUnsafeName;
    case CatalogFileErrc::kSameVersionDifferentBytes:
      return TrustErrc::kSameVersionDifferentBytes;
  }
  return TrustErrc::kMalformed;
}

struct VerifiedRoot {
  RootFile root;
  SignedDocument doc;  // kept so the state file holds the signed form
};

// A root document that its own threshold signed.
Result<VerifiedRoot, TrustErrc> self_signed_root(const std::string& text, const std::string& what) {
  auto doc = parse_signed_document(text, what);
  if (!doc) return err(TrustErrc::kMalformed, doc.message());
  auto root = parse_root(doc->signed_part, what);
  if (!root) return err(from_file_errc(root.code()), root.message());
  if (auto s = check_threshold(*doc, root->keys, root->threshold, what + " (its own keys)"); !s)
    return err(TrustErrc::kRootRotation, s.message());
  return VerifiedRoot{std::move(*root), std::move(*doc)};
}

Result<VerifiedRoot, TrustErrc> read_anchor(const std::string& path) {
  std::string text;
  if (!read_text(path, text))
    return err(TrustErrc::kUnreadable, "cannot read the pinned root of trust " + path);
  if (auto key = parse_public_key(text)) {
    RootFile r{1, 1, {*key}};
    return VerifiedRoot{r, SignedDocument{root_to_json(r), {}}};
  }
  return self_signed_root(text, path);
}

// Rotations root.N.json in `dir`, by version.
Result<std::map<std::int64_t, fs::path>, TrustErrc> list_rotations(const std::string& dir) {
  std::map<std::int64_t, fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("root.", 0) != 0 || name.size() <= 10 ||
        name.compare(name.size() - 5, 5, ".json") != 0)
      continue;
    const std::string number = name.substr(5, name.size() - 10);
    if (number.empty() || number.size() > 9 ||
        number.find_first_not_of("0123456789") != std::string::npos)
      return err(TrustErrc::kRootVersion,
                 dir + "/" + name + ": root rotations are named root.N.json with N a number");
    out[std::stoll(number)] = it->path();
  }
  if (ec) return err(TrustErrc::kUnreadable, "cannot list " + dir + ": " + ec.message());
  return out;
}

Status<TrustErrc> rotate(VerifiedRoot& current, const fs::path& file, std::int64_t file_version) {
  const std::string what = file.string();
  if (file_version != current.root.version + 1)
    return err(TrustErrc::kRootVersion,
               what + ": root version " + std::to_string(file_version) + " does not follow " +
                   std::to_string(current.root.version) + "; rotations go one version at a time");
  std::string text;
  if (!read_text(file, text)) return err(TrustErrc::kUnreadable, "cannot read " + what);
  auto doc = parse_signed_document(text, what);
  if (!doc) return err(TrustErrc::kMalformed, doc.message());
  auto next = parse_root(doc->signed_part, what);
  if (!next) return err(from_file_errc(next.code()), next.message());
  if (next->version != current.root.version + 1)
    return err(TrustErrc::kRootVersion,
               what + ": holds root version " + std::to_string(next->version) + ", but after " +
                   std::to_string(current.root.version) + " only version " +
                   std::to_string(current.root.version + 1) + " is accepted");
  if (auto s = check_threshold(
          *doc, current.root.keys, current.root.threshold,
          what + " (old keys of root " + std::to_string(current.root.version) + ")");
      !s)
    return err(TrustErrc::kRootRotation, "root rotation refused: " + s.message());
  if (auto s = check_threshold(*doc, next->keys, next->threshold, what + " (its new keys)"); !s)
    return err(TrustErrc::kRootRotation, "root rotation refused: " + s.message());
  current = VerifiedRoot{std::move(*next), std::move(*doc)};
  return Unit{};
}

struct State {
  std::optional<VerifiedRoot> root;
  std::int64_t catalog_version = 0;
};

Result<State, TrustErrc> read_state(const fs::path& path) {
  State st;
  std::error_code ec;
  if (!fs::exists(path, ec)) return st;
  std::string text;
  if (!read_text(path, text)) return err(TrustErrc::kState, "cannot read " + path.string());
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("catalog_version") ||
      !j["catalog_version"].is_number_integer() || !j.contains("root"))
    return err(TrustErrc::kState, path.string() +
                                      " is damaged; restore it from backup (deleting it gives up "
                                      "rollback protection)");
  st.catalog_version = j["catalog_version"].get<std::int64_t>();
  // The stored root was verified before it was written; it is read, not re-verified (a pinned
  // bare key has no signatures to check).
  auto doc = parse_signed_document(j["root"].dump(), path.string() + " root");
  if (!doc) return err(TrustErrc::kState, doc.message());
  auto root = parse_root(doc->signed_part, path.string() + " root");
  if (!root) return err(TrustErrc::kState, root.message());
  st.root = VerifiedRoot{std::move(*root), std::move(*doc)};
  return st;
}

Status<TrustErrc> write_state(const fs::path& path, const VerifiedRoot& root,
                              std::int64_t catalog_version) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const nlohmann::json j = {{"root", nlohmann::json::parse(write_signed_document(root.doc))},
                            {"catalog_version", catalog_version}};
  const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out.flush()) return err(TrustErrc::kState, "cannot write " + tmp.string());
  }
  fs::rename(tmp, path, ec);
  if (ec) return err(TrustErrc::kState, "cannot write " + path.string() + ": " + ec.message());
  return Unit{};
}

}  // namespace

std::string default_state_dir() {
  if (const char* dir = std::getenv("HITLESS_STATE_DIR"); dir && *dir) return dir;
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.local/state/hitless";
  return "/var/lib/hitless";
}

Result<TrustedCatalog, TrustErrc> load_trusted_catalog(const std::string& dir,
                                                       const TrustOptions& options) {
  auto anchor = read_anchor(options.anchor_file);
  if (!anchor) return anchor.error();
  const std::string state_dir = options.state_dir.empty() ? default_state_dir() : options.state_dir;
  const fs::path state_file =
      fs::path(state_dir) / ("catalog-trust-" + anchor->root.keys.front().id_hex() + ".json");
  auto state = read_state(state_file);
  if (!state) return state.error();

  VerifiedRoot current = std::move(*anchor);
  if (state->root && state->root->root.version > current.root.version)
    current = std::move(*state->root);
  auto rotations = list_rotations(dir);
  if (!rotations) return rotations.error();
  for (const auto& [version, file] : *rotations) {
    if (version <= current.root.version) continue;
    if (auto s = rotate(current, file, version); !s) return s.error();
  }

  const std::string what = (fs::path(dir) / "catalog.json").string();
  std::string text;
  if (!read_text(what, text)) return err(TrustErrc::kUnreadable, "cannot read " + what);
  auto doc = parse_signed_document(text, what);
  if (!doc) return err(TrustErrc::kMalformed, doc.message());
  if (auto s =
          check_threshold(*doc, current.root.keys, current.root.threshold,
                          what + " (keys of root " + std::to_string(current.root.version) + ")");
      !s)
    return err(TrustErrc::kNotSigned, "catalog refused: " + s.message());
  auto cat = parse_catalog(doc->signed_part, what);
  if (!cat) return err(from_file_errc(cat.code()), cat.message());

  TrustedCatalog out{std::move(*cat), current.root, {}};
  if (out.catalog.version < state->catalog_version)
    return err(TrustErrc::kRollback,
               what + ": catalog version " + std::to_string(out.catalog.version) +
                   " is older than version " + std::to_string(state->catalog_version) +
                   " seen before (" + state_file.string() +
                   "); an old catalog could hide fixes, so it is refused");
  if (options.now >= out.catalog.expires) {
    const std::string msg = what + ": catalog version " + std::to_string(out.catalog.version) +
                            " expired at " + format_utc_timestamp(out.catalog.expires);
    if (!options.allow_expired)
      return err(TrustErrc::kExpired,
                 msg +
                     "; a frozen catalog could hide newer packages. Get a fresh one, or for an "
                     "air-gapped site pass --allow-expired-catalog (logged)");
    out.warnings.push_back(msg + "; used anyway because --allow-expired-catalog was given");
  }
  if (out.catalog.version > state->catalog_version || !state->root ||
      state->root->root.version != current.root.version)
    if (auto s =
            write_state(state_file, current, std::max(out.catalog.version, state->catalog_version));
        !s)
      return s.error();
  return out;
}

}  // namespace hitless::catalog
