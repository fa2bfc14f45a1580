#include "model/policy.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "model/inventory.hpp"
#include "model/yaml_reader.hpp"

namespace hitless {
namespace {

// A pair with a top-level policy at line 3 and a cluster policy at line 9; POLICY and CLUSTER
// are replaced by the policy lines under test.
constexpr const char* kInventory = R"(inventory: t
repository: {dir: repo, public_key_file: repo/k.pub}
policy:
  POLICY
clusters:
  - name: pair
    kind: failover-pair
    traffic: {kind: shared-ip, service: 127.0.0.100:4000}
    policy:
      CLUSTER
    nodes:
      - {name: a, role: primary, address: 127.0.0.1:5001, token_file: a.token}
      - {name: b, role: backup, address: 127.0.0.1:5002, token_file: b.token}
)";

std::string inventory(const std::string& top, const std::string& cluster = "failback: false") {
  std::string text = kInventory;
  text.replace(text.find("POLICY"), 6, top);
  text.replace(text.find("CLUSTER"), 7, cluster);
  return text;
}

Result<Inventory, InventoryErrc> parse_with_policy(const std::string& top,
                                                   const std::string& cluster = "failback: false") {
  return parse_inventory_text(inventory(top, cluster), "inventory.yaml", "/srv");
}

void expect_policy_error(const std::string& top, InventoryErrc code, const std::string& message,
                         const std::string& cluster = "failback: false") {
  const auto inv = parse_with_policy(top, cluster);
  ASSERT_FALSE(inv.ok()) << top;
  EXPECT_EQ(inv.code(), code) << inv.message();
  EXPECT_EQ(inv.message(), message);
}

// 2026-12-DAYTHH:00:00Z
std::int64_t at(int day, int hour) { return 1796083200 + (day - 1) * 86400 + hour * 3600; }

TEST(Policy, DefaultsAreTheDocumentedOnes) {
  const Policy p;
  EXPECT_EQ(p.max_unavailable, 1);
  EXPECT_FALSE(p.capacity_floor);
  EXPECT_EQ(p.drain_timeout_s, 600);
  EXPECT_EQ(p.on_drain_timeout, DrainTimeoutAction::kStop);
  EXPECT_FALSE(p.failback);
  EXPECT_EQ(p.soak_s, 0);
  EXPECT_TRUE(p.windows.empty());
  EXPECT_EQ(p.approval_phases.mode, ApprovalPhases::Mode::kStrategy);
  EXPECT_EQ(p.config_changes, ConfigChangeAction::kPause);
  const auto inv = parse_inventory_text(
      "inventory: t\nrepository: {dir: r, public_key_file: k}\nclusters:\n  - name: s\n    kind: "
      "single\n"
      "    traffic: {kind: none}\n    nodes: [{name: n, role: standalone, address: h:1, "
      "token_file: t}]\n",
      "inventory.yaml", "/srv");
  ASSERT_TRUE(inv.ok()) << inv.message();
  EXPECT_EQ(inv->policy, Policy{});
  EXPECT_EQ(inv->clusters[0].policy, Policy{});
}

TEST(Policy, ReadsEveryFieldAndClusterFieldsOverrideTheTopLevel) {
  const auto inv = parse_with_policy(R"(max_unavailable: 2
  capacity_floor: 50%
  drain_timeout: 10m
  on_drain_timeout: force
  failback: true
  soak: 1h
  windows:
    - {start: "2026-12-08T01:00:00Z", end: "2026-12-08T05:00:00Z"}
    - start: 2026-12-01T01:00:00Z
      end: 2026-12-01T05:00:00Z
  approval_phases: [3, 1]
  config_changes: carry-over)",
                                     "capacity_floor: 1\n      config_changes: discard");
  ASSERT_TRUE(inv.ok()) << inv.message();
  const Policy& top = inv->policy;
  EXPECT_EQ(top.max_unavailable, 2);
  EXPECT_EQ(top.capacity_floor, (CapacityFloor{true, 50}));
  EXPECT_EQ(top.drain_timeout_s, 600);
  EXPECT_EQ(top.on_drain_timeout, DrainTimeoutAction::kForce);
  EXPECT_TRUE(top.failback);
  EXPECT_EQ(top.soak_s, 3600);
  // Kept sorted by start, whatever the file's order.
  EXPECT_EQ(top.windows,
            (std::vector<MaintenanceWindow>{{at(1, 1), at(1, 5)}, {at(8, 1), at(8, 5)}}));
  EXPECT_EQ(top.approval_phases, (ApprovalPhases{ApprovalPhases::Mode::kList, {1, 3}}));
  EXPECT_EQ(top.config_changes, ConfigChangeAction::kCarryOver);

  Policy expected = top;  // the cluster changes two fields and inherits the rest
  expected.capacity_floor = CapacityFloor{false, 1};
  expected.config_changes = ConfigChangeAction::kDiscard;
  EXPECT_EQ(inv->clusters[0].policy, expected);
}

TEST(Policy, ApprovalPhasesTakeAllNoneOrStrategy) {
  for (const auto& [text, mode] : {std::pair{"all", ApprovalPhases::Mode::kAll},
                                   std::pair{"none", ApprovalPhases::Mode::kNone},
                                   std::pair{"strategy", ApprovalPhases::Mode::kStrategy}}) {
    const auto inv = parse_with_policy(std::string("approval_phases: ") + text);
    ASSERT_TRUE(inv.ok()) << inv.message();
    EXPECT_EQ(inv->policy.approval_phases.mode, mode);
  }
}

TEST(Policy, RefusesEachBadValueNamingFileLineAndField) {
  const auto I = InventoryErrc::kWrongType;
  expect_policy_error("max_unavailable: 0", I,
                      "inventory.yaml:4: policy.max_unavailable: '0' is out of range (at least 1)");
  expect_policy_error("max_unavailable: two", I,
                      "inventory.yaml:4: policy.max_unavailable: 'two' is not a whole number");
  expect_policy_error("max_unavailable: 1.5", I,
                      "inventory.yaml:4: policy.max_unavailable: '1.5' is not a whole number");
  expect_policy_error("capacity_floor: 150%", I,
                      "inventory.yaml:4: policy.capacity_floor: '150%' is out of range (0..100 %)");
  expect_policy_error(
      "capacity_floor: -1", I,
      "inventory.yaml:4: policy.capacity_floor: '-1' is out of range (a member count >= 0)");
  expect_policy_error(
      "capacity_floor: half", I,
      "inventory.yaml:4: policy.capacity_floor: 'half' is not a capacity floor (a member "
      "count such as 2, or a "
      "percentage such as 50%)");
  expect_policy_error(
      "drain_timeout: 0s", I,
      "inventory.yaml:4: policy.drain_timeout: '0s' is out of range (must be more than 0)");
  expect_policy_error(
      "drain_timeout: soon", I,
      "inventory.yaml:4: policy.drain_timeout: 'soon' is not a duration (such as 90s, "
      "10m, 1h30m; bare = seconds)");
  expect_policy_error(
      "soak: -5m", I,
      "inventory.yaml:4: policy.soak: '-5m' is not a duration (such as 90s, 10m, 1h30m; "
      "bare = seconds)");
  expect_policy_error("on_drain_timeout: retry", I,
                      "inventory.yaml:4: policy.on_drain_timeout: unknown on_drain_timeout 'retry' "
                      "(allowed: wait, force, stop)");
  expect_policy_error(
      "config_changes: keep", I,
      "inventory.yaml:4: policy.config_changes: unknown config_changes 'keep' (allowed: "
      "pause, carry-over, discard)");
  expect_policy_error("failback: yes", I,
                      "inventory.yaml:4: policy.failback: expected true or false, got 'yes'");
  expect_policy_error(
      "approval_phases: [1, 0]", I,
      "inventory.yaml:4: policy.approval_phases[1]: '0' is out of range (phases are "
      "numbered from 1)");
  expect_policy_error(
      "approval_phases: some", I,
      "inventory.yaml:4: policy.approval_phases: 'some' is not a phase number (1, 2, "
      "...), all, none or strategy");
  expect_policy_error("approval_phases: [2, 2]", InventoryErrc::kConflict,
                      "inventory.yaml:4: policy.approval_phases: phase 2 is listed twice");
  expect_policy_error(
      "max_unavailable: {a: 1}", I,
      "inventory.yaml:4: policy.max_unavailable: expected a single value, got a map");
  expect_policy_error("windows: [{start: 2026-12-01 01:00, end: 2026-12-01T05:00:00Z}]", I,
                      "inventory.yaml:4: policy.windows[0].start: '2026-12-01 01:00' is not a UTC "
                      "timestamp (such as "
                      "2026-12-01T01:00:00Z)");
  expect_policy_error(
      "windows: [{start: 2026-12-01T01:00:00Z}]", InventoryErrc::kMissingField,
      "inventory.yaml:4: policy.windows[0].end: required field missing (a UTC timestamp "
      "such as 2026-12-01T05:00:00Z)");
  // In a cluster's policy the path and line are the cluster's.
  expect_policy_error(
      "failback: false", I,
      "inventory.yaml:10: clusters[0].policy.max_unavailable: '0' is out of range (at least 1)",
      "max_unavailable: 0");
}

TEST(Policy, FromYamlGivesItsOwnErrorCodes) {
  const auto read = [](const std::string& yaml) {
    YamlReader r("p.yaml");
    const auto root = r.load(yaml, "a policy");
    EXPECT_TRUE(root.has_value());
    return policy_from_yaml(r, *root, Policy{});
  };
  auto p = read("failback: true\ncapacity_floor: 150%\n");
  EXPECT_EQ(p.code(), PolicyErrc::kOutOfRange);
  EXPECT_EQ(p.message(), "p.yaml:2: capacity_floor: '150%' is out of range (0..100 %)");
  EXPECT_EQ(read("soak: later").code(), PolicyErrc::kWrongType);
  EXPECT_EQ(read("speed: 1").code(), PolicyErrc::kUnknownField);
  EXPECT_EQ(read("soak: 1\nsoak: 2").code(), PolicyErrc::kDuplicate);
  EXPECT_EQ(read("windows: [{start: 2026-12-01T05:00:00Z, end: 2026-12-01T01:00:00Z}]").code(),
            PolicyErrc::kConflict);
  auto ok = read("soak: 30m\napproval_phases: 2");
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_EQ(ok->soak_s, 1800);
  EXPECT_EQ(ok->approval_phases, (ApprovalPhases{ApprovalPhases::Mode::kList, {2}}));
}

TEST(Policy, RefusesUnknownKeysNamingThem) {
  expect_policy_error(
      "max_unavailible: 2", InventoryErrc::kUnknownField,
      "inventory.yaml:4: policy.max_unavailible: unknown field 'max_unavailible' "
      "(allowed: max_unavailable, "
      "capacity_floor, drain_timeout, on_drain_timeout, failback, soak, windows, "
      "approval_phases, config_changes, old_master_reboot, role_order, cutover_wait)");
  const auto inv = parse_with_policy("failback: true", "strategy: fast");
  ASSERT_FALSE(inv.ok());
  EXPECT_EQ(inv.code(), InventoryErrc::kUnknownField);
  EXPECT_EQ(inv.message().substr(0, 58),
            "inventory.yaml:10: clusters[0].policy.strategy: unknown fi")
      << inv.message();
}

TEST(Policy, RefusesWindowsThatEndBeforeTheyStartOrOverlap) {
  expect_policy_error(
      "windows:\n    - {start: 2026-12-01T05:00:00Z, end: 2026-12-01T01:00:00Z}",
      InventoryErrc::kConflict,
      "inventory.yaml:5: policy.windows[0].end: the window ends at 2026-12-01T01:00:00Z, "
      "not after its start "
      "2026-12-01T05:00:00Z");
  expect_policy_error(
      "windows:\n    - {start: 2026-12-01T05:00:00Z, end: 2026-12-01T05:00:00Z}",
      InventoryErrc::kConflict,
      "inventory.yaml:5: policy.windows[0].end: the window ends at 2026-12-01T05:00:00Z, "
      "not after its start "
      "2026-12-01T05:00:00Z");
  expect_policy_error(
      "windows:\n    - {start: 2026-12-01T04:00:00Z, end: 2026-12-01T06:00:00Z}\n"
      "    - {start: 2026-12-08T01:00:00Z, end: 2026-12-08T05:00:00Z}\n"
      "    - {start: 2026-12-01T01:00:00Z, end: 2026-12-01T05:00:00Z}",
      InventoryErrc::kConflict,
      "inventory.yaml:5: policy.windows[0]: window 2026-12-01T04:00:00Z/2026-12-01T06:00:00Z "
      "overlaps policy.windows[2] "
      "(2026-12-01T01:00:00Z/2026-12-01T05:00:00Z); windows must not overlap");
  // Touching windows do not overlap.
  const auto ok = parse_with_policy(
      "windows:\n    - {start: 2026-12-01T05:00:00Z, end: 2026-12-01T06:00:00Z}\n"
      "    - {start: 2026-12-01T01:00:00Z, end: 2026-12-01T05:00:00Z}");
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_EQ(ok->policy.windows.front().start, at(1, 1));
}

TEST(PolicyCli, OverridesTheInventoryAndLaterFlagsWin) {
  const auto inv =
      parse_with_policy("max_unavailable: 2\n  capacity_floor: 1", "capacity_floor: 50%");
  ASSERT_TRUE(inv.ok()) << inv.message();
  const std::vector<std::string> flags = {"max_unavailable=3",
                                          "soak=90s",
                                          "windows=2026-12-01T01:00:00Z/2026-12-01T05:00:00Z",
                                          "approval_phases=2,1",
                                          "on_drain_timeout=wait",
                                          "max_unavailable=4"};
  const auto p = apply_cli_overrides(inv->clusters[0].policy, flags);
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->max_unavailable, 4);                         // command line, last one wins
  EXPECT_EQ(p->capacity_floor, (CapacityFloor{true, 50}));  // cluster over top level
  EXPECT_EQ(p->soak_s, 90);
  EXPECT_EQ(p->windows, (std::vector<MaintenanceWindow>{{at(1, 1), at(1, 5)}}));
  EXPECT_EQ(p->approval_phases, (ApprovalPhases{ApprovalPhases::Mode::kList, {1, 2}}));
  EXPECT_EQ(p->on_drain_timeout, DrainTimeoutAction::kWait);
  const std::vector<std::string> clear = {"capacity_floor=none", "windows=none"};
  const auto cleared = apply_cli_overrides(*p, clear);
  ASSERT_TRUE(cleared.ok()) << cleared.message();
  EXPECT_FALSE(cleared->capacity_floor);
  EXPECT_TRUE(cleared->windows.empty());
}

TEST(PolicyCli, ErrorsNameTheFlag) {
  const auto fails = [](const std::string& flag, PolicyErrc code, const std::string& message) {
    const std::vector<std::string> flags = {"failback=true", flag};
    const auto p = apply_cli_overrides(Policy{}, flags);
    ASSERT_FALSE(p.ok()) << flag;
    EXPECT_EQ(p.code(), code) << p.message();
    EXPECT_EQ(p.message(), message);
  };
  fails("capacity_floor=150%", PolicyErrc::kOutOfRange,
        "--policy capacity_floor=150%: capacity_floor: '150%' is out of range (0..100 %)");
  fails("max_unavailable=0", PolicyErrc::kOutOfRange,
        "--policy max_unavailable=0: max_unavailable: '0' is out of range (at least 1)");
  fails("speed=fast", PolicyErrc::kUnknownField,
        "--policy speed=fast: speed: unknown field 'speed' (allowed: max_unavailable, "
        "capacity_floor, drain_timeout, "
        "on_drain_timeout, failback, soak, windows, approval_phases, config_changes, "
        "old_master_reboot, role_order, cutover_wait)");
  fails("failback", PolicyErrc::kWrongType,
        "--policy failback: expected KEY=VALUE (such as max_unavailable=2)");
  fails("windows=2026-12-01T05:00:00Z/2026-12-01T01:00:00Z", PolicyErrc::kConflict,
        "--policy windows=2026-12-01T05:00:00Z/2026-12-01T01:00:00Z: windows: the window ends at "
        "2026-12-01T01:00:00Z, "
        "not after its start 2026-12-01T05:00:00Z");
  fails(
      "windows=2026-12-01T01:00:00Z/2026-12-01T05:00:00Z,2026-12-01T04:00:00Z/2026-12-01T06:00:00Z",
      PolicyErrc::kConflict,
      "--policy "
      "windows=2026-12-01T01:00:00Z/2026-12-01T05:00:00Z,2026-12-01T04:00:00Z/"
      "2026-12-01T06:00:00Z: windows: "
      "window 2026-12-01T04:00:00Z/2026-12-01T06:00:00Z overlaps "
      "2026-12-01T01:00:00Z/2026-12-01T05:00:00Z; windows must "
      "not overlap");
  fails("windows=2026-12-01T01:00:00Z", PolicyErrc::kWrongType,
        "--policy windows=2026-12-01T01:00:00Z: windows: '2026-12-01T01:00:00Z' is not a window "
        "(START/END, such as "
        "2026-12-01T01:00:00Z/2026-12-01T05:00:00Z)");
  fails("approval_phases=1,,2", PolicyErrc::kWrongType,
        "--policy approval_phases=1,,2: approval_phases: '' is not a phase number (1, 2, ...), "
        "all, none or strategy");
  fails("drain_timeout=0", PolicyErrc::kOutOfRange,
        "--policy drain_timeout=0: drain_timeout: '0' is out of range (must be more than 0)");
}

TEST(Policy, CapacityFloorCountRoundsPercentagesUp) {
  Policy p;
  EXPECT_EQ(capacity_floor_count(p, 4), 0);
  p.capacity_floor = CapacityFloor{false, 3};
  EXPECT_EQ(capacity_floor_count(p, 2), 3);
  p.capacity_floor = CapacityFloor{true, 50};
  EXPECT_EQ(capacity_floor_count(p, 3), 2);
  EXPECT_EQ(capacity_floor_count(p, 4), 2);
  p.capacity_floor = CapacityFloor{true, 100};
  EXPECT_EQ(capacity_floor_count(p, 5), 5);
  p.capacity_floor = CapacityFloor{true, 0};
  EXPECT_EQ(capacity_floor_count(p, 5), 0);
}

TEST(Policy, EnumsPrintAndParse) {
  for (const auto a :
       {DrainTimeoutAction::kWait, DrainTimeoutAction::kForce, DrainTimeoutAction::kStop})
    EXPECT_EQ(parse_drain_timeout_action(to_string(a)), a);
  for (const auto a :
       {ConfigChangeAction::kPause, ConfigChangeAction::kCarryOver, ConfigChangeAction::kDiscard})
    EXPECT_EQ(parse_config_change_action(to_string(a)), a);
  EXPECT_STREQ(to_string(ConfigChangeAction::kCarryOver), "carry-over");
  EXPECT_FALSE(parse_drain_timeout_action("Stop"));
  EXPECT_FALSE(parse_config_change_action("carry_over"));
  EXPECT_EQ(to_text(Policy{}),
            "max_unavailable 1, capacity_floor none, drain_timeout 10m then stop, failback no, "
            "soak none, windows any time, "
            "approvals as planned, config_changes pause, old_master_reboot now");
}

}  // namespace
}  // namespace hitless

namespace hitless {
namespace {

TEST(Policy, RoleOrderIsAListOfKnownRolesCarriedByThePlan) {
  const auto inv = parse_with_policy("role_order: [search-minion, search-master]");
  ASSERT_TRUE(inv.ok()) << inv.message();
  EXPECT_EQ(inv->policy.role_order, (std::vector<std::string>{"search-minion", "search-master"}));
  const auto back = policy_from_json(to_json(inv->policy));
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(*back, inv->policy);
  EXPECT_NE(to_text(inv->policy).find("role_order search-minion before search-master"),
            std::string::npos);
  // Without one, the plan's JSON is what it was before the field existed.
  EXPECT_FALSE(to_json(Policy{}).contains("role_order"));
  const auto bad = parse_with_policy("role_order: [search-minion, searchmaster]");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), InventoryErrc::kWrongType);
  EXPECT_EQ(bad.message().rfind(
                "inventory.yaml:4: policy.role_order: unknown role 'searchmaster' (allowed: ", 0),
            0u)
      << bad.message();
  auto cli = apply_cli_overrides(Policy{}, std::vector<std::string>{"role_order=primary,backup"});
  ASSERT_TRUE(cli.ok()) << cli.message();
  EXPECT_EQ(cli->role_order, (std::vector<std::string>{"primary", "backup"}));
}

TEST(Policy, CutoverWaitIsAWallDurationCarriedByThePlanOnlyWhenSet) {
  const auto inv = parse_with_policy("cutover_wait: 15m");
  ASSERT_TRUE(inv.ok()) << inv.message();
  EXPECT_EQ(inv->policy.cutover_wait_s, 900);
  const auto back = policy_from_json(to_json(inv->policy));
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(*back, inv->policy);
  EXPECT_NE(to_text(inv->policy).find("cutover_wait 15m"), std::string::npos);
  EXPECT_FALSE(to_json(Policy{}).contains("cutover_wait_s"));
  const auto bad = parse_with_policy("cutover_wait: soon");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(
      bad.message().rfind("inventory.yaml:4: policy.cutover_wait: 'soon' is not a duration", 0), 0u)
      << bad.message();
  auto cli = apply_cli_overrides(Policy{}, std::vector<std::string>{"cutover_wait=2h"});
  ASSERT_TRUE(cli.ok()) << cli.message();
  EXPECT_EQ(cli->cutover_wait_s, 7200);
  nlohmann::json j = to_json(Policy{});
  j["cutover_wait_s"] = -1;
  EXPECT_FALSE(policy_from_json(j).ok());
}

}  // namespace
}  // namespace hitless
