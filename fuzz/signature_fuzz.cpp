// Any bytes as a minisign public key, secret key, signature file, or package trusted comment.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "catalog/minisign.hpp"
#include "catalog/signing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hitless::catalog;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_public_key(text);
  (void)parse_secret_key(text);
  (void)parse_signature(text);
  (void)parse_package_comment(text);
  return 0;
}
