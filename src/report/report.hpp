#pragma once
// Upgrade report: what a run did (journal), what clients saw (probe JSON), what was predicted
// (simulation JSON) and whether data and versions came out right (`lab inspect` JSON before and
// after), as plain values with text, JSON and SVG forms. Reads files; no sockets. Pure otherwise.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "journal/journal.hpp"
#include "planner/plan.hpp"

namespace hitless::report {

enum class ReportErrc {
  kNotFound,  // an input file does not exist or cannot be read
  kBadInput,  // an input file is not what it should be (the message names file and field)
};

// Times on the report's clock: model seconds since the run's first intent. Model time is wall
// time divided by the plan's time scale, as the run's scheduler counts it; deriving it from wall
// time keeps a run resumed by another process (whose scheduler restarts at 0) on one axis.
struct StepSpan {
  std::string id;  // plan step id, or "undo:<id>" for a rollback step
  std::string verb;
  std::string title;
  std::string cluster;
  std::vector<std::string> targets;  // a cluster-wide step (approval) lists the cluster's nodes
  std::string package;               // params.package, when the step has one
  std::string traffic_to;            // params.to of a traffic switch
  int phase = 0;
  std::string state;  // journal::StepState as text
  int attempts = 0;
  double start_s = 0, end_s = 0;                          // report clock
  double start_wall = 0, end_wall = 0;                    // unix seconds (end 0 = no outcome yet)
  double journal_start_model = 0, journal_end_model = 0;  // the scheduler's own values
  std::string message;
};

struct ClientBucket {             // one wall second of the probe
  double start_s = 0, end_s = 0;  // report clock
  uint64_t ok = 0, failed = 0, sessions_open = 0;
};

struct ClientView {
  std::string target;
  double duration_s = 0;  // wall
  double start_unix = 0;
  double rate = 0;  // requests per wall second (requests / duration)
  uint64_t requests = 0, ok = 0, failed = 0;
  std::map<std::string, uint64_t> failures;
  double max_gap_ms = 0;  // wall
  uint64_t sessions_opened = 0, sessions_dropped = 0, sessions_completed = 0, session_failures = 0;
  std::map<std::string, uint64_t> answered_by;
  bool interrupted = false;
  // Model seconds. From the probe's outage (stretches from a failed request to the next
  // success, in wall time) when it reports one; older probe files: failed / rate. None when
  // the probe sent no requests.
  std::optional<double> downtime_s;
  std::optional<double> outage_ms;  // wall, as the probe reported it
  std::vector<ClientBucket> series;
};

struct PredictedSegment {
  double start_s = 0, end_s = 0;  // report clock (the simulation starts at the first intent)
  std::string state;              // serving | installing | rebooting | off | not-serving
  std::string version;
  bool holds_service = false;
};

struct Prediction {
  std::string strategy, outcome;
  double downtime_s = 0, makespan_s = 0, exposure_s = 0;
  std::map<std::string, std::vector<PredictedSegment>> nodes;
};

struct NodeSnapshot {
  std::string version, checksum, ha_role;
  bool owns_shared_ip = false;
};

struct NodeChange {
  std::string node;
  std::optional<NodeSnapshot> before, after;
  std::string data;  // "unchanged" | "CHANGED" | "unknown"
};

struct Report {
  std::string plan_hash, target_version;
  std::vector<std::string> clusters, strategies;
  double time_scale = 1;
  size_t plan_steps = 0;
  std::string run_state, run_message;
  std::vector<std::string> nodes;  // lane order: as the plan first names them
  std::vector<StepSpan> steps;     // steps with a journal record, by start
  double start_wall = 0;           // the first intent (unix seconds); 0 when nothing ran
  double makespan_s = 0;           // last outcome - first intent (model)
  double exposure_s = 0;           // ~ failover broken or a node of a pair down (model)
  std::optional<ClientView> clients;
  std::optional<Prediction> predicted;
  std::vector<NodeChange> changes;  // from the inspect JSON; empty when none given
  // What the run decided about configuration changed on a node during it (journal events:
  // paused on, carried over, discarded): a discard is never silent.
  std::vector<std::string> configuration_decisions;
  // Steps that acted another way than their title says, and why (journal "route" events, e.g.
  // seed 003's secondary powered off out of band because it did not answer): "STEP: why".
  std::vector<std::string> route_decisions;

  double wall_of(double report_s) const { return report_s * time_scale; }
  int steps_in_state(const std::string& state) const;
  bool data_changed() const;
};

// Already-read inputs; the *_file names go into error messages.
struct ReportInputs {
  plan::Plan plan;
  journal::RunRecord run;
  std::map<std::string, journal::StepRecord> steps;
  std::vector<journal::Event> events;
  std::optional<nlohmann::json> probe, simulation, before, after;
  std::string probe_file = "probe", simulation_file = "simulation", before_file = "before",
              after_file = "after";
};

Result<Report, ReportErrc> build_report(const ReportInputs& in);

struct ReportFiles {
  std::string journal;                           // required
  std::string probe, simulation, before, after;  // "" = not given
};
// Opens the journal (read only use), reads and parses the JSON files, then build_report.
Result<Report, ReportErrc> load_report(const ReportFiles& files);

nlohmann::json to_json(const Report& r);
std::string to_text(const Report& r);

}  // namespace hitless::report
