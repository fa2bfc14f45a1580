// `hitless report`: what a run did, what clients saw and what was predicted, as text, JSON or SVG.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "report/report.hpp"
#include "report/svg_timeline.hpp"

namespace hitless::cli {
namespace {

struct ReportArgs {
  report::ReportFiles files;
  std::string svg, format = "text";
};

int run(const ReportArgs& a) {
  auto r = report::load_report(a.files);
  if (!r) {
    std::cerr << "hitless report: " << r.message() << "\n";
    return kExitBadInput;
  }
  if (!a.svg.empty()) {
    const std::string tmp = a.svg + ".tmp";
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << report::to_svg(*r);
    out.close();
    if (!out || std::rename(tmp.c_str(), a.svg.c_str()) != 0) {
      std::remove(tmp.c_str());
      std::cerr << "hitless report: cannot write " << a.svg << "\n";
      return kExitFailed;
    }
  }
  if (a.format == "json")
    std::cout << report::to_json(*r).dump(2) << "\n";
  else
    std::cout << report::to_text(*r);
  if (!a.svg.empty() && a.format != "json") std::cout << "\ntimeline picture: " << a.svg << "\n";
  return kExitOk;
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand(
      "report",
      "Report a run: timeline per node, client impact, predicted vs measured, data checks");
  cmd->add_option("--journal", a->files.journal, "The run's journal")->required();
  cmd->add_option("--probe", a->files.probe,
                  "Probe report taken during the run (hitless probe --format json)");
  cmd->add_option("--simulation", a->files.simulation,
                  "Prediction (hitless simulate --format json)");
  cmd->add_option("--before", a->files.before,
                  "Lab snapshot before the run (hitless lab inspect --format json)");
  cmd->add_option("--after", a->files.after, "Lab snapshot after the run");
  cmd->add_option("--svg", a->svg, "Also draw the timeline to this SVG file");
  cmd->add_option("--format", a->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([a, &exit_code] { exit_code = run(*a); });
}

}  // namespace hitless::cli
