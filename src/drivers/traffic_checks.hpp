#pragma once
// Plan-time checks of the inventory's traffic mechanisms that need no network: a DNS cluster
// must name a TSIG key file, private to its owner, in the "algorithm:name:secret" form. Pure but
// for reading the key files.

#include <string>

#include "model/inventory.hpp"

namespace hitless::drivers {

// "" when every cluster's traffic mechanism can be used; otherwise the first problem, naming
// the inventory file, line, field and key file.
std::string traffic_problem(const Inventory& inventory);

}  // namespace hitless::drivers
