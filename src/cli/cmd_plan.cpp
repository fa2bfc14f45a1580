// `hitless plan` and `hitless simulate`: what will happen, and what it will cost.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/stage_timer.hpp"
#include "cli/upgrade_context.hpp"
#include "common/durations.hpp"
#include "planner/planner.hpp"
#include "simulator/simulator.hpp"

namespace hitless::cli {
namespace {

struct PlanArgs {
  std::string inventory, target, format = "text", output;  // target "": the planner decides
  std::vector<std::string> strategies, clusters, policy;
  bool allow_expired_catalog = false;
};

// Everything that needs no node: flags, inventory, catalog, policy against cluster sizes.
Result<UpgradeContext, int> prepare(const PlanArgs& a, const char* cmd) {
  std::string error;
  if (!check_policy_flags(a.policy, error)) {
    std::cerr << "hitless " << cmd << ": " << error << "\n";
    return make_error(kExitBadInput, error);
  }
  auto ctx = load_context(a.inventory, error, a.allow_expired_catalog);
  if (ctx && apply_policy_flags(*ctx, a.policy, a.clusters, error)) return ctx;
  std::cerr << "hitless " << cmd << ": " << error << "\n";
  return make_error(kExitBadInput, error);
}

Result<plan::Plan, int> make(const PlanArgs& a, const std::string& strategy, UpgradeContext& ctx,
                             const ObservedState& observed, const char* cmd) {
  plan::PlanRequest rq;
  rq.inventory = &ctx.inventory;
  rq.observed = &observed;
  rq.catalog = &ctx.catalog;
  rq.bundles = &ctx.bundles;
  rq.target = a.target;
  rq.strategy = strategy;
  rq.clusters = a.clusters;
  auto p = plan::make_plan(rq);
  if (!p) {
    std::cerr << "hitless " << cmd << ": " << p.message() << "\n";
    return make_error(kExitBadInput, p.message());
  }
  // Refused now, not half-way through the run: a verb a node's vendor profile cannot carry out.
  if (auto why = actions_missing_from_profiles(*p, ctx.inventory); !why.empty()) {
    std::cerr << "hitless " << cmd << ": " << why << "\n";
    return make_error(kExitBadInput, why);
  }
  return std::move(*p);
}

int run_plan(const PlanArgs& a) {
  StageTimer timer("plan");
  auto ctx = prepare(a, "plan");
  if (!ctx) return ctx.code();
  timer.mark("load");
  const ObservedState observed = observe_all(ctx->inventory);
  timer.mark("observe");
  auto p = make(a, a.strategies.empty() ? "" : a.strategies.front(), *ctx, observed, "plan");
  if (!p) return p.code();
  timer.mark("make_plan");
  const std::string hash = plan::plan_hash(*p);  // once, for the file and the text
  std::string json_text;                         // written once, for the file and for --format json
  if (!a.output.empty() || a.format == "json") json_text = plan::to_file_text(*p, hash);
  timer.mark("json");
  if (!a.output.empty()) {
    std::ofstream out(a.output + ".tmp");
    out << json_text << "\n";
    out.close();
    if (!out || std::rename((a.output + ".tmp").c_str(), a.output.c_str()) != 0) {
      std::cerr << "hitless plan: cannot write " << a.output << "\n";
      return kExitFailed;
    }
  }
  if (a.format == "json")
    std::cout << json_text << "\n";
  else if (a.format == "dot")
    std::cout << plan::to_dot(*p);
  else
    std::cout << plan::to_text(*p, hash);
  timer.mark("print");
  if (!a.output.empty() && a.format != "json")
    std::cout << "\nplan written to " << a.output << "; review it, then: hitless apply " << a.output
              << "\n";
  return kExitOk;
}

int run_simulate(const PlanArgs& a) {
  auto ctx = prepare(a, "simulate");
  if (!ctx) return ctx.code();
  const ObservedState observed = observe_all(ctx->inventory);
  std::vector<std::string> strategies =
      a.strategies.empty() ? std::vector<std::string>{""} : a.strategies;
  nlohmann::json all = nlohmann::json::array();
  std::vector<sim::SimulationResult> results;
  for (const auto& s : strategies) {
    auto p = make(a, s, *ctx, observed, "simulate");
    if (!p) return p.code();
    auto r = sim::simulate(*p, ctx->inventory, ctx->catalog);
    if (!r) {
      std::cerr << "hitless simulate: " << r.message() << "\n";
      return kExitBadInput;
    }
    auto j = sim::to_json(*r);
    j["target_version"] = p->target_version;
    j["time_scale"] = p->time_scale;
    j["estimated_makespan_s"] = p->estimated_makespan_s();
    all.push_back(j);
    results.push_back(std::move(*r));
  }
  if (a.format == "json") {
    std::cout << (all.size() == 1 ? all[0] : nlohmann::json{{"comparison", all}}).dump(2) << "\n";
  } else {
    std::printf("%-14s %-10s %12s %12s %12s  %s\n", "strategy", "outcome", "downtime", "makespan",
                "exposure", "min serving");
    for (const auto& r : results) {
      std::string serving;
      for (const auto& [cluster, n] : r.min_serving_by_cluster)
        serving += (serving.empty() ? "" : ", ") + cluster + " " + std::to_string(n) + "/" +
                   std::to_string(
                       r.members_by_cluster.count(cluster) ? r.members_by_cluster.at(cluster) : 0);
      std::printf("%-14s %-10s %12s %12s %12s  %s\n", r.strategies.c_str(), r.outcome.c_str(),
                  format_duration(r.downtime_s).c_str(), format_duration(r.makespan_s).c_str(),
                  format_duration(r.exposure_s).c_str(), serving.c_str());
      // Both figures where they differ: the address (one role's shared IP) was down while other
      // nodes of the cluster (search roles, S13) still served their own clients.
      for (const auto& [cluster, none] : r.no_node_serving_by_cluster) {
        const auto down = r.downtime_by_cluster.find(cluster);
        const double address = down == r.downtime_by_cluster.end() ? 0 : down->second;
        if (std::abs(address - none) < 0.5) continue;
        std::printf("  %s: service address down %s; no node of the cluster serving %s\n",
                    cluster.c_str(), format_duration(address).c_str(),
                    format_duration(none).c_str());
      }
    }
    std::printf(
        "(model time; downtime: no node serving the cluster's clients; exposure: no failover "
        "protection; min serving: fewest members clients could reach at once)\n");
  }
  if (!a.output.empty())
    std::ofstream(a.output)
        << (all.size() == 1 ? all[0] : nlohmann::json{{"comparison", all}}).dump(2) << "\n";
  return kExitOk;
}

void common_options(CLI::App* c, PlanArgs& a) {
  c->add_option("-i,--inventory", a.inventory,
                "Inventory (YAML), e.g. DIR/inventory.yaml from `hitless lab up`")
      ->required();
  c->add_option("--to", a.target,
                "Target version, or 'latest'; required except for a hardware migration, which "
                "installs the old box's own version");
  c->add_option("--cluster", a.clusters, "Only these clusters (default: all)");
  c->add_option("--policy", a.policy,
                "KEY=VALUE over the inventory's policy for every cluster, repeatable "
                "(docs/inventory-format.md), "
                "e.g. --policy max_unavailable=2 --policy capacity_floor=50%")
      ->allow_extra_args(false);
  c->add_flag("--allow-expired-catalog", a.allow_expired_catalog,
              "Use an expired package catalog (air-gapped sites); logged as a warning");
}

}  // namespace

void add_plan_commands(CLI::App& app, int& exit_code) {
  auto pa = std::make_shared<PlanArgs>();
  auto* plan = app.add_subcommand(
      "plan", "Make a reviewed, content-hashed upgrade plan from what the nodes report");
  common_options(plan, *pa);
  plan->add_option("--strategy", pa->strategies,
                   "synchronous | asynchronous | single (default: per cluster kind)")
      ->expected(1);
  plan->add_option("--format", pa->format, "text, json or dot")
      ->check(CLI::IsMember({"text", "json", "dot"}));
  plan->add_option("-o,--output", pa->output,
                   "Write the plan (JSON) to this file for `hitless apply`");
  plan->callback([pa, &exit_code] { exit_code = run_plan(*pa); });

  auto sa = std::make_shared<PlanArgs>();
  auto* sim = app.add_subcommand(
      "simulate", "Predict downtime, makespan and exposure on a virtual clock; compare strategies");
  common_options(sim, *sa);
  sim->add_option("--strategy", sa->strategies, "One or more strategies to compare");
  sim->add_option("--format", sa->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  sim->add_option("-o,--output", sa->output, "Also write the JSON result to this file");
  sim->callback([sa, &exit_code] { exit_code = run_simulate(*sa); });
}

}  // namespace hitless::cli
