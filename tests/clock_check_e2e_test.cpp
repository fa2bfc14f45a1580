// Seed 004's clock check ("make sure the time ... is correct") on the pre-flight checklist of
// every strategy that installs: a node whose clock is a day off stops the run at its first step,
// named, before any backup or install, whatever the cluster's strategy.
#include <gtest/gtest.h>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

// The pre-flight check failed on `node`'s clock, and no node of `nodes` installed anything.
void expect_refused_at_preflight(UpgradeLab& lab, const CommandResult& r, const std::string& node,
                                 const std::vector<std::string>& nodes) {
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(node + "'s clock is "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" ahead of this host's (limit 5m)"), std::string::npos) << r.output;
  auto status = run_hitless("status --journal " + lab.journal_path() + " --format json");
  ASSERT_EQ(status.exit_code, 0) << status.output;
  const auto j = nlohmann::json::parse(status.output);
  for (const auto& s : j.at("steps")) {
    const std::string id = s.at("id");
    if (id.find("/01-") != std::string::npos)
      EXPECT_EQ(s.at("state"), "failed") << id;  // the checklist is the first step
    else
      EXPECT_EQ(s.at("state"), "pending") << id;  // nothing after it ran
  }
  for (const auto& n : nodes) EXPECT_EQ(lab.node_field(n, "installs"), "0") << n;
}

TEST(ClockCheck, ClusterPushRefusesASkewedPassiveMemberAtPreflight) {
  UpgradeLab lab(R"(lab: clock-s01
defaults: {version: 9.1R1, install: 20m, reboot: 5m}
repository:
  - {name: pulse, version: 9.1R3, kind: product, upgrade_from: ["9.1"]}
clusters:
  - name: ap
    kind: active-passive
    traffic: shared-ip
    shared_ip: 127.0.0.101
    nodes:
      - {name: ap-1, role: active, owns_shared_ip: true}
      - {name: ap-2, role: passive}
)");
  ASSERT_EQ(lab.plan("cluster-push", "9.1R3").exit_code, 0);
  ASSERT_EQ(lab.run_fault("ap-2", "clock-skew"), 0);
  expect_refused_at_preflight(lab, lab.apply(), "ap-2", {"ap-1", "ap-2"});
}

TEST(ClockCheck, AtlasRefusesASkewedTrafficNodeAtPreflight) {
  UpgradeLab lab(R"(lab: clock-s07
defaults: {version: 23.1.2, install: 25m, reboot: 3m, session_lifetime: 5m}
repository:
  - {name: product, version: 23.2.1, kind: product}
clusters:
  - name: atlas
    kind: atlas
    nodes:
      - {name: master-a, role: master}
      - {name: eu-1, role: traffic, region: eu}
      - {name: eu-2, role: traffic, region: eu}
)");
  ASSERT_EQ(lab.plan("atlas", "23.2.1").exit_code, 0);
  ASSERT_EQ(lab.run_fault("eu-2", "clock-skew"), 0);
  expect_refused_at_preflight(lab, lab.apply(), "eu-2", {"master-a", "eu-1", "eu-2"});
}

}  // namespace
}  // namespace hitless::testing
