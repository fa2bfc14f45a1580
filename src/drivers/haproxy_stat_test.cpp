#include "drivers/haproxy_stat.hpp"

#include <gtest/gtest.h>

namespace hitless::drivers {
namespace {

// Columns in another order than HAProxy 2.6 prints them: they are found by name.
const char* kStat =
    "# svname,pxname,status,scur,qcur,check_status\n"
    "FRONTEND,aa-front,OPEN,3,,\n"
    "aa-1,aa,DRAIN,2,0,L7OK\n"
    "aa-2,aa,MAINT,0,0,\n"
    "aa-3,aa,DRAIN 1/2,0,0,L4CON\n"
    "BACKEND,aa,UP,2,0,\n"
    "x-1,other,UP,9,0,L7OK\n"
    "\n";

TEST(HaproxyStat, ReadsServersOfOneBackendByHeaderName) {
  std::string why;
  auto s = parse_show_stat(kStat, "aa", &why);
  ASSERT_TRUE(s.has_value()) << why;
  ASSERT_EQ(s->size(), 3u);
  EXPECT_EQ(s->at("aa-1").scur, 2);
  EXPECT_EQ(s->at("aa-1").status, "DRAIN");
  EXPECT_EQ(s->at("aa-2").check_status, "");
  EXPECT_FALSE(s->count("x-1"));
}

TEST(HaproxyStat, TheCheckSeesAMemberUpOnlyOutOfMaintenanceWithAPassedCheck) {
  auto s = *parse_show_stat(kStat, "aa", nullptr);
  EXPECT_TRUE(check_sees_up(s.at("aa-1")));
  EXPECT_FALSE(check_sees_up(s.at("aa-2"))) << "maintenance: no checks run";
  EXPECT_FALSE(check_sees_up(s.at("aa-3"))) << "about to be marked down";
}

TEST(HaproxyStat, RefusesWhatIsNotAShowStatAnswer) {
  std::string why;
  EXPECT_FALSE(parse_show_stat("Unknown command.\n", "aa", &why).has_value());
  EXPECT_NE(why.find("no 'pxname' column"), std::string::npos) << why;
  EXPECT_FALSE(parse_show_stat(kStat, "nosuch", &why).has_value());
  EXPECT_EQ(why, "HAProxy has no backend 'nosuch'");
  EXPECT_FALSE(
      parse_show_stat("# pxname,svname,scur,status,check_status\naa,s,x,UP,\n", "aa", &why));
  EXPECT_NE(why.find("no number in scur for aa/s"), std::string::npos) << why;
}

}  // namespace
}  // namespace hitless::drivers
