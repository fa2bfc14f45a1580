#pragma once
// A signed JSON document in the shape TUF uses: {"signed": {...}, "signatures": [...]}, where each
// signature is the text of a minisign signature file over the canonical bytes of "signed"
// (compact JSON, keys sorted, integers only), so `minisign -S` on `hitless catalog canonical`'s
// output yields a valid signature too. Threshold checks count each key once, however often it
// signs. Pure; thread-safe.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "catalog/minisign.hpp"
#include "common/result.hpp"

namespace hitless::catalog {

struct SignedDocument {
  nlohmann::json signed_part;
  std::vector<std::string> signatures;  // minisign signature file texts
};

enum class DocumentErrc { kMalformed, kNotEnoughSignatures };

// `what` names the file in errors.
Result<SignedDocument, DocumentErrc> parse_signed_document(const std::string& text,
                                                           const std::string& what);
std::string write_signed_document(const SignedDocument& doc);
// The bytes signatures cover. Refuses (with the field's path) floating-point numbers, whose
// printed form is not canonical.
Result<std::string, DocumentErrc> canonical_bytes(const nlohmann::json& signed_part);

// The distinct keys of `trusted` whose valid signature the document carries.
std::vector<std::string> valid_signers(const SignedDocument& doc,
                                       const std::vector<MinisignPublicKey>& trusted);
// Ok when at least `threshold` distinct trusted keys signed; otherwise names who signed and who
// is needed ("catalog.json: signed by 1 of the 2 required keys (A1B2...); trusted: ...").
Status<DocumentErrc> check_threshold(const SignedDocument& doc,
                                     const std::vector<MinisignPublicKey>& trusted, int threshold,
                                     const std::string& what);

// Adds a signature by `key` (for `hitless catalog sign` and the lab).
Status<DocumentErrc> add_signature(SignedDocument& doc, const MinisignSecretKey& key);

}  // namespace hitless::catalog
