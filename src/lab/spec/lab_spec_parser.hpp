#pragma once
// Reads a lab definition (YAML) into a validated LabSpec. Every problem is reported as one clear
// line naming the file, the line and the field ("examples/pair.yaml:14: clusters[0].nodes[1].name:
// duplicate node name 'a' (first declared at line 9)"), and nothing is started on a bad file.
// Pure apart from reading the file; thread-compatible.

#include <string>

#include "common/result.hpp"
#include "lab/spec/lab_spec.hpp"

namespace hitless::lab {

enum class SpecErrc {
  kUnreadable,    // file missing or not readable
  kSyntax,        // not YAML
  kUnknownField,  // a key the format does not have
  kWrongType,     // a value of the wrong type or form (not a duration, not a version, ...)
  kMissingField,  // a required key is absent
  kDuplicate,     // duplicate node or cluster name
  kConflict,      // two owners of one shared IP, a port clash, an inconsistent relation
};

Result<LabSpec, SpecErrc> parse_lab_spec_file(const std::string& path);
// `file_name` is used only in messages.
Result<LabSpec, SpecErrc> parse_lab_spec_text(const std::string& yaml,
                                              const std::string& file_name);

}  // namespace hitless::lab
