// S12 and S13 end to end (seed 003, SPS) through the real binary and lab daemon, with the
// secondary's power switched through real IPMI (ipmitool against the lab's ipmi_sim): the probe
// on the pair's shared IP throughout, data written on the primary while the secondary is off
// reaching it through the sync; two firmware hops, the procedure once per hop; the search minions
// before the master; the wrong order (master first) caught by the lab; a secondary that does not
// power on ending safe and serving; a secondary whose management plane wedges, powered off through
// its BMC; and the procedure through the command driver (lab-rest profile), with IPMI power and
// with the profile switching and reading the lab's REST BMC itself.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <regex>

#include "journal/journal.hpp"
#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

// examples/scenarios/s12 / s13 with less data (a shorter sync).
std::string sps_yaml(bool search) {
  std::string y = R"(lab: sps-e2e
defaults:
  version: 6.4.2
  install: 12m
  reboot: 4m
  boot_timeout: 20m
  oob_power: true
  inter_appliance_key: sps-ha
  data: {size_mb: 500}
repository:
  - {name: firmware, version: 7.0.4, kind: firmware, size_mb: 800}
clusters:
  - name: sps
    kind: ha-pair
    traffic: shared-ip
    shared_ip: 127.0.0.114
    ha: established
    nodes:
      - {name: sps-a, role: primary, owns_shared_ip: true}
      - {name: sps-b, role: backup}
)";
  if (search)
    y += "      - {name: search, role: search-master}\n"
         "      - {name: minion-1, role: search-minion}\n"
         "      - {name: minion-2, role: search-minion}\n";
  return y;
}

bool step_is(const std::map<std::string, std::string>& steps, const std::string& part,
             const std::string& state) {
  for (const auto& [id, s] : steps)
    if (id.find(part) != std::string::npos && s == state) return true;
  return false;
}

std::string inventory_text(const UpgradeLab& lab) {
  std::ifstream in(lab.inventory());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The driver calls the journal records for the step whose id contains `part` ("@calls" of its
// outcome: channel, target, kind each).
nlohmann::json journaled_calls(const std::string& journal_path, const std::string& part) {
  auto j = journal::SqliteJournal::open(journal_path);
  if (!j) return nullptr;
  for (const auto& [id, rec] : (*j)->steps())
    if (id.find(part) != std::string::npos) {
      auto detail = nlohmann::json::parse(rec.detail_json, nullptr, false);
      return detail.is_object() && detail.contains("@calls") ? detail["@calls"] : nullptr;
    }
  return nullptr;
}

// Step 6 from the primary's UI (Other node > Shutdown), not out of band: the power-off step's
// one call, as its outcome journals it.
void expect_shut_down_from_the_primary(const UpgradeLab& lab) {
  const auto off = journaled_calls(lab.journal_path(), "power-off-sps-b");
  ASSERT_TRUE(off.is_array() && off.size() == 1u) << off.dump();
  EXPECT_EQ(off[0].value("channel", ""), "appliance") << off.dump();
  EXPECT_EQ(off[0].value("target", ""), "sps-a") << off.dump();
  EXPECT_EQ(off[0].value("kind", ""), "ha-shutdown-other") << off.dump();
}

// Both members run `version` and their HA status is ok.
void expect_pair_on(UpgradeLab& lab, const std::string& version) {
  for (const char* n : {"sps-a", "sps-b"}) {
    EXPECT_EQ(lab.node_field(n, "version"), version) << n;
    EXPECT_EQ(lab.node_field(n, "ha", "status"), "ok") << n;
  }
}

// Shut down out of band: the power-off step's one call went to the power driver (the BMC), none
// to the primary's Other node > Shutdown; the lab saw a power-off, and the power cycle ended the
// wedge.
void expect_powered_off_out_of_band(UpgradeLab& lab) {
  const auto off = journaled_calls(lab.journal_path(), "power-off-sps-b");
  ASSERT_TRUE(off.is_array()) << off.dump();
  ASSERT_EQ(off.size(), 1u) << off.dump();
  EXPECT_EQ(off[0].value("channel", ""), "power") << off.dump();
  EXPECT_EQ(off[0].value("target", ""), "sps-b") << off.dump();
  EXPECT_EQ(off[0].value("kind", ""), "power") << off.dump();
  EXPECT_EQ(lab.node_field("sps-b", "last_shutdown"), "power");
  EXPECT_EQ(lab.node_field("sps-b", "management", "wedged"), "false");
}

// The lab's inventory with each node's power switched and read through the lab's REST BMC
// (`lab-bmc`, lab.json's `bmc` of the node) instead of IPMI: with the command driver, the
// profile's own power-on, power-off and power-status actions then run.
void use_lab_bmc_power(UpgradeLab& lab) {
  const std::string text = inventory_text(lab);
  const std::regex ipmi(R"(power: \{driver: ipmi, [^}]*secrets/([A-Za-z0-9-]+)\.ipmi-password\})");
  const auto& nodes = lab.handle().description().at("nodes");
  std::string out;
  auto from = text.cbegin();
  for (std::sregex_iterator m(text.begin(), text.end(), ipmi), end; m != end; ++m) {
    const auto& bmc = nodes.at((*m)[1].str()).at("bmc");
    out.append(from, (*m)[0].first);
    out += "power: {driver: lab-bmc, address: " + bmc.at("address").get<std::string>() +
           ", path: " + bmc.at("path").get<std::string>() +
           ", token_file: " + bmc.at("token_file").get<std::string>() + "}";
    from = (*m)[0].second;
  }
  out.append(from, text.cend());
  write_text(lab.inventory(), out);
}

// The pair serves from the primary except while it reboots (the seed's downtime, the secondary
// being shut down): one outage, no longer than the reboot and the probe's own timeouts.
void expect_one_reboot_outage(const probe::ProbeReport& r, double reboot_wall_ms) {
  std::printf("%s\n", probe::to_text(r).c_str());  // the figures, for the run's log
  // Served for most of the run. Not a count: a run that stops early (the secondary never powers
  // on) lasts about a second, 50 requests at this rate on a fast machine.
  EXPECT_GT(r.ok, r.failed) << probe::to_text(r);
  // Requests fail only inside that outage (the probe sends 50 per second).
  EXPECT_LT(static_cast<double>(r.failed), 50 * (reboot_wall_ms * 4 + 1500) / 1000)
      << probe::to_text(r);
  EXPECT_LT(r.max_outage_ms, reboot_wall_ms * 4 + 1500) << probe::to_text(r);
  // Only the sessions open on the primary when it went down are cut (two held open).
  EXPECT_LE(r.sessions_dropped, 2u) << probe::to_text(r);
  EXPECT_GE(r.answered_by.count("sps-a"), 1u) << probe::to_text(r);
}

TEST(SpsUpgrade, HaPairBySeedStepsThroughRealIpmiDataWrittenWhileDegradedReachesTheSecondary) {
  UpgradeLab lab(sps_yaml(false));
  ASSERT_NE(inventory_text(lab).find("driver: ipmi"), std::string::npos)
      << "ipmi_sim and ipmitool must be installed: " << inventory_text(lab);
  auto planned = lab.plan("", "7.0.4");
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  ASSERT_NE(planned.output.find("(sps-ha)"), std::string::npos) << planned.output;
  BackgroundProbe probe(lab.service("sps"), 50, 2);
  auto run = std::async(std::launch::async, [&] { return lab.apply(); });
  // While the secondary is still off (HA degraded), data is written on the upgraded primary: the
  // IPMI power on has just been sent, the sync comes after the secondary's boot.
  ASSERT_TRUE(wait_journal(lab.journal_path(), [](const std::string&, const auto& steps) {
    return step_is(steps, "power-on-sps-b", "running");
  }));
  EXPECT_EQ(lab.node_field("sps-a", "ha", "status"), "degraded");
  lab.add_recording("sps-a", "rec-while-secondary-off");
  auto result = run.get();
  const auto report = probe.stop();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  expect_one_reboot_outage(report, 240 * 0.001 * 1000);
  expect_pair_on(lab, "7.0.4");
  EXPECT_EQ(lab.node_field("sps-b", "ha", "role"), "backup");
  // Step 6 from the primary's UI (Other node > Shutdown), not out of band; IPMI powered it on.
  EXPECT_EQ(lab.node_field("sps-b", "last_shutdown"), "other-node:sps-a");
  expect_shut_down_from_the_primary(lab);
  EXPECT_EQ(lab.node_field("sps-a", "shared_ip", "enabled"), "true");
  EXPECT_EQ(lab.checksum("sps-a"), lab.checksum("sps-b"));
  const auto b = lab.config("sps-b");
  EXPECT_NE(b.at("recordings").dump().find("rec-while-secondary-off"), std::string::npos)
      << b.dump();
}

// The same procedure through the command driver and the lab-rest profile (curl), the path a
// vendor profile for real appliances takes: the HA page's status, the firmware it shows for the
// secondary, Other node > Shutdown and Activate Slave all come through the profile; the power
// still goes through IPMI.
TEST(SpsUpgrade, ThroughTheCommandDriverTheHaPageAndOtherNodeShutdownComeFromTheProfile) {
  UpgradeLab lab(sps_yaml(false));
  use_command_driver(lab, std::string(HITLESS_PROFILES_DIR) + "/lab-rest.yaml");
  ASSERT_NE(inventory_text(lab).find("driver: command"), std::string::npos);
  auto planned = lab.plan("", "7.0.4");
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  BackgroundProbe probe(lab.service("sps"), 50, 2);
  auto result = lab.apply();
  const auto report = probe.stop();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  expect_one_reboot_outage(report, 240 * 0.001 * 1000);
  expect_pair_on(lab, "7.0.4");
  expect_shut_down_from_the_primary(lab);
}

// The wedge fallback with the command driver doing the power too: lab-rest's power-off, power-on
// and power-status against the lab's REST BMC. The power-off's gate holds only once the BMC reads
// off (the wedged secondary is silent long before that).
TEST(SpsUpgrade, ThroughTheCommandDriverTheProfileSwitchesAndReadsTheBmc) {
  UpgradeLab lab(sps_yaml(false));
  use_command_driver(lab, std::string(HITLESS_PROFILES_DIR) + "/lab-rest.yaml");
  use_lab_bmc_power(lab);
  ASSERT_EQ(inventory_text(lab).find("driver: ipmi"), std::string::npos) << inventory_text(lab);
  ASSERT_NE(inventory_text(lab).find("driver: lab-bmc"), std::string::npos);
  auto planned = lab.plan("", "7.0.4");
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  ASSERT_EQ(lab.run_fault("sps-b", "wedge-after-peer-firmware"), 0);
  BackgroundProbe probe(lab.service("sps"), 50, 2);
  auto result = lab.apply();
  const auto report = probe.stop();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  expect_one_reboot_outage(report, 240 * 0.001 * 1000);
  expect_pair_on(lab, "7.0.4");
  expect_powered_off_out_of_band(lab);
}

// Two firmware hops (6.4.2 -> 7.0.4 -> 7.1.0, the release notes' supported paths): the whole HA
// procedure once per hop, so the pair is down twice (the primary's two reboots) and the secondary
// is shut down from the primary and powered on through IPMI twice; it ends synced and equal.
TEST(SpsUpgrade, TwoFirmwareHopsRunTheWholeHaProcedureTwice) {
  std::string yaml = sps_yaml(false);
  const std::string one_hop =
      "  - {name: firmware, version: 7.0.4, kind: firmware, size_mb: 800}\n";
  ASSERT_NE(yaml.find(one_hop), std::string::npos);
  yaml.replace(yaml.find(one_hop), one_hop.size(),
               "  - {name: firmware, version: 7.0.4, kind: firmware, size_mb: 800, "
               "upgrade_from: [\"6.4\"]}\n"
               "  - {name: firmware, version: 7.1.0, kind: firmware, size_mb: 800, "
               "upgrade_from: [\"7.0\"]}\n");
  UpgradeLab lab(yaml);
  auto planned = lab.plan("", "7.1.0");
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  ASSERT_NE(planned.output.find("2 firmware hops (7.0.4 -> 7.1.0)"), std::string::npos)
      << planned.output;
  BackgroundProbe probe(lab.service("sps"), 50, 2);
  auto run = std::async(std::launch::async, [&] { return lab.apply(); });
  // Data written on the primary during the second hop, while the secondary is off, reaches it.
  ASSERT_TRUE(wait_journal(lab.journal_path(), [](const std::string&, const auto& steps) {
    int done = 0, running = 0;
    for (const auto& [id, s] : steps) {
      if (id.find("power-on-sps-b") == std::string::npos) continue;
      done += s == "succeeded";
      running += s == "running";
    }
    return done == 1 && running == 1;
  }));
  EXPECT_EQ(lab.node_field("sps-a", "ha", "status"), "degraded");
  lab.add_recording("sps-a", "rec-during-second-hop");
  auto result = run.get();
  const auto report = probe.stop();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::printf("%s\n", probe::to_text(report).c_str());
  EXPECT_GT(report.ok, 50u) << probe::to_text(report);
  EXPECT_LE(report.sessions_dropped, 4u)
      << "two sessions at most per reboot of the primary: " << probe::to_text(report);
  // Two outages, each the primary's reboot (4 model minutes, 240 ms here) and no longer than
  // it and the probe's own timeouts.
  EXPECT_GT(report.outage_ms, 2 * 240 * 0.9) << probe::to_text(report);
  EXPECT_LT(report.max_outage_ms, 240 * 4 + 1500) << probe::to_text(report);
  expect_pair_on(lab, "7.1.0");
  EXPECT_EQ(lab.node_field("sps-a", "ha", "role"), "primary");
  EXPECT_EQ(lab.node_field("sps-b", "last_shutdown"), "other-node:sps-a");
  EXPECT_EQ(lab.checksum("sps-a"), lab.checksum("sps-b"));
  EXPECT_NE(lab.config("sps-b").at("recordings").dump().find("rec-during-second-hop"),
            std::string::npos);
}

TEST(SpsUpgrade, SearchMinionsBeforeTheMasterKeepSearchHealthy) {
  UpgradeLab lab(sps_yaml(true));
  auto planned = lab.plan("", "7.0.4");
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  // Simulated: the pair's shared IP is down for the primary's reboot (4 min) although the search
  // nodes serve throughout; both figures are shown. The probe below sees that outage.
  auto sim = run_hitless("simulate -i " + lab.inventory() + " --to 7.0.4");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  std::printf("%s", sim.output.c_str());
  EXPECT_NE(sim.output.find("sps: service address down 4m"), std::string::npos) << sim.output;
  EXPECT_NE(sim.output.find("no node of the cluster serving 0ms"), std::string::npos) << sim.output;
  BackgroundProbe probe(lab.service("sps"), 50, 2);
  auto result = lab.apply();
  const auto report = probe.stop();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  expect_one_reboot_outage(report, 240 * 0.001 * 1000);
  for (const char* n : {"sps-a", "sps-b", "search", "minion-1", "minion-2"})
    EXPECT_EQ(lab.node_field(n, "version"), "7.0.4") << n;
  EXPECT_EQ(lab.node_field("search", "search", "state"), "ok");
  auto push = lab.api("minion-1", "POST", "/api/v1/search/documents", nlohmann::json::object());
  EXPECT_EQ(push.first, 200) << push.second.dump();
}

TEST(SpsUpgrade, MasterFirstIsCaughtByTheLabAsTheCriticalErrorRefusingSearchWrites) {
  Lab lab(sps_yaml(true), 0.001);
  ASSERT_EQ(lab.stage("search", "firmware-7.0.4").first, 201);
  auto sel = lab.api("search", "POST", "/api/v1/install",
                     {{"package", "firmware-7.0.4"}, {"activate", "after-reboot"}});
  ASSERT_LT(sel.first, 300) << sel.second.dump();
  ASSERT_TRUE(lab.wait_node(
      "search", [](const nlohmann::json& n) { return n["install"]["state"] == "pending-reboot"; }));
  ASSERT_LT(lab.api("search", "POST", "/api/v1/reboot", nlohmann::json::object()).first, 300);
  ASSERT_TRUE(lab.wait_node("search", [](const nlohmann::json& n) {
    return n["version"] == "7.0.4" && n["serving"] == true;
  }));
  const std::string state = lab.node("minion-1")["search"]["state"];
  EXPECT_EQ(state.rfind("critical: search minion minion-1 (6.4.2) created a legacy", 0), 0u)
      << state;
  auto push = lab.api("minion-2", "POST", "/api/v1/search/documents", nlohmann::json::object());
  EXPECT_GE(push.first, 400);
  EXPECT_NE(push.second.dump().find("search write refused"), std::string::npos)
      << push.second.dump();
}

// S12's fallback (seed 003 step 6): the secondary's management plane wedges once the firmware
// from the primary is written (fault wedge-after-peer-firmware), after the run saw it answer and
// before the shutdown step's first look. That look finds it not answering, so the step powers it
// off through its BMC (real IPMI) instead of Other node > Shutdown on the primary; the power
// cycle clears the wedge and the rest of the procedure runs as the seed says.
TEST(SpsUpgrade, SecondaryWhoseManagementWedgesIsPoweredOffThroughItsBmcAndTheRunCompletes) {
  UpgradeLab lab(sps_yaml(false));
  ASSERT_NE(inventory_text(lab).find("driver: ipmi"), std::string::npos)
      << "ipmi_sim and ipmitool must be installed: " << inventory_text(lab);
  auto planned = lab.plan("", "7.0.4");
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  ASSERT_NE(planned.output.find(
                "out-of-band power off through its BMC if sps-a or sps-b does not answer"),
            std::string::npos)
      << planned.output;
  ASSERT_EQ(lab.run_fault("sps-b", "wedge-after-peer-firmware"), 0);
  BackgroundProbe probe(lab.service("sps"), 50, 2);
  auto run = std::async(std::launch::async, [&] { return lab.apply(); });
  // Also ends when the run stops: a run that cannot get past the wedge fails here, not later.
  std::string state;
  ASSERT_TRUE(wait_journal(lab.journal_path(), [&](const std::string& s, const auto& steps) {
    state = s;
    return step_is(steps, "power-on-sps-b", "running") || s == "failed" || s == "paused" ||
           s == "completed";
  }));
  if (state != "running")
    FAIL() << "run " << state << " before the secondary was powered on: " << run.get().output;
  EXPECT_EQ(lab.node_field("sps-a", "ha", "status"), "degraded");
  lab.add_recording("sps-a", "rec-while-secondary-off");
  auto result = run.get();
  const auto report = probe.stop();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  expect_one_reboot_outage(report, 240 * 0.001 * 1000);
  expect_powered_off_out_of_band(lab);
  // The choice came from the step's first look, journaled and shown as the run went.
  const std::string who = "sps-b does not answer its management API (";
  const std::string route =
      "): sps-b is powered off out of band through its power driver (BMC) instead of Other node "
      "> Shutdown on sps-a";
  EXPECT_NE(result.output.find(route), std::string::npos) << result.output;
  std::vector<journal::Event> routes;
  for (const auto& e : (*journal::SqliteJournal::open(lab.journal_path()))->events())
    if (e.kind == "route") routes.push_back(e);
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_NE(routes[0].step_id.find("power-off-sps-b"), std::string::npos) << routes[0].step_id;
  EXPECT_EQ(routes[0].message.rfind(who, 0), 0u) << routes[0].message;
  EXPECT_NE(routes[0].message.find(route), std::string::npos) << routes[0].message;
  // And afterwards in the run's report.
  auto rep = run_hitless("report --journal " + lab.journal_path() + " --format json");
  ASSERT_EQ(rep.exit_code, 0) << rep.output;
  const auto decisions = nlohmann::json::parse(rep.output, nullptr, false)["route_decisions"];
  ASSERT_TRUE(decisions.is_array() && decisions.size() == 1u) << rep.output;
  EXPECT_NE(decisions[0].get<std::string>().find(route), std::string::npos) << decisions.dump();
  // Back through the BMC's power on, on the new firmware, synced and activated.
  const auto on = journaled_calls(lab.journal_path(), "power-on-sps-b");
  ASSERT_TRUE(on.is_array() && on.size() == 1u) << on.dump();
  EXPECT_EQ(on[0].value("channel", ""), "power") << on.dump();
  expect_pair_on(lab, "7.0.4");
  EXPECT_EQ(lab.node_field("sps-b", "ha", "role"), "backup");
  EXPECT_EQ(lab.checksum("sps-a"), lab.checksum("sps-b"));
  EXPECT_NE(lab.config("sps-b").at("recordings").dump().find("rec-while-secondary-off"),
            std::string::npos);
}

TEST(SpsUpgrade, SecondaryThatDoesNotPowerOnEndsTheRunWithThePrimaryServing) {
  UpgradeLab lab(sps_yaml(false));
  auto planned = lab.plan("", "7.0.4");
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  ASSERT_EQ(lab.run_fault("sps-b", "no-power-on"), 0);
  BackgroundProbe probe(lab.service("sps"), 50, 2);
  auto result = lab.apply();
  const auto report = probe.stop();
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("sps-b"), std::string::npos) << result.output;
  expect_one_reboot_outage(report, 240 * 0.001 * 1000);
  // Safe and serving: the primary runs the new firmware and answers the shared IP.
  EXPECT_EQ(lab.node_field("sps-a", "version"), "7.0.4");
  EXPECT_EQ(lab.node_field("sps-a", "serving"), "true");
  EXPECT_EQ(lab.node_field("sps-b", "power"), "off");
  EXPECT_EQ(lab.node_field("sps-a", "ha", "status"), "degraded");
  std::string who;
  EXPECT_TRUE(lab.service_answers(&who, "sps"));
  EXPECT_EQ(who, "sps-a");
}

}  // namespace
}  // namespace hitless::testing
