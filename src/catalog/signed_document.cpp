#include "catalog/signed_document.hpp"

#include <set>

namespace hitless::catalog {
namespace {

Status<DocumentErrc> check_canonical(const nlohmann::json& j, const std::string& at) {
  if (j.is_number_float())
    return make_error(DocumentErrc::kMalformed,
                      at + " is a fractional number; signed documents hold integers only");
  if (j.is_object()) {
    for (const auto& [k, v] : j.items())
      if (auto s = check_canonical(v, at + "." + k); !s) return s;
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i)
      if (auto s = check_canonical(j[i], at + "[" + std::to_string(i) + "]"); !s) return s;
  }
  return Unit{};
}

}  // namespace

Result<SignedDocument, DocumentErrc> parse_signed_document(const std::string& text,
                                                           const std::string& what) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(DocumentErrc::kMalformed, what + " is not a JSON object");
  if (!j.contains("signed") || !j["signed"].is_object())
    return make_error(DocumentErrc::kMalformed, what + ": field 'signed' (an object) is missing");
  SignedDocument doc{j["signed"], {}};
  if (j.contains("signatures")) {
    if (!j["signatures"].is_array())
      return make_error(DocumentErrc::kMalformed, what + ": 'signatures' is not a list");
    for (const auto& s : j["signatures"]) {
      if (!s.is_string())
        return make_error(DocumentErrc::kMalformed,
                          what + ": each signature is the text of a minisign signature file");
      doc.signatures.push_back(s.get<std::string>());
    }
  }
  return doc;
}

std::string write_signed_document(const SignedDocument& doc) {
  const nlohmann::json j = {{"signed", doc.signed_part}, {"signatures", doc.signatures}};
  return j.dump(2) + "\n";
}

Result<std::string, DocumentErrc> canonical_bytes(const nlohmann::json& signed_part) {
  if (auto s = check_canonical(signed_part, "signed"); !s) return s.error();
  return signed_part.dump();  // nlohmann's object keeps keys sorted; compact, UTF-8
}

std::vector<std::string> valid_signers(const SignedDocument& doc,
                                       const std::vector<MinisignPublicKey>& trusted) {
  std::set<std::string> signers;
  const auto bytes = canonical_bytes(doc.signed_part);
  if (!bytes) return {};
  for (const auto& text : doc.signatures) {
    auto sig = parse_signature(text);
    if (!sig) continue;
    for (const auto& key : trusted)
      if (key.key_id == sig->key_id && minisign_verify(*sig, key, *bytes))
        signers.insert(key.id_hex());
  }
  return {signers.begin(), signers.end()};
}

Status<DocumentErrc> check_threshold(const SignedDocument& doc,
                                     const std::vector<MinisignPublicKey>& trusted, int threshold,
                                     const std::string& what) {
  if (auto bytes = canonical_bytes(doc.signed_part); !bytes)
    return make_error(bytes.code(), what + ": " + bytes.message());
  const auto signers = valid_signers(doc, trusted);
  if (static_cast<int>(signers.size()) >= threshold) return Unit{};
  std::string who, keys;
  for (const auto& s : signers) who += (who.empty() ? "" : ", ") + s;
  for (const auto& k : trusted) keys += (keys.empty() ? "" : ", ") + k.id_hex();
  return make_error(DocumentErrc::kNotEnoughSignatures,
                    what + ": valid signatures by " + std::to_string(signers.size()) + " of the " +
                        std::to_string(threshold) + " required keys" +
                        (who.empty() ? "" : " (" + who + ")") + "; trusted keys: " + keys);
}

Status<DocumentErrc> add_signature(SignedDocument& doc, const MinisignSecretKey& key) {
  auto bytes = canonical_bytes(doc.signed_part);
  if (!bytes) return bytes.error();
  doc.signatures.push_back(minisign_sign(*bytes, key, "hitless signed document").file_text());
  return Unit{};
}

}  // namespace hitless::catalog
