#include "drivers/traffic_checks.hpp"

#include "net/tsig_key.hpp"

namespace hitless::drivers {

std::string traffic_problem(const Inventory& inv) {
  for (const auto& c : inv.clusters) {
    if (!c.dns) continue;
    const std::string where = inv.file + ":" + std::to_string(c.dns->line) + ": clusters[" +
                              c.name + "].traffic.dns.key_file: ";
    if (c.dns->key_file.empty())
      return where +
             "a DNS-swung cluster needs a TSIG key file: hitless will not send unsigned updates";
    if (auto key = net::read_tsig_key_file(c.dns->key_file); !key) return where + key.message();
  }
  return "";
}

}  // namespace hitless::drivers
