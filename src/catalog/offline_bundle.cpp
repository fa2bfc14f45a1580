#include "catalog/offline_bundle.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "catalog/package.hpp"
#include "catalog/signed_document.hpp"
#include "catalog/signing.hpp"
#include "common/durations.hpp"
#include "common/timestamps.hpp"

namespace hitless::catalog {
namespace {

constexpr std::string_view kKeyPrefix = "HDK1-";
constexpr std::string_view kBundleHeader = "HITLESS-BUNDLE 1\n";

Error<BundleErrc> malformed_bundle(const std::string& what) {
  return make_error(BundleErrc::kMalformed, what);
}

}  // namespace

std::string encode_download_key(const DownloadKey& key) {
  const nlohmann::json j = {{"appliance", key.appliance},
                            {"node", key.node},
                            {"packages", key.packages},
                            {"time", key.time}};
  return std::string(kKeyPrefix) + to_base64(j.dump());
}

Result<DownloadKey, BundleErrc> decode_download_key(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  std::string raw;
  if (text.substr(0, kKeyPrefix.size()) != kKeyPrefix ||
      !from_base64(text.substr(kKeyPrefix.size()), raw))
    return malformed_bundle("not an appliance download key (expected HDK1-...)");
  const auto j = nlohmann::json::parse(raw, nullptr, false);
  DownloadKey k;
  try {
    k.appliance = j.at("appliance").get<std::string>();
    k.node = j.at("node").get<std::string>();
    k.packages = j.at("packages").get<std::map<std::string, std::string>>();
    k.time = j.at("time").get<std::int64_t>();
  } catch (const nlohmann::json::exception&) {
    return malformed_bundle("the download key is damaged (its fields do not read)");
  }
  if (k.appliance.empty()) return malformed_bundle("the download key names no appliance");
  return k;
}

Status<BundleErrc> check_key_clock(const DownloadKey& key, std::int64_t now,
                                   std::int64_t tolerance_s, std::int64_t max_age_s) {
  const std::string made = format_utc_timestamp(key.time), here = format_utc_timestamp(now);
  if (key.time > now + tolerance_s)
    return make_error(BundleErrc::kClock, "the download key of " + key.node + " was made at " +
                                              made + ", " +
                                              format_duration(static_cast<double>(key.time - now)) +
                                              " in the future (now " + here +
                                              "): the appliance's clock is wrong; "
                                              "correct its time (NTP) and make a new key");
  if (key.time < now - max_age_s)
    return make_error(BundleErrc::kClock,
                      "the download key of " + key.node + " was made at " + made + ", " +
                          format_duration(static_cast<double>(now - key.time)) + " ago (now " +
                          here +
                          "): the key is stale or the appliance's clock is behind; correct its "
                          "time (NTP) and make a new key");
  return Unit{};
}

std::string write_bundle(const OfflineBundle& bundle, const MinisignSecretKey& key) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : bundle.files)
    files.push_back({{"path", f.path},
                     {"length", static_cast<std::int64_t>(f.bytes.size())},
                     {"sha256", sha256_hex(f.bytes)}});
  SignedDocument doc{{{"_type", "hitless-bundle"},
                      {"appliance", bundle.appliance},
                      {"node", bundle.node},
                      {"issued", format_utc_timestamp(bundle.issued)},
                      {"expires", format_utc_timestamp(bundle.expires)},
                      {"files", files}},
                     {}};
  if (auto s = add_signature(doc, key); !s)
    throw std::logic_error("signing a bundle manifest: " + s.message());
  std::string out(kBundleHeader);
  out += nlohmann::json::parse(write_signed_document(doc)).dump() + "\n";
  for (const auto& f : bundle.files) out += f.bytes;
  return out;
}

Result<OfflineBundle, BundleErrc> read_bundle(std::string_view bytes,
                                              const std::vector<MinisignPublicKey>& trusted) {
  if (bytes.substr(0, kBundleHeader.size()) != kBundleHeader)
    return malformed_bundle("not an offline bundle (bad header)");
  bytes.remove_prefix(kBundleHeader.size());
  const auto eol = bytes.find('\n');
  if (eol == std::string_view::npos) return malformed_bundle("the bundle's manifest is truncated");
  auto doc = parse_signed_document(std::string(bytes.substr(0, eol)), "bundle manifest");
  if (!doc) return malformed_bundle(doc.message());
  if (valid_signers(*doc, trusted).empty())
    return make_error(BundleErrc::kBadSignature,
                      "the bundle is not signed by a trusted key (altered, or for another "
                      "vendor key)");
  bytes.remove_prefix(eol + 1);
  OfflineBundle b;
  try {
    const auto& s = doc->signed_part;
    if (s.at("_type") != "hitless-bundle") return malformed_bundle("not a bundle manifest");
    b.appliance = s.at("appliance").get<std::string>();
    b.node = s.at("node").get<std::string>();
    const auto issued = parse_utc_timestamp(s.at("issued").get<std::string>());
    const auto expires = parse_utc_timestamp(s.at("expires").get<std::string>());
    if (!issued || !expires) return malformed_bundle("the bundle's validity is not UTC timestamps");
    b.issued = *issued;
    b.expires = *expires;
    for (const auto& f : s.at("files")) {
      const auto length = f.at("length").get<std::int64_t>();
      const std::string path = f.at("path").get<std::string>();
      if (length < 0 || static_cast<std::uint64_t>(length) > bytes.size())
        return make_error(
            BundleErrc::kDigestMismatch,
            "bundle file " + path + " is truncated (" + std::to_string(length) + " bytes listed)");
      BundleFile bf{path, std::string(bytes.substr(0, static_cast<std::size_t>(length)))};
      bytes.remove_prefix(static_cast<std::size_t>(length));
      if (sha256_hex(bf.bytes) != f.at("sha256").get<std::string>())
        return make_error(BundleErrc::kDigestMismatch,
                          "bundle file " + path + " differs from the signed manifest (sha256)");
      b.files.push_back(std::move(bf));
    }
  } catch (const nlohmann::json::exception&) {
    return malformed_bundle("the bundle manifest lacks a field (appliance, validity or files)");
  }
  if (!bytes.empty())
    return make_error(
        BundleErrc::kDigestMismatch,
        "the bundle holds " + std::to_string(bytes.size()) + " bytes more than its manifest lists");
  return b;
}

Status<BundleErrc> check_bundle_for(const OfflineBundle& bundle, const std::string& appliance,
                                    const std::string& node, std::int64_t now,
                                    std::int64_t tolerance_s) {
  if (bundle.appliance != appliance)
    return make_error(BundleErrc::kOtherAppliance,
                      "this bundle was made for appliance " + bundle.appliance + " (" +
                          bundle.node + "), not for " + node + " (" + appliance +
                          "): get this appliance's own download key and a bundle for it");
  if (now + tolerance_s < bundle.issued || now > bundle.expires)
    return make_error(BundleErrc::kClock,
                      node + "'s clock reads " + format_utc_timestamp(now) +
                          ", outside the bundle's validity " + format_utc_timestamp(bundle.issued) +
                          " .. " + format_utc_timestamp(bundle.expires) +
                          ": check the time on /appliance > Status > Basics (NTP)");
  return Unit{};
}

}  // namespace hitless::catalog
