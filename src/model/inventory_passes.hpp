#pragma once
// The later two of the inventory reader's three passes (inventory.cpp has the reading pass): the
// path pass makes every file reference absolute, and the validation pass checks relations between
// values (unique names and addresses, pair roles, two engines per chassis), pointing at the lines
// the reading pass recorded.

#include <string>

#include "model/inventory.hpp"
#include "model/yaml_reader.hpp"

namespace hitless {

// Every relative file reference made absolute against base_dir (itself made absolute against
// `default_base_dir`, the inventory file's folder).
void resolve_inventory_paths(Inventory& inv, const std::string& default_base_dir);
// False, with the reader's error set to the offending field and line, on the first broken relation.
bool validate_inventory(YamlReader& r, const Inventory& inv);

}  // namespace hitless
