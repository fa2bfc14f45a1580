#include "cli/upgrade_context.hpp"

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "drivers/command/command_driver.hpp"
#include "drivers/driver_set.hpp"
#include "drivers/migration_checks.hpp"
#include "drivers/traffic_checks.hpp"
#include "executor/verbs/action_kinds.hpp"
#include "net/async_http_client.hpp"
#include "planner/policy_checks.hpp"

namespace hitless::cli {

Result<UpgradeContext, int> load_context(const std::string& inventory_path, std::string& error,
                                         bool allow_expired_catalog, bool read_bundles) {
  auto inv = load_inventory(inventory_path);
  if (!inv) {
    error = inv.message();
    return make_error(2, error);
  }
  catalog::TrustOptions trust;
  trust.anchor_file = inv->public_key_file;  // the pinned root of trust
  trust.now = std::chrono::duration_cast<std::chrono::seconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  trust.allow_expired = allow_expired_catalog;
  auto cat = catalog::Catalog::load(inv->repository_dir, trust);
  if (!cat) {
    error = inventory_path + ": repository: " + cat.message();
    return make_error(2, error);
  }
  for (const auto& w : cat->warnings()) std::cerr << "hitless: WARNING: " << w << "\n";
  // Every node's driver must exist before anything is contacted.
  if (auto why = drivers::unavailable_driver(*inv); !why.empty()) {
    error = why;
    return make_error(2, error);
  }
  // A DNS cluster's TSIG key must be there and private before a plan is made.
  if (auto why = drivers::traffic_problem(*inv); !why.empty()) {
    error = why;
    return make_error(2, error);
  }
  // A migration's passphrase file likewise: a file others can read is refused before planning.
  if (auto why = drivers::migration_problem(*inv); !why.empty()) {
    error = why;
    return make_error(2, error);
  }
  // Credentials and vendor profiles are read now (no node is contacted): a token file others
  // can read, or a profile that does not load, stops the command before it observes anything.
  {
    boost::asio::io_context io;
    net::AsyncHttpClient http(io);
    if (auto d = drivers::DriverSet::create(http, *inv, 5); !d) {
      error = d.message();
      return make_error(2, error);
    }
  }
  UpgradeContext ctx{std::move(*inv), std::move(*cat), {}};
  for (const auto& c : ctx.inventory.clusters)
    for (const auto& n : c.nodes) {
      if (n.bundle.empty() || !read_bundles) continue;
      const std::string where =
          inventory_path + ":" + std::to_string(n.line) + ": node " + n.name + ": bundle: ";
      std::ifstream in(n.bundle, std::ios::binary);
      if (!in) {
        error = where + "cannot read " + n.bundle;
        return make_error(2, error);
      }
      const std::string bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      auto b = catalog::check_bundle(bytes, n.bundle, ctx.catalog, trust.now);
      if (!b) {
        error = where + b.message();
        return make_error(2, error);
      }
      ctx.bundles.emplace(n.name, std::move(*b));
    }
  return ctx;
}

bool check_policy_flags(const std::vector<std::string>& flags, std::string& error) {
  auto p = apply_cli_overrides(Policy{}, flags);
  if (!p) error = p.message();
  return p.ok();
}

bool apply_policy_flags(UpgradeContext& ctx, const std::vector<std::string>& flags,
                        const std::vector<std::string>& clusters, std::string& error) {
  Inventory& inv = ctx.inventory;
  const auto merge = [&](Policy& p) {
    auto merged = apply_cli_overrides(p, flags);
    if (!merged)
      error = merged.message();
    else
      p = std::move(*merged);
    return merged.ok();
  };
  if (!merge(inv.policy)) return false;
  for (InventoryCluster& c : inv.clusters)
    if (!merge(c.policy)) return false;
  if (auto s = plan::check_policies(inv, clusters); !s) {
    error = inv.file + ": " + s.message();
    return false;
  }
  return true;
}

std::string actions_missing_from_profiles(const plan::Plan& plan, const Inventory& inv) {
  auto profiles = drivers::load_node_profiles(inv);
  if (!profiles) return profiles.message();
  if (profiles->empty()) return "";
  const auto missing =
      exec::missing_appliance_action(plan, [&](const std::string& node, const std::string& kind) {
        auto it = profiles->find(node);
        return it == profiles->end() || it->second->find(kind) != nullptr;
      });
  if (!missing) return "";
  const auto& profile = *profiles->at(missing->node);
  return "step " + missing->step + " (verb " + missing->verb + ") needs action '" + missing->kind +
         "' on " + missing->node + ", which its vendor profile " + profile.name + " (" +
         profile.file + ") does not define";
}

ObservedState observe_all(const Inventory& inv, double api_timeout_s) {
  boost::asio::io_context io;
  net::AsyncHttpClient http(io);
  ObservedState state;
  auto driver = drivers::DriverSet::create(http, inv, api_timeout_s);
  for (const auto& c : inv.clusters)
    for (const auto& n : c.nodes) {
      ObservedNode down;
      down.name = n.name;
      down.reachable = false;
      if (!driver) {
        down.error = driver.message();
        state.nodes[n.name] = down;
        continue;
      }
      (*driver)->observe(n.name,
                         [&state, down](Result<ObservedNode, drivers::DriverErrc> r) mutable {
                           if (r) {
                             std::string name = r->name;
                             state.nodes[name] = std::move(*r);
                           } else {
                             down.error = r.message();
                             state.nodes[down.name] = down;
                           }
                         });
    }
  io.run();
  return state;
}

Result<nlohmann::json, std::string> perform_once(const Inventory& inv, const std::string& node,
                                                 const std::string& kind,
                                                 const nlohmann::json& params,
                                                 double api_timeout_s) {
  boost::asio::io_context io;
  net::AsyncHttpClient http(io);
  auto driver = drivers::DriverSet::create(http, inv, api_timeout_s);
  if (!driver) return make_error(std::string(), driver.message());
  Result<nlohmann::json, std::string> out = make_error(std::string(), std::string("no answer"));
  (*driver)->drivers().appliance->perform(node, drivers::Action{kind, params},
                                          [&out](Result<nlohmann::json, drivers::DriverErrc> r) {
                                            if (r)
                                              out = std::move(*r);
                                            else
                                              out = make_error(std::string(), r.message());
                                          });
  io.run();
  return out;
}

}  // namespace hitless::cli
