// Any bytes as a signed catalog or root file: the signed-document envelope, its canonical bytes,
// then the catalog and root parsers on its signed part.
#include <cstddef>
#include <cstdint>
#include <string>

#include "catalog/catalog_file.hpp"
#include "catalog/signed_document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hitless::catalog;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto doc = parse_signed_document(text, "fuzz.json");
  if (!doc) return 0;
  (void)canonical_bytes(doc->signed_part);
  if (auto c = parse_catalog(doc->signed_part, "fuzz.json"))
    (void)parse_catalog(catalog_to_json(*c), "round-trip");  // what it writes, it reads back
  if (auto r = parse_root(doc->signed_part, "fuzz.json"))
    (void)parse_root(root_to_json(*r), "round-trip");
  return 0;
}
