// Any bytes as a lab definition: a validated LabSpec or a clear error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lab/spec/lab_spec_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto r = hitless::lab::parse_lab_spec_text(text, "fuzz.yaml");
  if (!r && r.message().empty()) __builtin_trap();
  return 0;
}
