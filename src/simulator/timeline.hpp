#pragma once
// Timelines of a run, predicted (simulator) or measured (apply): what each node did when, and
// which steps ran when. Plain values; JSON for reports.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hitless::sim {

struct Segment {
  double start = 0;
  double end = 0;
  std::string state;  // serving | installing | rebooting | off | not-serving
  std::string version;
  bool holds_service = false;  // the node held the cluster's shared IP
};

struct NodeTimeline {
  std::string node;
  std::string cluster;
  std::vector<Segment> segments;
};

struct StepSpan {
  std::string id;
  std::string verb;
  std::string title;
  std::vector<std::string> targets;
  double start = 0;
  double end = 0;
  std::string state;  // succeeded | failed | ...
};

nlohmann::json to_json(const NodeTimeline& t);
nlohmann::json to_json(const StepSpan& s);

}  // namespace hitless::sim
