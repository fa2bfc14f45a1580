#include "drivers/ipmi_power_status.hpp"

namespace hitless::drivers {

Result<bool, DriverErrc> parse_chassis_power_status(const std::string& node,
                                                    const std::string& out) {
  const auto first = out.find_first_not_of(" \t\r\n");
  const auto last = out.find_last_not_of(" \t\r\n");
  const std::string line = first == std::string::npos ? "" : out.substr(first, last - first + 1);
  if (line == "Chassis Power is on") return true;
  if (line == "Chassis Power is off") return false;
  return make_error(
      DriverErrc::kProtocol,
      "BMC of " + node + ": unexpected answer to chassis power status: '" + line + "'");
}

}  // namespace hitless::drivers
