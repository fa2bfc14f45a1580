#pragma once
// Validation pass of the lab definition parser: the relations between values that the reading
// pass checked one at a time (unique names, roles that fit the cluster kind, one owner per shared
// IP, no port clashes, requirements the repository can meet). Internal to lab/spec; pure.

#include "lab/spec/lab_spec.hpp"
#include "lab/spec/spec_reader.hpp"

namespace hitless::lab::detail {

// True when `lab` makes sense as a whole; otherwise records the first problem in `r`, using the
// lines `r` remembered while reading.
bool validate_lab(SpecReader& r, const LabSpec& lab);

}  // namespace hitless::lab::detail
