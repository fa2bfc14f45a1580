#pragma once
// Plan-time check of a hardware migration's secret (S9): the passphrase file that the certificate
// export is encrypted under must exist, be readable by its owner only and not be empty. Reads the
// file (to check it) and keeps nothing; its content never leaves this function.

#include <string>

#include "model/inventory.hpp"

namespace hitless::drivers {

// "" when every migration cluster's passphrase file can be used; otherwise the first problem,
// naming the inventory file, the cluster's line, the field and the fix.
std::string migration_problem(const Inventory& inventory);

}  // namespace hitless::drivers
