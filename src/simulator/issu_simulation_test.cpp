// S10 simulated (seed 002): the issu plan run by the real executor against the chassis model
// on a virtual clock gives its figures: no downtime (the forwarding plane never stops), the
// makespan of the in-service upgrade plus the old master's reboot, and exposure while one engine
// is away; a backup engine that fails to boot fails the run with the chassis still forwarding.
#include <gtest/gtest.h>

#include "planner/chassis_world_fixture.hpp"
#include "simulator/simulator.hpp"

namespace hitless::sim {
namespace {

struct ChassisWorld : plan::fixture::ChassisWorld {
  Result<SimulationResult, SimErrc> run(const SimOptions& options = {}) {
    auto p = plan();
    EXPECT_TRUE(p.ok()) << p.message();
    return simulate(*p, inv, cat, options);
  }
};

TEST(IssuSimulation, NoDowntimeAndExposureOnlyWhileAnEngineIsAway) {
  ChassisWorld w;
  auto r = w.run();
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->outcome, "completed") << r->message;
  EXPECT_EQ(r->strategies, "issu");
  EXPECT_EQ(r->downtime_s, 0);
  // The backup engine's install and reboot, then the old master's reboot: 1200 + 480 + 480.
  EXPECT_GE(r->exposure_s, 2160 - 1);
  EXPECT_LT(r->exposure_s, 2160 + 120);
  EXPECT_GE(r->makespan_s, r->exposure_s);
  EXPECT_LT(r->makespan_s, 2160 + 600);
}

TEST(IssuSimulation, ABackupEngineThatFailsToBootFailsTheRunWithTheChassisForwarding) {
  ChassisWorld w;
  SimOptions o;
  o.faults = {{"re1", "boot-fail"}};
  auto r = w.run(o);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->outcome, "failed");
  EXPECT_NE(r->message.find("ISSU Aborted"), std::string::npos) << r->message;
  EXPECT_EQ(r->downtime_s, 0);
}

}  // namespace
}  // namespace hitless::sim
