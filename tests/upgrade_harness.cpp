#include "upgrade_harness.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <thread>

#include "journal/journal.hpp"
#include "lab/daemon/lab_handle.hpp"
#include "net/dns_client.hpp"

namespace hitless::testing {

CommandResult UpgradeLab::plan(const std::string& strategy, const std::string& target,
                               const std::string& name) {
  return run_hitless("plan -i " + inventory() + " --to " + target +
                     (strategy.empty() ? "" : " --strategy " + strategy) + " -o " +
                     plan_path(name));
}

CommandResult UpgradeLab::apply(const std::string& extra, const std::string& plan,
                                const std::string& journal) {
  return run_hitless("apply " + plan_path(plan) + " --journal " + journal_path(journal) + " " +
                     extra);
}

std::string UpgradeLab::node_field(const std::string& node, const std::string& a,
                                   const std::string& b) {
  auto n = this->node(node);
  const auto& v = b.empty() ? n.at(a) : n.at(a).at(b);
  return v.is_string() ? v.get<std::string>() : v.dump();
}

bool UpgradeLab::service_answers(std::string* who, const std::string& cluster) {
  std::string host;
  std::uint16_t port = 0;
  lab::split_address(service(cluster), host, port);
  // A DNS-swung cluster's service is a name: ask the lab's DNS server, as its clients do.
  const auto& described = handle().description().at("clusters").at(cluster);
  if (described.contains("dns")) {
    net::DnsServer dns;
    lab::split_address(described.at("dns").at("server").get<std::string>(), dns.host, dns.port);
    auto answer = net::query_a(dns, host);
    if (!answer || answer->addresses.empty()) return false;
    host = answer->addresses.front();
  }
  net::ClientRequest rq;
  rq.host = host;
  rq.port = port;
  rq.timeout_s = 1;
  auto r = net::http_call(rq);
  if (!r || r->status != 200) return false;
  if (who) *who = nlohmann::json::parse(r->body).value("node", "");
  return true;
}

void UpgradeLab::add_recording(const std::string& node, const std::string& id) {
  auto [status, body] =
      api(node, "POST", "/api/v1/config/recordings", {{"id", id}, {"size_mb", 1}});
  ASSERT_EQ(status, 200) << node << ": " << body.dump();
}

void UpgradeLab::set_setting(const std::string& node, const std::string& key,
                             const std::string& value) {
  auto [status, body] = api(node, "PUT", "/api/v1/config/settings/" + key, {{"value", value}});
  ASSERT_EQ(status, 200) << node << ": " << body.dump();
}

nlohmann::json UpgradeLab::config(const std::string& node) {
  auto [status, body] = api(node, "GET", "/api/v1/config");
  EXPECT_EQ(status, 200) << node << ": " << body.dump();
  return body;
}

bool wait_journal(
    const std::string& journal_path,
    const std::function<bool(const std::string&, const std::map<std::string, std::string>&)>& pred,
    double timeout_s) {
  const auto t0 = std::chrono::steady_clock::now();
  while (seconds_since(t0) < timeout_s) {
    if (auto j = journal::SqliteJournal::open(journal_path)) {
      std::map<std::string, std::string> steps;
      for (const auto& [id, rec] : (*j)->steps()) steps[id] = journal::to_string(rec.state);
      if (pred((*j)->run().state, steps)) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

BackgroundProbe::BackgroundProbe(const std::string& target, double rate, int sessions,
                                 double max_duration_s, const std::string& dns_server) {
  probe::ProbeOptions base;
  base.dns_server = dns_server;
  base.duration_s = max_duration_s;
  base.rate = rate;
  base.sessions = sessions;
  auto o = probe::parse_target(target, base);
  if (!o) throw std::runtime_error(o.message());
  report_ =
      std::async(std::launch::async, [this, opts = *o] { return probe::run_probe(opts, &stop_); });
}

probe::ProbeReport BackgroundProbe::stop() {
  stop_ = true;
  return report_.get();
}

void use_command_driver(const UpgradeLab& lab, const std::string& profile) {
  std::string inv;
  {
    std::ifstream in(lab.inventory());
    inv.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string from = "driver: lab\n";
  for (auto at = inv.find(from); at != std::string::npos; at = inv.find(from, at))
    inv.replace(at, from.size(), "driver: command\n        vendor_profile: " + profile + "\n");
  write_text(lab.inventory(), inv);
}

std::uint64_t failures_within_one_gap(const probe::ProbeReport& report, double rate, int sessions) {
  return static_cast<std::uint64_t>(rate * report.max_gap_ms / 1000) +
         static_cast<std::uint64_t>(sessions) + 2;
}

void expect_async_pair_upgrade_seen_only_as_the_switch(UpgradeLab& lab) {
  const std::string sum_a = lab.checksum("a"), sum_b = lab.checksum("b");
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  const double rate = 200;
  const int sessions = 4;
  BackgroundProbe probe(lab.service(), rate, sessions);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the probe's baseline
  auto r = lab.apply();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto report = probe.stop();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Only the shared-IP switch may cost requests: the address is down between two API calls (a
  // few ms; longer on a busy machine, or through curl).
  EXPECT_LE(report.failed, failures_within_one_gap(report, rate, sessions))
      << probe::to_text(report);
  EXPECT_LT(report.max_outage_ms, 500) << probe::to_text(report);
  EXPECT_GT(report.answered_by["b"], 0u);
  for (const char* n : {"a", "b"}) EXPECT_EQ(lab.node_field(n, "version"), "7.2.0") << n;
  EXPECT_EQ(lab.node_field("b", "ha", "role"), "primary");
  EXPECT_EQ(lab.node_field("a", "ha", "role"), "backup");
  EXPECT_EQ(lab.node_field("b", "owns_shared_ip"), "true");
  EXPECT_EQ(lab.checksum("a"), sum_a);
  EXPECT_EQ(lab.checksum("b"), sum_b);
  auto status = run_hitless("status --journal " + lab.journal_path() + " --format json");
  EXPECT_EQ(nlohmann::json::parse(status.output).at("state"), "completed");
}

}  // namespace hitless::testing
