#pragma once
// A TSIG key file: one line "algorithm:name:secret" (the form `knsupdate -y` and `nsupdate -y`
// take; the secret is base64 exactly as in Knot's key.conf). The file must be private to its
// owner: a key others can read lets them move the cluster's clients. Plain functions; no I/O
// beyond reading the one file.

#include <string>

#include "common/result.hpp"

namespace hitless::net {

enum class TsigKeyErrc { kUnreadable, kLoosePermissions, kMalformed };

struct TsigKey {
  std::string algorithm;  // hmac-sha256 (ldns wants it with a trailing dot; added when used)
  std::string name;       // the key's name as the DNS server knows it
  std::string secret;     // base64
};

// Reads and checks the file; errors name the file and what is wrong with it.
Result<TsigKey, TsigKeyErrc> read_tsig_key_file(const std::string& path);
// The file's permission problem ("" when only its owner can read it), naming the file.
std::string tsig_key_file_problem(const std::string& path);
std::string format_tsig_key(const TsigKey& key);  // the one line the file holds

}  // namespace hitless::net
