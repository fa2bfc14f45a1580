// load_report: reads the journal and the JSON files named on the command line, with errors that
// name the file.
#include <fstream>
#include <sstream>

#include "report/report.hpp"

namespace hitless::report {
namespace {

Result<std::optional<nlohmann::json>, ReportErrc> read_json(const std::string& path,
                                                            const char* what) {
  if (path.empty()) return std::optional<nlohmann::json>{};
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(ReportErrc::kNotFound,
                      std::string("cannot read the ") + what + " file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded())
    return make_error(ReportErrc::kBadInput, path + ": not JSON (expected the " + what + ")");
  return std::optional<nlohmann::json>{std::move(j)};
}

}  // namespace

Result<Report, ReportErrc> load_report(const ReportFiles& f) {
  if (f.journal.empty()) return make_error(ReportErrc::kNotFound, "no journal given");
  auto j = journal::SqliteJournal::open(f.journal);
  if (!j) {
    const auto code =
        j.code() == journal::JournalErrc::kNotFound ? ReportErrc::kNotFound : ReportErrc::kBadInput;
    return make_error(code, j.message());
  }
  ReportInputs in;
  in.run = (*j)->run();
  auto p = plan::plan_from_json_text(in.run.plan_json, f.journal);
  if (!p)
    return make_error(ReportErrc::kBadInput,
                      f.journal + ": the plan in the journal: " + p.message());
  in.plan = std::move(*p);
  in.steps = (*j)->steps();
  in.events = (*j)->events();

  struct Slot {
    const std::string& path;
    const char* what;
    std::optional<nlohmann::json>& json;
    std::string& name;
  };
  for (Slot s :
       {Slot{f.probe, "probe report (hitless probe --format json)", in.probe, in.probe_file},
        Slot{f.simulation, "simulation (hitless simulate --format json)", in.simulation,
             in.simulation_file},
        Slot{f.before, "lab snapshot (hitless lab inspect --format json)", in.before,
             in.before_file},
        Slot{f.after, "lab snapshot (hitless lab inspect --format json)", in.after,
             in.after_file}}) {
    auto r = read_json(s.path, s.what);
    if (!r) return r.error();
    s.json = std::move(*r);
    s.name = s.path;
  }
  return build_report(in);
}

}  // namespace hitless::report
