// S10 over real SSH: the command driver with the shipped JunOS profile (profiles/junos.yaml)
// against the lab's JunOS CLI (lab/daemon/junos_ssh_front, libssh server side) on a chassis
// model: the seed 002 order (validate, in-service upgrade on the master, reboot of the old
// master, switch back) keeps every session; ISSU without the prerequisites is refused by the
// chassis; the backup engine failing to boot ends with the master serving; a connection dropped
// by a reboot is recovered once the engine is back.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <mutex>
#include <optional>

#include "common/virtual_scheduler.hpp"
#include "drivers/command/command_driver.hpp"
#include "lab/daemon/junos_ssh_front.hpp"
#include "lab_harness.hpp"

namespace hitless::testing {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPackage = "junos-22.2R3.15";
constexpr const char* kImage = "/var/tmp/junos-22.2R3.15.tgz";

class JunosOverSsh : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("junos-ssh");
    chassis_.open_sessions(50);
    chassis_.stage(kImage, "22.2R3.15");
    front_ = std::make_unique<lab::JunosSshFront>(
        chassis_,
        [this](const lab::ModelCall& call) {
          std::lock_guard lock(model_mutex_);
          return call();
        },
        dir_);
    std::string engines;
    for (int slot = 0; slot < 2; ++slot)
      engines += "      - {name: re" + std::to_string(slot) +
                 ", role: " + (slot == 0 ? "master" : "backup") + ", chassis: mx-1, slot: \"" +
                 std::to_string(slot) +
                 "\", driver: command, vendor_profile: " + HITLESS_PROFILES_DIR +
                 "/junos.yaml, address: 127.0.0.1:" + std::to_string(front_->port(slot)) +
                 ", token_file: mx-1-client_key}\n";
    auto inv = parse_inventory_text(
        "inventory: s10\nrepository: {dir: r, public_key_file: r/k}\n"
        "clusters:\n  - name: edge-router\n    kind: chassis\n"
        "    traffic: {kind: none}\n    nodes:\n" +
            engines,
        dir_ + "/inventory.yaml", dir_);
    ASSERT_TRUE(inv.ok()) << inv.message();
    auto d = drivers::CommandApplianceDriver::create(io_, *inv);
    ASSERT_TRUE(d.ok()) << d.message();
    driver_ = std::move(*d);
  }
  void TearDown() override {
    driver_.reset();
    front_->stop();
    if (!HasFailure()) fs::remove_all(dir_);
  }
  Result<ObservedNode, drivers::DriverErrc> observe(const std::string& node) {
    std::optional<Result<ObservedNode, drivers::DriverErrc>> seen;
    driver_->observe(node,
                     [&](Result<ObservedNode, drivers::DriverErrc> r) { seen = std::move(r); });
    io_.run();
    io_.restart();
    return std::move(*seen);
  }
  Result<nlohmann::json, drivers::DriverErrc> perform(const std::string& node,
                                                      const std::string& kind) {
    std::optional<Result<nlohmann::json, drivers::DriverErrc>> got;
    driver_->perform(node, {kind, {{"package", kPackage}}},
                     [&](Result<nlohmann::json, drivers::DriverErrc> r) { got = std::move(r); });
    io_.run();
    io_.restart();
    return std::move(*got);
  }
  void set_prerequisites() {
    std::lock_guard lock(model_mutex_);
    chassis_.config() = {true, true, true};
  }
  // The engines' reboots take model time: let it pass.
  void let_reboots_finish() {
    std::lock_guard lock(model_mutex_);
    clock_.run_all();
  }
  long dropped() {
    std::lock_guard lock(model_mutex_);
    return chassis_.dropped_sessions();
  }
  int master() {
    std::lock_guard lock(model_mutex_);
    return chassis_.master_slot().value_or(-1);
  }

  std::string dir_;
  std::mutex model_mutex_;
  VirtualScheduler clock_;
  lab::Chassis chassis_{clock_, "mx-1", "21.4R3.15", 480};
  std::unique_ptr<lab::JunosSshFront> front_;
  boost::asio::io_context io_;
  std::unique_ptr<drivers::CommandApplianceDriver> driver_;
};

TEST_F(JunosOverSsh, TheSeedOrderUpgradesBothEnginesAndDropsNoSession) {
  set_prerequisites();
  auto re0 = observe("re0");
  ASSERT_TRUE(re0.ok()) << re0.message();
  EXPECT_EQ(re0->version, "21.4R3.15");
  EXPECT_EQ(re0->ha_role, "primary");
  EXPECT_EQ(observe("re1")->ha_role, "backup");

  auto valid = perform("re0", "compat-test");
  ASSERT_TRUE(valid.ok()) << valid.message();
  auto issu = perform("re0", "install");
  ASSERT_TRUE(issu.ok()) << issu.message();
  EXPECT_EQ(master(), 1);
  EXPECT_EQ(observe("re1")->version, "22.2R3.15");
  EXPECT_EQ(observe("re1")->ha_role, "primary");
  // Seed 002: the old master stays the backup on the old code.
  EXPECT_EQ(observe("re0")->version, "21.4R3.15");
  EXPECT_EQ(observe("re0")->ha_role, "backup");

  // The old master's reboot drops its connection; its answer is what it printed first.
  auto reboot = perform("re0", "reboot");
  ASSERT_TRUE(reboot.ok()) << reboot.message();
  EXPECT_FALSE(observe("re0").ok());  // still rebooting: nobody answers
  let_reboots_finish();
  auto back = observe("re0");  // a fresh connection once it is up
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->version, "22.2R3.15");

  // The optional switch back, run on the current master.
  auto switched = perform("re1", "ha-role");
  ASSERT_TRUE(switched.ok()) << switched.message();
  EXPECT_EQ(master(), 0);
  EXPECT_EQ(observe("re0")->ha_role, "primary");
  EXPECT_EQ(dropped(), 0);
}

TEST_F(JunosOverSsh, IssuWithoutPrerequisitesIsRefusedByTheChassis) {
  auto issu = perform("re0", "install");
  ASSERT_FALSE(issu.ok());
  EXPECT_NE(issu.message().find("GRES not configured"), std::string::npos) << issu.message();
  EXPECT_EQ(master(), 0);
  EXPECT_EQ(observe("re1")->version, "21.4R3.15");
  EXPECT_EQ(dropped(), 0);
  // The wrong order (a plain switchover without GRES/NSR) is visibly wrong: sessions are lost.
  ASSERT_TRUE(perform("re0", "ha-role").ok());
  EXPECT_EQ(dropped(), 50);
}

TEST_F(JunosOverSsh, ABackupEngineThatFailsToBootLeavesTheMasterServing) {
  set_prerequisites();
  {
    std::lock_guard lock(model_mutex_);
    chassis_.engine(1).boot_fails = true;
  }
  auto issu = perform("re0", "install");
  ASSERT_FALSE(issu.ok());
  EXPECT_NE(issu.message().find("ISSU Aborted"), std::string::npos) << issu.message();
  EXPECT_EQ(master(), 0);
  EXPECT_EQ(observe("re0")->version, "21.4R3.15");
  EXPECT_EQ(observe("re1")->version, "21.4R3.15");
  EXPECT_EQ(observe("re1")->ha_role, "backup");
  EXPECT_EQ(dropped(), 0);
}

}  // namespace
}  // namespace hitless::testing
