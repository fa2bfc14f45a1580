#pragma once
// The one entry from text to YAML nodes for the strict readers (inventory, lab file): yaml-cpp
// 0.7's LoadAll loops forever, a null node per turn, on a `,` outside a flow collection (upstream
// jbeder/yaml-cpp#1040, fixed in 0.8). This reads the first document and then walks the rest
// of the stream with a parser that must make progress, so such a file is a syntax error naming
// its line instead of a hang. Pure; thread-compatible.

#include <optional>
#include <string>

namespace YAML {
class Node;
}

namespace hitless {

struct YamlDocumentError {
  int line = 1;  // 1-based
  std::string message;
  bool second_document = false;  // the text holds more than one document (else a syntax error)
};

// Reads the first document of `text` into `first` (a null node for an empty stream); nullopt on
// success. A second document in the stream is an error too (second_document set, its line).
std::optional<YamlDocumentError> load_single_yaml_document(const std::string& text,
                                                           YAML::Node& first);

}  // namespace hitless
