// The seed 000 cluster endpoints of the real lab daemon: membership state, enabling and disabling
// members, taking the VIP, and the errors that change nothing.
#include <gtest/gtest.h>

#include "lab_harness.hpp"

namespace hitless::testing {
namespace {

std::string ap_yaml() {
  return R"(lab: ap
defaults: {version: 9.1R1, install: 20m, reboot: 5m}
clusters:
  - name: ap
    kind: active-passive
    traffic: shared-ip
    shared_ip: 127.0.0.101
    nodes:
      - {name: ap-1, role: active, owns_shared_ip: true}
      - {name: ap-2, role: passive}
      - {name: ap-3, role: passive, enabled: false}
)";
}

TEST(LabCluster, StatusListsMembersWithVersionVipAndMembership) {
  Lab lab(ap_yaml(), 0.001);
  auto [status, c] = lab.api("ap-2", "GET", "/api/v1/cluster");
  ASSERT_EQ(status, 200) << c.dump();
  EXPECT_EQ(c.at("cluster"), "ap");
  EXPECT_EQ(c.at("kind"), "active-passive");
  EXPECT_EQ(c.at("version"), "9.1R1");
  EXPECT_EQ(c.at("vip_owner"), "ap-1");
  ASSERT_EQ(c.at("members").size(), 3u);
  EXPECT_EQ(c.at("members")[2].at("name"), "ap-3");
  EXPECT_EQ(c.at("members")[2].at("enabled"), false);
  EXPECT_EQ(lab.node("ap-3").at("member").at("enabled"), false);
}

TEST(LabCluster, DisablingTheVipOwnerHandsTheVipToAnEnabledMember) {
  Lab lab(ap_yaml(), 0.001);
  ASSERT_EQ(lab.api("ap-1", "PUT", "/api/v1/cluster/member", {{"enabled", false}}).first, 200);
  EXPECT_EQ(lab.api("ap-1", "GET", "/api/v1/cluster").second.at("vip_owner"), "ap-2");
  auto [who_status, who] = lab.api("ap-1", "GET", "/api/v1/cluster");
  ASSERT_EQ(who_status, 200);
  EXPECT_EQ(who.at("members")[0].at("enabled"), false);
  // Taking it back is the manual failover; enabling again is harmless at the same version.
  ASSERT_EQ(lab.api("ap-1", "PUT", "/api/v1/cluster/member", {{"enabled", true}}).first, 200);
  auto [s, body] = lab.api("ap-1", "POST", "/api/v1/cluster/vip");
  ASSERT_EQ(s, 200) << body.dump();
  EXPECT_EQ(body.at("vip_owner"), "ap-1");
  EXPECT_EQ(lab.node("ap-1").at("shared_ip").at("enabled"), true);
  EXPECT_EQ(lab.node("ap-2").at("shared_ip").at("enabled"), false);
}

TEST(LabCluster, BadRequestsAreRefusedAndChangeNothing) {
  Lab lab(ap_yaml(), 0.001);
  auto [s1, b1] = lab.api("ap-2", "PUT", "/api/v1/cluster/member", {{"enabled", "yes"}});
  EXPECT_EQ(s1, 400) << b1.dump();
  EXPECT_EQ(b1.value("error", ""), "body must be {\"enabled\": true|false}");
  auto [s2, b2] = lab.api("ap-3", "POST", "/api/v1/cluster/vip");
  EXPECT_EQ(s2, 409) << b2.dump();
  EXPECT_EQ(b2.value("error", ""),
            "ap-3 is disabled in cluster ap; enable it before it can take the VIP");
  ASSERT_EQ(lab.api("ap-2", "PUT", "/api/v1/cluster/member", {{"enabled", false}}).first, 200);
  auto [s3, b3] = lab.api("ap-1", "PUT", "/api/v1/cluster/member", {{"enabled", false}});
  EXPECT_EQ(s3, 409) << b3.dump();
  EXPECT_EQ(b3.value("error", ""),
            "cannot disable ap-1: it holds the VIP and no other enabled member serves to take it");
  EXPECT_EQ(lab.node("ap-1").at("member").at("enabled"), true);
  EXPECT_EQ(lab.node("ap-1").at("shared_ip").at("enabled"), true);
  Lab pair(pair_yaml(), 0.001);
  auto [s4, b4] = pair.api("a", "PUT", "/api/v1/cluster/member", {{"enabled", false}});
  EXPECT_EQ(s4, 400) << b4.dump();
  EXPECT_NE(b4.value("error", "").find("not a member of an active-active or active-passive"),
            std::string::npos);
}

}  // namespace
}  // namespace hitless::testing
