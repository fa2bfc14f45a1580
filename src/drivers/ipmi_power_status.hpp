#pragma once
// Reading `ipmitool chassis power status`: the one line a BMC's answer must be, strictly, so an
// unexpected answer (a banner, a partial line, "unknown") is an error naming the node rather than
// a guess at its power. Pure; used by IpmiPowerDriver.

#include <string>

#include "drivers/drivers.hpp"

namespace hitless::drivers {

// true for "Chassis Power is on", false for "Chassis Power is off" (surrounding whitespace and
// the final newline allowed); anything else is kProtocol naming `node` and what the BMC said.
Result<bool, DriverErrc> parse_chassis_power_status(const std::string& node,
                                                    const std::string& out);

}  // namespace hitless::drivers
