#include "drivers/migration_checks.hpp"

#include "drivers/secrets.hpp"

namespace hitless::drivers {

std::string migration_problem(const Inventory& inv) {
  for (const auto& c : inv.clusters) {
    if (c.kind != "migration") continue;
    const std::string where =
        inv.file + ":" + std::to_string(c.line) + ": clusters[" + c.name + "].passphrase_file: ";
    if (c.passphrase_file.empty())
      return where +
             "a migration exports the certificate's private key encrypted under a passphrase; "
             "name an owner-only file holding it";
    auto secret = read_secret_file(c.passphrase_file, "certificate passphrase");
    if (!secret) return where + secret.message();
    if (secret->empty()) return where + c.passphrase_file + " is empty";
  }
  return "";
}

}  // namespace hitless::drivers
