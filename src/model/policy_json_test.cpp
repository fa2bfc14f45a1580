// The policy as a plan carries it: canonical JSON and the strict reader the executor uses.
#include <gtest/gtest.h>

#include "model/policy.hpp"

namespace hitless {
namespace {

// 2026-12-DAYTHH:00:00Z
std::int64_t december_at(int day, int hour) { return 1796083200 + (day - 1) * 86400 + hour * 3600; }

Policy everything() {
  Policy p;
  p.max_unavailable = 3;
  p.capacity_floor = CapacityFloor{true, 67};
  p.drain_timeout_s = 90.5;
  p.on_drain_timeout = DrainTimeoutAction::kWait;
  p.failback = true;
  p.soak_s = 7200;
  p.windows = {{december_at(1, 1), december_at(1, 5)}, {december_at(8, 1), december_at(8, 5)}};
  p.approval_phases = {ApprovalPhases::Mode::kList, {1, 4}};
  p.config_changes = ConfigChangeAction::kCarryOver;
  return p;
}

TEST(PolicyJson, RoundTripsCanonically) {
  for (Policy p : {Policy{}, everything()}) {
    const nlohmann::json j = to_json(p);
    const auto back = policy_from_json(nlohmann::json::parse(j.dump()));
    ASSERT_TRUE(back.ok()) << back.message() << " in " << j.dump();
    EXPECT_EQ(*back, p);
    EXPECT_EQ(to_json(*back).dump(), j.dump());
  }
  EXPECT_EQ(
      to_json(everything()).dump(),
      R"({"approval_phases":[1,4],"capacity_floor":"67%","config_changes":"carry-over","drain_timeout_s":90.5,)"
      R"("failback":true,"max_unavailable":3,"old_master_reboot":"now","on_drain_timeout":"wait",)"
      R"("soak_s":7200.0,"windows":[)"
      R"({"end":"2026-12-01T05:00:00Z","start":"2026-12-01T01:00:00Z"},)"
      R"({"end":"2026-12-08T05:00:00Z","start":"2026-12-08T01:00:00Z"}]})");
  Policy count;
  count.capacity_floor = CapacityFloor{false, 2};
  EXPECT_EQ(to_json(count)["capacity_floor"], 2);
  EXPECT_EQ(*policy_from_json(to_json(count)), count);
}

TEST(PolicyJson, RefusesWhatToJsonWouldNotWrite) {
  const auto refused = [](const std::string& key, const nlohmann::json& value) {
    nlohmann::json j = to_json(everything());
    if (value.is_discarded())
      j.erase(key);
    else
      j[key] = value;
    const auto p = policy_from_json(j);
    EXPECT_FALSE(p.ok()) << key << " = " << value.dump();
    if (!p.ok()) {
      EXPECT_EQ(p.code(), PolicyErrc::kMalformed) << p.message();
    }
  };
  const nlohmann::json gone = nlohmann::json::value_t::discarded;
  refused("max_unavailable", 0);
  refused("max_unavailable", "2");
  refused("capacity_floor", "2");
  refused("capacity_floor", "150%");
  refused("drain_timeout_s", 0);
  refused("soak_s", -1);
  refused("failback", "true");
  refused("on_drain_timeout", "later");
  refused("config_changes", 1);
  refused("approval_phases", nlohmann::json::array());
  refused("approval_phases", {0});
  refused("windows", nlohmann::json::parse(
                         R"([{"start":"2026-12-08T01:00:00Z","end":"2026-12-08T05:00:00Z"},)"
                         R"({"start":"2026-12-01T01:00:00Z","end":"2026-12-01T05:00:00Z"}])"));
  refused("windows", nlohmann::json::parse(
                         R"([{"start":"2026-12-08T05:00:00Z","end":"2026-12-08T01:00:00Z"}])"));
  refused("soak_s", gone);
  refused("extra", 1);
  EXPECT_FALSE(policy_from_json(nlohmann::json::array()).ok());
}

}  // namespace
}  // namespace hitless
