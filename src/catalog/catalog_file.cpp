#include "catalog/catalog_file.hpp"

#include <filesystem>
#include <map>

#include "common/timestamps.hpp"
#include "model/version.hpp"

namespace hitless::catalog {
namespace {

using nlohmann::json;

// Reads fields of one JSON object, remembering where it is for error messages.
class Fields {
 public:
  Fields(const json& j, std::string at) : j_(j), at_(std::move(at)) {}

  bool has(const char* key) const { return j_.contains(key); }
  const std::string& at() const { return at_; }

  Error<CatalogFileErrc> bad(const std::string& key, const std::string& why) const {
    return make_error(CatalogFileErrc::kMalformed, at_ + "." + key + ": " + why);
  }
  Status<CatalogFileErrc> string(const char* key, std::string& out, bool required = true) const {
    if (!j_.contains(key)) return required ? Status<CatalogFileErrc>(bad(key, "missing")) : Unit{};
    if (!j_[key].is_string()) return bad(key, "expected a string");
    out = j_[key].get<std::string>();
    return Unit{};
  }
  Status<CatalogFileErrc> integer(const char* key, std::int64_t& out, bool required = true) const {
    if (!j_.contains(key)) return required ? Status<CatalogFileErrc>(bad(key, "missing")) : Unit{};
    if (!j_[key].is_number_integer() || j_[key].get<std::int64_t>() < 0)
      return bad(key, "expected a whole number >= 0");
    out = j_[key].get<std::int64_t>();
    return Unit{};
  }
  Status<CatalogFileErrc> strings(const char* key, std::vector<std::string>& out) const {
    if (!j_.contains(key)) return Unit{};
    if (!j_[key].is_array()) return bad(key, "expected a list of strings");
    for (const auto& s : j_[key]) {
      if (!s.is_string()) return bad(key, "expected a list of strings");
      out.push_back(s.get<std::string>());
    }
    return Unit{};
  }
  Status<CatalogFileErrc> keys(const char* key, std::vector<MinisignPublicKey>& out) const {
    std::vector<std::string> texts;
    if (auto s = strings(key, texts); !s) return s;
    if (texts.empty()) return bad(key, "at least one minisign public key is needed");
    for (std::size_t i = 0; i < texts.size(); ++i) {
      auto k = parse_public_key(texts[i]);
      if (!k) return bad(std::string(key) + "[" + std::to_string(i) + "]", k.message());
      for (const auto& other : out)
        if (other.key_id == k->key_id)
          return bad(std::string(key) + "[" + std::to_string(i) + "]",
                     "key " + k->id_hex() + " is listed twice");
      out.push_back(*k);
    }
    return Unit{};
  }

 private:
  const json& j_;
  std::string at_;
};

#define HITLESS_TRY(expr) \
  if (auto st_ = (expr); !st_) return st_.error()

Status<CatalogFileErrc> check_type(const json& j, const char* type, const std::string& what) {
  if (!j.contains("_type") || j["_type"] != type)
    return make_error(CatalogFileErrc::kMalformed,
                      what + ": signed._type must be \"" + std::string(type) + "\"");
  return Unit{};
}

Result<CatalogEntry, CatalogFileErrc> parse_entry(const json& j, const std::string& at) {
  if (!j.is_object()) return make_error(CatalogFileErrc::kMalformed, at + ": expected an object");
  const Fields f(j, at);
  CatalogEntry e;
  PackageManifest& m = e.manifest;
  HITLESS_TRY(f.string("file", e.file));
  if (auto why = unsafe_name_reason(e.file); !why.empty())
    return make_error(CatalogFileErrc::kUnsafeName, at + ".file: '" + e.file + "' " + why);
  HITLESS_TRY(f.string("name", m.name));
  HITLESS_TRY(f.string("version", m.version));
  if (!Version::parse(m.version))
    return f.bad("version", "'" + m.version + "' is not a version of a known scheme");
  HITLESS_TRY(f.string("kind", m.kind));
  if (m.kind != "base" && m.kind != "product" && m.kind != "firmware")
    return f.bad("kind", "'" + m.kind + "' is not base, product or firmware");
  if (f.has("requires")) {
    if (!j["requires"].is_array()) return f.bad("requires", "expected a list");
    for (std::size_t i = 0; i < j["requires"].size(); ++i) {
      const Fields r(j["requires"][i], at + ".requires[" + std::to_string(i) + "]");
      if (!j["requires"][i].is_object())
        return make_error(CatalogFileErrc::kMalformed, r.at() + ": expected an object");
      PackageRequirement req;
      HITLESS_TRY(r.string("package", req.package));
      HITLESS_TRY(r.string("min_version", req.min_version, false));
      if (!req.min_version.empty() && !Version::parse(req.min_version))
        return r.bad("min_version", "'" + req.min_version + "' is not a version");
      m.requires_.push_back(req);
    }
  }
  HITLESS_TRY(f.strings("installable_from", m.upgrade_from));
  HITLESS_TRY(f.strings("hardware", e.hardware));
  std::int64_t length = 0, install_s = 0, size_mb = 0;
  HITLESS_TRY(f.integer("length", length));
  e.length = static_cast<std::uint64_t>(length);
  HITLESS_TRY(f.string("sha256", e.sha256));
  if (e.sha256.size() != 64 || e.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
    return f.bad("sha256", "expected 64 lowercase hex digits");
  HITLESS_TRY(f.string("signature", e.signature, false));
  HITLESS_TRY(f.integer("soak_s", e.soak_s, false));
  HITLESS_TRY(f.integer("install_s", install_s, false));
  HITLESS_TRY(f.integer("size_mb", size_mb, false));
  m.install_s = static_cast<double>(install_s);
  m.size_mb = static_cast<double>(size_mb);
  if (f.has("downgrade_erases_data")) {
    if (!j["downgrade_erases_data"].is_boolean())
      return f.bad("downgrade_erases_data", "expected true or false");
    e.downgrade_erases_data = j["downgrade_erases_data"].get<bool>();
  }
  return e;
}

}  // namespace

std::string unsafe_name_reason(const std::string& name) {
  if (name.empty()) return "is empty";
  if (name.front() == '/' || name.front() == '\\') return "is an absolute path";
  if (name.find('\\') != std::string::npos || name.find('\0') != std::string::npos)
    return "holds a backslash or NUL";
  for (const auto& part : std::filesystem::path(name))
    if (part == ".." || part == ".") return "holds a '" + part.string() + "' component";
  return "";
}

Result<CatalogFile, CatalogFileErrc> parse_catalog(const json& s, const std::string& what) {
  HITLESS_TRY(check_type(s, "hitless-catalog", what));
  const Fields f(s, what + ": signed");
  CatalogFile c;
  HITLESS_TRY(f.integer("version", c.version));
  if (c.version < 1) return f.bad("version", "catalog versions start at 1");
  std::string expires;
  HITLESS_TRY(f.string("expires", expires));
  const auto when = parse_utc_timestamp(expires);
  if (!when) return f.bad("expires", "'" + expires + "' is not YYYY-MM-DDTHH:MM:SSZ");
  c.expires = *when;
  HITLESS_TRY(f.keys("package_keys", c.package_keys));
  if (!s.contains("packages") || !s["packages"].is_array())
    return f.bad("packages", "expected a list of packages");
  std::map<std::string, std::size_t> by_id, by_file;
  for (std::size_t i = 0; i < s["packages"].size(); ++i) {
    const std::string at = what + ": packages[" + std::to_string(i) + "]";
    auto e = parse_entry(s["packages"][i], at);
    if (!e) return e.error();
    const std::string id = e->manifest.name + " " + e->manifest.version;
    if (auto [it, fresh] = by_id.emplace(id, i); !fresh) {
      const auto& first = c.entries[it->second];
      if (first.sha256 != e->sha256 || first.length != e->length)
        return make_error(CatalogFileErrc::kSameVersionDifferentBytes,
                          at + ": " + id + " is listed again with different bytes (sha256 " +
                              e->sha256 + " here, " + first.sha256 + " at packages[" +
                              std::to_string(it->second) + "]); one version has one content");
      return make_error(
          CatalogFileErrc::kMalformed,
          at + ": " + id + " is listed twice (also packages[" + std::to_string(it->second) + "])");
    }
    if (auto [it, fresh] = by_file.emplace(e->file, i); !fresh)
      return make_error(
          CatalogFileErrc::kMalformed,
          at + ".file: '" + e->file + "' is also packages[" + std::to_string(it->second) + "]");
    c.entries.push_back(std::move(*e));
  }
  return c;
}

json catalog_to_json(const CatalogFile& c) {
  json packages = json::array();
  for (const auto& e : c.entries) {
    json reqs = json::array();
    for (const auto& r : e.manifest.requires_)
      reqs.push_back({{"package", r.package}, {"min_version", r.min_version}});
    json p = {{"file", e.file},
              {"name", e.manifest.name},
              {"version", e.manifest.version},
              {"kind", e.manifest.kind},
              {"requires", reqs},
              {"installable_from", e.manifest.upgrade_from},
              {"hardware", e.hardware},
              {"length", e.length},
              {"sha256", e.sha256},
              {"signature", e.signature},
              {"soak_s", e.soak_s},
              {"install_s", static_cast<std::int64_t>(e.manifest.install_s)},
              {"size_mb", static_cast<std::int64_t>(e.manifest.size_mb)},
              {"downgrade_erases_data", e.downgrade_erases_data}};
    packages.push_back(std::move(p));
  }
  json keys = json::array();
  for (const auto& k : c.package_keys) keys.push_back(k.encoded());
  return {{"_type", "hitless-catalog"},
          {"version", c.version},
          {"expires", format_utc_timestamp(c.expires)},
          {"package_keys", keys},
          {"packages", packages}};
}

Result<RootFile, CatalogFileErrc> parse_root(const json& s, const std::string& what) {
  HITLESS_TRY(check_type(s, "hitless-root", what));
  const Fields f(s, what + ": signed");
  RootFile r;
  HITLESS_TRY(f.integer("version", r.version));
  if (r.version < 1) return f.bad("version", "root versions start at 1");
  std::int64_t threshold = 0;
  HITLESS_TRY(f.integer("threshold", threshold));
  HITLESS_TRY(f.keys("keys", r.keys));
  if (threshold < 1 || threshold > static_cast<std::int64_t>(r.keys.size()))
    return f.bad("threshold", "must be between 1 and the number of keys (" +
                                  std::to_string(r.keys.size()) + ")");
  r.threshold = static_cast<int>(threshold);
  return r;
}

json root_to_json(const RootFile& r) {
  json keys = json::array();
  for (const auto& k : r.keys) keys.push_back(k.encoded());
  return {{"_type", "hitless-root"},
          {"version", r.version},
          {"threshold", r.threshold},
          {"keys", keys}};
}

}  // namespace hitless::catalog
