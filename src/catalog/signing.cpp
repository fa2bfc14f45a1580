#include "catalog/signing.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace hitless::catalog {
namespace {

constexpr std::string_view kCommentTag = "hitless-package ";

void ensure_sodium_for_signing() {
  static const bool ready = [] { return sodium_init() >= 0; }();
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

SignErrc sign_errc(MinisignErrc e) {
  switch (e) {
    case MinisignErrc::kMalformed:
      return SignErrc::kBadSignature;
    case MinisignErrc::kEncryptedKey:
      return SignErrc::kBadKey;
    case MinisignErrc::kUntrustedKey:
      return SignErrc::kUntrustedKey;
    case MinisignErrc::kBadSignature:
      return SignErrc::kBadSignature;
    case MinisignErrc::kEditedComment:
      return SignErrc::kEditedComment;
  }
  return SignErrc::kBadSignature;
}

}  // namespace

std::string to_base64(std::string_view bytes) {
  ensure_sodium_for_signing();
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}

bool from_base64(std::string_view text, std::string& out) {
  ensure_sodium_for_signing();
  out.assign(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return false;
  out.resize(len);
  return true;
}

std::string package_trusted_comment(const SignedIdentity& id) {
  const nlohmann::json j = {{"name", id.name}, {"version", id.version}, {"hardware", id.hardware}};
  return std::string(kCommentTag) + j.dump();
}

Result<SignedIdentity, SignErrc> parse_package_comment(std::string_view comment) {
  const auto bad = [&](const std::string& why) {
    return make_error(SignErrc::kWrongPackage,
                      "trusted comment '" + std::string(comment) + "' " + why +
                          " (expected: hitless-package {\"name\":...,\"version\":...,"
                          "\"hardware\":[...]})");
  };
  if (comment.substr(0, kCommentTag.size()) != kCommentTag)
    return bad("does not describe a hitless package");
  const auto j = nlohmann::json::parse(comment.substr(kCommentTag.size()), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("is not JSON after the tag");
  SignedIdentity id;
  try {
    id.name = j.at("name").get<std::string>();
    id.version = j.at("version").get<std::string>();
    id.hardware = j.value("hardware", std::vector<std::string>{});
  } catch (const nlohmann::json::exception&) {
    return bad("lacks a string name or version, or hardware is not a list of strings");
  }
  return id;
}

SigningKeyPair generate_signing_key() {
  const MinisignSecretKey sk = generate_minisign_key();
  return {sk.public_key().encoded(), sk.file_text()};
}

std::string signature_to_wire(std::string_view minisig_file_text) {
  return to_base64(minisig_file_text);
}

Result<std::string, SignErrc> sign_detached(std::string_view message,
                                            const std::string& secret_key_text,
                                            std::string_view trusted_comment) {
  auto sk = parse_secret_key(secret_key_text);
  if (!sk) return make_error(SignErrc::kBadKey, "signing key: " + sk.message());
  return signature_to_wire(minisign_sign(message, *sk, trusted_comment).file_text());
}

Result<std::string, SignErrc> sign_package(std::string_view file, const SignedIdentity& id,
                                           const std::string& secret_key_text) {
  return sign_detached(file, secret_key_text, package_trusted_comment(id));
}

Result<std::string, SignErrc> verify_detached(std::string_view message,
                                              const std::string& signature_wire,
                                              const std::string& public_key_text) {
  auto pk = parse_public_key(public_key_text);
  if (!pk) return make_error(SignErrc::kBadKey, "trusted key: " + pk.message());
  std::string text;
  if (signature_wire.empty())
    return make_error(SignErrc::kBadSignature, "the package is unsigned (no signature given)");
  if (!from_base64(signature_wire, text))
    return make_error(SignErrc::kBadSignature, "the signature is not base64 minisign text");
  auto sig = parse_signature(text);
  if (!sig) return make_error(SignErrc::kBadSignature, sig.message());
  if (auto ok = minisign_verify(*sig, *pk, message); !ok)
    return make_error(sign_errc(ok.code()), ok.message());
  return sig->trusted_comment;
}

Result<SignedIdentity, SignErrc> verify_package(std::string_view file,
                                                const std::string& signature_wire,
                                                const std::string& public_key_text,
                                                const std::string& name,
                                                const std::string& version) {
  auto comment = verify_detached(file, signature_wire, public_key_text);
  if (!comment) return comment.error();
  auto id = parse_package_comment(*comment);
  if (!id) return id.error();
  if (id->name != name || id->version != version)
    return make_error(SignErrc::kWrongPackage, "the signature is for " + id->name + " " +
                                                   id->version + ", not " + name + " " + version);
  return id;
}

}  // namespace hitless::catalog
