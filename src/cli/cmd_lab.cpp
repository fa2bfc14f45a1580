// `hitless lab up|down|inspect|fault|power` (and the hidden `serve`, the daemon itself).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/lab_process.hpp"
#include "lab/daemon/lab_daemon.hpp"
#include "lab/daemon/lab_handle.hpp"
#include "lab/model/faults.hpp"

namespace hitless::cli {
namespace {

using nlohmann::json;

void print_inspect_table(const json& j) {
  std::printf("lab %s  t=%.1fs (model)  time scale %g\n", j.at("lab").get<std::string>().c_str(),
              j.at("time").get<double>(), j.at("time_scale").get<double>());
  for (const auto& c : j.at("clusters"))
    std::printf("cluster %-14s %-15s service %s\n", c.at("name").get<std::string>().c_str(),
                c.at("kind").get<std::string>().c_str(),
                c.at("service").get<std::string>().c_str());
  std::printf("%-12s %-9s %-8s %-5s %-10s %-11s %-7s %-4s %-4s %-8s %-4s %-5s %-12s %s\n", "NODE",
              "VERSION", "ROLE", "SLOT", "PHASE", "HA", "SERVING", "ACPT", "VIP", "SESSIONS",
              "DROP", "POWER", "CHECKSUM", "STAGED/FAULTS");
  for (const auto& n : j.at("nodes")) {
    std::string ha = n.at("ha").at("role").get<std::string>();
    if (ha != "none") ha += ":" + n.at("ha").at("peer").get<std::string>();
    std::string extra;
    // Seed 000 clusters: a disabled member, and each staged package's revision.
    if (n.contains("member") && n.at("member").value("cluster_member", false) &&
        !n.at("member").value("enabled", true))
      extra += "[disabled] ";
    for (const auto& s : n.at("staged"))
      extra += s.at("id").get<std::string>() +
               (s.contains("revision") ? "@" + s.at("revision").get<std::string>() : "") + " ";
    for (const auto& f : n.at("faults")) extra += "!" + f.get<std::string>() + " ";
    if (!n.at("install").at("error").get<std::string>().empty())
      extra += "(" + n.at("install").at("error").get<std::string>() + ")";
    std::printf(
        "%-12s %-9s %-8s %d/%d  %-10s %-11s %-7s %-4s %-4s %-8llu %-4llu %-5s %-12s %s\n",
        n.at("name").get<std::string>().c_str(), n.at("version").get<std::string>().c_str(),
        n.at("role").get<std::string>().c_str(), n.at("active_slot").get<int>(),
        n.at("alternate_slot").get<int>(), n.at("phase").get<std::string>().c_str(), ha.c_str(),
        n.at("serving").get<bool>() ? "yes" : "no", n.at("accepting").get<bool>() ? "yes" : "no",
        n.at("owns_shared_ip").get<bool>() ? "yes" : "-",
        static_cast<unsigned long long>(n.at("sessions").at("open").get<std::uint64_t>()),
        static_cast<unsigned long long>(n.at("sessions").at("dropped").get<std::uint64_t>()),
        n.at("power").get<std::string>().c_str(),
        n.at("data").at("checksum").get<std::string>().substr(0, 12).c_str(), extra.c_str());
  }
}

template <class Fn>
int with_lab(const std::string& dir, const char* what, Fn fn) {
  auto lab = lab::LabHandle::open(dir);
  if (!lab) {
    std::cerr << "hitless lab " << what << ": " << lab.message() << "\n";
    return kExitNotRunning;
  }
  return fn(*lab);
}

}  // namespace

void add_lab_commands(CLI::App& app, int& exit_code) {
  auto* lab = app.add_subcommand("lab", "Run the appliance emulator: a lab of emulated appliances");
  lab->require_subcommand(1);

  auto up = std::make_shared<LabUpOptions>();
  auto* cup =
      lab->add_subcommand("up", "Start a lab in the background and wait until every node answers");
  cup->add_option("spec", up->spec_path, "Lab definition (YAML), e.g. examples/pair.yaml")
      ->required();
  cup->add_option("--dir", up->dir,
                  "Directory for the lab's files (lab.json, inventory.yaml, secrets)")
      ->required();
  cup->add_option("--time-scale", up->time_scale,
                  "Wall seconds per model second (0.001: a 30 min install takes 1.8 s)");
  cup->add_option("--start-timeout", up->start_timeout_s,
                  "Seconds to wait for every node to answer");
  cup->callback([up, &exit_code] { exit_code = lab_up(*up); });

  auto dir_down = std::make_shared<std::string>();
  auto* cdown = lab->add_subcommand("down", "Stop the lab: no process and no bound port are left");
  cdown->add_option("--dir", *dir_down, "The lab's directory")->required();
  cdown->callback([dir_down, &exit_code] { exit_code = lab_down(*dir_down); });

  struct InspectArgs {
    std::string dir, format = "text";
  };
  auto ia = std::make_shared<InspectArgs>();
  auto* cins = lab->add_subcommand(
      "inspect", "Show every node: version, slots, role, HA, VIP, sessions, power, data");
  cins->add_option("--dir", ia->dir, "The lab's directory")->required();
  cins->add_option("--format", ia->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  cins->callback([ia, &exit_code] {
    exit_code = with_lab(ia->dir, "inspect", [&](const lab::LabHandle& h) {
      auto j = h.inspect();
      if (!j) {
        std::cerr << "hitless lab inspect: " << j.message() << "\n";
        return kExitFailed;
      }
      if (ia->format == "json")
        std::cout << j->dump(2) << "\n";
      else
        print_inspect_table(*j);
      return kExitOk;
    });
  });

  struct FaultArgs {
    std::string dir, node, kind;
  };
  auto fa = std::make_shared<FaultArgs>();
  auto* cf =
      lab->add_subcommand("fault", "Inject a fault into a node (" + lab::fault_names() + ")");
  cf->add_option("--dir", fa->dir, "The lab's directory")->required();
  cf->add_option("node", fa->node, "Node name")->required();
  cf->add_option("kind", fa->kind, "Fault kind")->required();
  cf->callback([fa, &exit_code] {
    if (fa->kind != "clear" && !lab::parse_fault(fa->kind)) {
      std::cerr << "hitless lab fault: unknown fault '" << fa->kind
                << "'; known: " << lab::fault_names() << "\n";
      exit_code = kExitBadInput;
      return;
    }
    exit_code = with_lab(fa->dir, "fault", [&](const lab::LabHandle& h) {
      auto r = h.fault(fa->node, fa->kind);
      if (!r) {
        std::cerr << "hitless lab fault: " << r.message() << "\n";
        return r.code() == lab::LabErrc::kRejected ? kExitBadInput : kExitFailed;
      }
      std::cout << fa->node << ": faults now " << r->at("faults").dump() << "\n";
      return kExitOk;
    });
  });

  struct PowerArgs {
    std::string dir, node, state;
  };
  auto pa = std::make_shared<PowerArgs>();
  auto* cp = lab->add_subcommand("power",
                                 "Pull or restore a node's power (as a person at the rack would)");
  cp->add_option("--dir", pa->dir, "The lab's directory")->required();
  cp->add_option("node", pa->node, "Node name")->required();
  cp->add_option("state", pa->state, "on or off")->required()->check(CLI::IsMember({"on", "off"}));
  cp->callback([pa, &exit_code] {
    exit_code = with_lab(pa->dir, "power", [&](const lab::LabHandle& h) {
      auto r = h.power(pa->node, pa->state == "on");
      if (!r) {
        std::cerr << "hitless lab power: " << r.message() << "\n";
        return r.code() == lab::LabErrc::kRejected ? kExitBadInput : kExitFailed;
      }
      std::cout << pa->node << ": power " << pa->state << "\n";
      return kExitOk;
    });
  });

  auto sv = std::make_shared<lab::DaemonOptions>();
  auto* cs =
      lab->add_subcommand("serve", "Run the lab daemon in the foreground (used by `lab up`)");
  cs->group("");  // hidden
  cs->add_option("--dir", sv->dir)->required();
  cs->add_option("--spec", sv->spec_path)->required();
  cs->add_option("--time-scale", sv->time_scale);
  cs->callback([sv, &exit_code] { exit_code = lab::run_lab_daemon(*sv); });
}

}  // namespace hitless::cli
