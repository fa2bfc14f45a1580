// `hitless probe`: what clients of a cluster see, as a report.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "lab/daemon/lab_handle.hpp"
#include "probe/probe.hpp"

namespace hitless::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop.store(true); }

struct ProbeArgs {
  std::string target, lab_dir, cluster, format = "text";
  probe::ProbeOptions options;
};

int run(const ProbeArgs& a) {
  std::string target = a.target;
  std::string dns_server = a.options.dns_server;
  if (target.empty()) {
    if (a.lab_dir.empty() || a.cluster.empty()) {
      std::cerr << "hitless probe: give --target ADDR, or --lab DIR with --cluster NAME\n";
      return kExitBadInput;
    }
    auto lab = lab::LabHandle::open(a.lab_dir);
    if (!lab) {
      std::cerr << "hitless probe: " << lab.message() << "\n";
      return kExitNotRunning;
    }
    target = lab->service(a.cluster);
    // A DNS-swung cluster's service is its name: resolve it through the lab's DNS server.
    const auto& clusters = lab->description().at("clusters");
    if (dns_server.empty() && clusters.contains(a.cluster) && clusters[a.cluster].contains("dns"))
      dns_server = clusters[a.cluster]["dns"].value("server", "");
    if (target.empty()) {
      std::cerr << "hitless probe: the lab in " << a.lab_dir << " has no cluster '" << a.cluster
                << "'\n";
      return kExitBadInput;
    }
  }
  probe::ProbeOptions base = a.options;
  base.dns_server = dns_server;
  auto opts = probe::parse_target(target, base);
  if (!opts) {
    std::cerr << "hitless probe: --target: " << opts.message() << "\n";
    return kExitBadInput;
  }
  if (auto v = probe::validate_options(*opts); !v) {
    std::cerr << "hitless probe: " << v.message() << "\n";
    return kExitBadInput;
  }
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  auto report = probe::run_probe(*opts, &g_stop);
  if (a.format == "json")
    std::cout << probe::to_json(report).dump(2) << "\n";
  else
    std::cout << probe::to_text(report);
  return kExitOk;
}

}  // namespace

void add_probe_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ProbeArgs>();
  auto* cmd = app.add_subcommand("probe",
                                 "Measure what clients of a cluster see: requests, gaps, sessions");
  cmd->add_option("--target", args->target,
                  "Service address host:port (loopback or a lab NAT gateway; a name with "
                  "--dns-server)");
  cmd->add_option("--lab", args->lab_dir, "Probe a running lab's cluster instead of --target");
  cmd->add_option("--cluster", args->cluster,
                  "With --lab: the cluster whose service address to probe");
  cmd->add_option("--dns-server", args->options.dns_server,
                  "ip:port of a DNS server: the target's host is a name resolved there for new "
                  "connections, honouring its TTL (set from lab.json for a DNS cluster)");
  cmd->add_option("--duration", args->options.duration_s, "Seconds to run")->default_val(10);
  cmd->add_option("--rate", args->options.rate, "Requests per second")->default_val(50);
  cmd->add_option("--sessions", args->options.sessions, "Sessions to hold open")->default_val(0);
  cmd->add_option("--timeout", args->options.request_timeout_s,
                  "Seconds before a request counts as timed out")
      ->default_val(1.0);
  cmd->add_option("--session-lifetime", args->options.session_lifetime_s,
                  "Ask the server for this session lifetime (model seconds)");
  cmd->add_option("--session-spread", args->options.session_spread_s,
                  "Open the sessions evenly over this many seconds instead of all at the start");
  cmd->add_option("--format", args->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace hitless::cli
