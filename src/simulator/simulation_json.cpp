// A simulation's result as JSON (`hitless simulate --format json`; the report reads it back).
#include "simulator/simulator.hpp"

namespace hitless::sim {

nlohmann::json to_json(const NodeTimeline& t) {
  nlohmann::json segs = nlohmann::json::array();
  for (const auto& s : t.segments)
    segs.push_back({{"start_s", s.start},
                    {"end_s", s.end},
                    {"state", s.state},
                    {"version", s.version},
                    {"holds_service", s.holds_service}});
  return {{"node", t.node}, {"cluster", t.cluster}, {"segments", segs}};
}

nlohmann::json to_json(const StepSpan& s) {
  return {{"id", s.id},         {"verb", s.verb}, {"title", s.title}, {"targets", s.targets},
          {"start_s", s.start}, {"end_s", s.end}, {"state", s.state}};
}

namespace {

nlohmann::json regions_json(const std::map<std::string, RegionFigures>& regions) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, f] : regions)
    out[key] = {{"no_accepting_s", f.no_accepting_s},
                {"min_accepting", f.min_accepting},
                {"clients_served", f.clients_served},
                {"clients_refused", f.clients_refused},
                {"sessions_dropped", f.sessions_dropped}};
  return out;
}

}  // namespace

nlohmann::json to_json(const SimulationResult& r) {
  nlohmann::json nodes = nlohmann::json::array(), steps = nlohmann::json::array();
  for (const auto& t : r.nodes) nodes.push_back(to_json(t));
  for (const auto& s : r.steps) steps.push_back(to_json(s));
  return {{"strategy", r.strategies},
          {"outcome", r.outcome},
          {"message", r.message},
          {"downtime_s", r.downtime_s},
          {"makespan_s", r.makespan_s},
          {"exposure_s", r.exposure_s},
          {"downtime_by_cluster", r.downtime_by_cluster},
          {"no_node_serving_by_cluster", r.no_node_serving_by_cluster},
          {"min_serving_by_cluster", r.min_serving_by_cluster},
          {"members_by_cluster", r.members_by_cluster},
          {"regions", regions_json(r.regions)},
          {"timeline", nodes},
          {"steps", steps}};
}

}  // namespace hitless::sim
