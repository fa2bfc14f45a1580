// Real IPMI (issue 8, S12): `lab up` starts OpenIPMI's ipmi_sim for each node with out-of-band
// power, wired to the lab node's power through the chassis_control hook; the IPMI power driver
// runs the real `ipmitool` against it. `lab down` stops the simulators.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <optional>

#include "drivers/driver_set.hpp"
#include "lab_harness.hpp"
#include "model/inventory.hpp"
#include "net/async_http_client.hpp"

namespace hitless::testing {
namespace {
namespace fs = std::filesystem;

// examples/scenarios/s12-ha-oob-power.yaml with short timings.
std::string sps_pair_yaml() {
  return R"(lab: sps-ipmi
defaults:
  version: 6.4.2
  install: 2s
  reboot: 1s
  boot_timeout: 20s
  oob_power: true
  inter_appliance_key: sps-ha
clusters:
  - name: sps-ha
    kind: ha-pair
    traffic: shared-ip
    shared_ip: 127.0.0.112
    ha: established
    nodes:
      - {name: sps-a, role: primary, owns_shared_ip: true}
      - {name: sps-b, role: backup}
)";
}

// Runs the driver's asynchronous power call to completion on its own loop.
Result<Unit, drivers::DriverErrc> set_power(const Inventory& inv, const std::string& node,
                                            bool on) {
  boost::asio::io_context io;
  net::AsyncHttpClient http(io);
  auto set = drivers::DriverSet::create(http, inv, 2.0);
  if (!set) return set.error();
  std::optional<Result<Unit, drivers::DriverErrc>> answer;
  (*set)->set_power(node, on, [&](Result<Unit, drivers::DriverErrc> r) { answer = std::move(r); });
  io.run();
  if (!answer) return make_error(drivers::DriverErrc::kProtocol, "no answer");
  return *answer;
}

// Simulator processes started for this lab directory (their config paths name it).
int simulators_running(const std::string& lab_dir) {
  int count = 0;
  for (const auto& p : fs::directory_iterator("/proc")) {
    std::ifstream in(p.path() / "cmdline", std::ios::binary);
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmd.rfind("ipmi_sim", 0) == 0 && cmd.find(lab_dir) != std::string::npos) ++count;
  }
  return count;
}

TEST(IpmiPower, LabWritesIpmiPowerAccessWithPrivatePasswords) {
  Lab lab(sps_pair_yaml(), 0.05);
  auto inv = load_inventory(lab.dir() + "/inventory.yaml");
  ASSERT_TRUE(inv) << inv.message();
  for (const char* name : {"sps-a", "sps-b"}) {
    const InventoryNode* n = inv->clusters.at(0).find(name);
    ASSERT_TRUE(n && n->power);
    EXPECT_EQ(n->power->driver, "ipmi");
    EXPECT_EQ(n->power->user, "admin");
    struct stat st {};
    ASSERT_EQ(::stat(n->power->password_file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << n->power->password_file;
  }
  EXPECT_EQ(simulators_running(fs::absolute(lab.dir()).string()), 2);
  // The REST BMC stays behind the same node for hosts without ipmitool.
  auto j = nlohmann::json::parse(std::ifstream(lab.dir() + "/lab.json"));
  EXPECT_TRUE(j["nodes"]["sps-b"].contains("bmc"));
  EXPECT_TRUE(j["nodes"]["sps-b"].contains("ipmi"));
}

TEST(IpmiPower, IpmitoolPowersTheLabNodeOffAndOnAndLabDownStopsTheSimulators) {
  Lab lab(sps_pair_yaml(), 0.05);
  const std::string dir = fs::absolute(lab.dir()).string();
  auto inv = load_inventory(lab.dir() + "/inventory.yaml");
  ASSERT_TRUE(inv) << inv.message();

  auto off = set_power(*inv, "sps-b", false);
  ASSERT_TRUE(off) << off.message();
  EXPECT_TRUE(lab.wait_node("sps-b", [](const auto& n) { return n["power"] == "off"; }));
  EXPECT_EQ(lab.node("sps-a")["power"], "on");  // only the addressed node

  auto on = set_power(*inv, "sps-b", true);
  ASSERT_TRUE(on) << on.message();
  EXPECT_TRUE(lab.wait_node("sps-b", [](const auto& n) { return n["power"] == "on"; }));

  // Power pulled in the lab is what the BMC then reports: off again, no-op on when on.
  ASSERT_TRUE(lab.handle().power("sps-b", false));
  auto again = set_power(*inv, "sps-b", true);
  ASSERT_TRUE(again) << again.message();
  EXPECT_TRUE(lab.wait_node("sps-b", [](const auto& n) { return n["power"] == "on"; }));

  lab.down();
  EXPECT_EQ(simulators_running(dir), 0);
}

// S12's injected fault: the secondary does not power on. The BMC accepts the command; the
// driver's read-back of the status catches it, and the primary keeps serving alone.
TEST(IpmiPower, ASecondaryThatDoesNotPowerOnIsReportedAndThePrimaryKeepsServing) {
  Lab lab(sps_pair_yaml(), 0.05);
  auto inv = load_inventory(lab.dir() + "/inventory.yaml");
  ASSERT_TRUE(inv) << inv.message();
  ASSERT_TRUE(set_power(*inv, "sps-b", false));
  ASSERT_EQ(lab.run_fault("sps-b", "no-power-on"), 0);

  auto r = set_power(*inv, "sps-b", true);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.code(), drivers::DriverErrc::kRejected);
  EXPECT_NE(r.message().find("BMC of sps-b accepted power on but reports off"), std::string::npos)
      << r.message();
  EXPECT_EQ(lab.node("sps-b")["power"], "off");
  EXPECT_EQ(lab.node("sps-a")["serving"], true);

  // Once the fault is cleared the same call brings it back.
  ASSERT_EQ(lab.run_fault("sps-b", "clear"), 0);
  ASSERT_TRUE(set_power(*inv, "sps-b", true));
  EXPECT_TRUE(lab.wait_node("sps-b", [](const auto& n) { return n["serving"] == true; }));
}

TEST(IpmiPower, AWrongPasswordIsRefusedByTheBmcAndChangesNothing) {
  Lab lab(sps_pair_yaml(), 0.05);
  auto inv = load_inventory(lab.dir() + "/inventory.yaml");
  ASSERT_TRUE(inv) << inv.message();
  const std::string wrong = lab.dir() + "/secrets/wrong.ipmi-password";
  write_text(wrong, "not-the-password");
  fs::permissions(wrong, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  for (auto& n : inv->clusters.at(0).nodes) n.power->password_file = fs::absolute(wrong).string();

  auto r = set_power(*inv, "sps-b", false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.code(), drivers::DriverErrc::kUnreachable);
  EXPECT_NE(r.message().find("BMC of sps-b"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("Unable to establish IPMI v2 / RMCP+ session"), std::string::npos)
      << r.message();
  EXPECT_EQ(lab.node("sps-b")["power"], "on");
}

TEST(IpmiPower, APasswordFileReadableByOthersIsRefusedNamingTheField) {
  Lab lab(sps_pair_yaml(), 0.05);
  auto inv = load_inventory(lab.dir() + "/inventory.yaml");
  ASSERT_TRUE(inv) << inv.message();
  const std::string pw = inv->clusters.at(0).find("sps-b")->power->password_file;
  fs::permissions(pw, fs::perms::others_read, fs::perm_options::add);

  auto r = set_power(*inv, "sps-b", false);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("nodes[sps-b].power.password_file"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("readable by group or others"), std::string::npos);
  EXPECT_EQ(lab.node("sps-b")["power"], "on");
}

}  // namespace
}  // namespace hitless::testing
