#pragma once
// The simulator: runs a plan with the real executor on a virtual clock against in-process
// emulated appliances (the lab's own node model, built from the inventory's timing profiles and
// the observed state), and reports predicted downtime (no node serving the cluster's clients),
// makespan, exposure (time without failover protection) and a per-node timeline.
// Deterministic; no I/O. Single-threaded.

#include <map>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "model/inventory.hpp"
#include "planner/plan.hpp"
#include "simulator/timeline.hpp"

namespace hitless::sim {

struct SimOptions {
  double poll_interval_s = 0;  // 0: as a real run at the plan's time scale polls
  double max_time_s = 14 * 24 * 3600.0;
  // Atlas clusters: new clients per second arriving at each region's service address (each
  // reaches an accepting traffic node of its region; sessions last the node's session
  // lifetime). 0: no clients.
  double clients_per_region_per_s = 0;
  // Faults in force from the start, node -> fault name (`hitless lab fault` names).
  std::map<std::string, std::string> faults;
};

// Per Atlas region ("cluster/region"): what its clients saw.
struct RegionFigures {
  double no_accepting_s = 0;  // time with no traffic node of the region serving and accepting
  int min_accepting = -1;     // fewest traffic nodes serving and accepting at any moment
  long clients_served = 0;    // sessions opened
  long clients_refused = 0;   // arrivals that found no accepting node
  long sessions_dropped = 0;  // sessions cut by an install or reboot
};

struct SimulationResult {
  std::string strategies;  // comma-separated, per cluster
  std::string outcome;     // completed | failed | ...
  std::string message;
  double downtime_s = 0;
  double makespan_s = 0;
  double exposure_s = 0;
  // Per cluster: time its service address answered nobody. Where the address is one role's
  // shared IP (an SPS pair beside search nodes, S13), that role's outage counts even while other
  // nodes of the cluster serve their own clients.
  std::map<std::string, double> downtime_by_cluster;
  // Per cluster: time no node of it served anyone (search nodes included). Differs from
  // downtime_by_cluster only for clusters whose service address is one role's.
  std::map<std::string, double> no_node_serving_by_cluster;
  // The fewest members serving clients at once (behind a load balancer: that it sends new
  // clients to), and how many members each cluster has.
  std::map<std::string, int> min_serving_by_cluster;
  std::map<std::string, int> members_by_cluster;
  std::map<std::string, RegionFigures> regions;  // Atlas clusters only
  std::vector<NodeTimeline> nodes;
  std::vector<StepSpan> steps;
};

enum class SimErrc { kBadInput };

Result<SimulationResult, SimErrc> simulate(const plan::Plan& plan, const Inventory& inventory,
                                           const catalog::Catalog& catalog,
                                           const SimOptions& options = {});
nlohmann::json to_json(const SimulationResult& r);

}  // namespace hitless::sim
