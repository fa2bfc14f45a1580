// Any bytes as inventory.yaml: a value or a clear error, never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "model/inventory.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto r = hitless::parse_inventory_text(text, "fuzz.yaml", "/nonexistent");
  if (!r && r.message().empty()) __builtin_trap();  // every refusal says why
  return 0;
}
