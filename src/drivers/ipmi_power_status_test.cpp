#include "drivers/ipmi_power_status.hpp"

#include <gtest/gtest.h>

namespace hitless::drivers {
namespace {

TEST(ChassisPowerStatus, ReadsOnAndOffAsIpmitoolPrintsThem) {
  auto on = parse_chassis_power_status("sps-b", "Chassis Power is on\n");
  ASSERT_TRUE(on) << on.message();
  EXPECT_TRUE(*on);
  auto off = parse_chassis_power_status("sps-b", "Chassis Power is off\n");
  ASSERT_TRUE(off) << off.message();
  EXPECT_FALSE(*off);
}

TEST(ChassisPowerStatus, RefusesAnythingElseNamingTheNode) {
  for (const std::string out :
       {"", "\n", "Chassis Power is unknown\n", "Chassis Power is on and off\n",
        "Chassis Power is off\nChassis Power is on\n", "chassis power is on\n",
        "Set Chassis Power Control to Up/On\n", "Power is off\n"}) {
    auto r = parse_chassis_power_status("sps-b", out);
    ASSERT_FALSE(r) << "accepted '" << out << "'";
    EXPECT_EQ(r.code(), DriverErrc::kProtocol);
    EXPECT_NE(r.message().find("BMC of sps-b"), std::string::npos) << r.message();
  }
}

}  // namespace
}  // namespace hitless::drivers
