#include "cli/upgrade_context.hpp"

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <sstream>

#include "drivers/lab_drivers.hpp"
#include "net/async_http_client.hpp"

namespace hitless::cli {

Result<UpgradeContext, int> load_context(const std::string& inventory_path, std::string& error) {
  auto inv = load_inventory(inventory_path);
  if (!inv) {
    error = inv.message();
    return make_error(2, error);
  }
  std::ifstream key_in(inv->public_key_file);
  if (!key_in) {
    error = inventory_path + ": repository.public_key_file: cannot read " + inv->public_key_file;
    return make_error(2, error);
  }
  std::string key;
  std::getline(key_in, key);
  auto cat = catalog::Catalog::load(inv->repository_dir, key);
  if (!cat) {
    error = inventory_path + ": repository: " + cat.message();
    return make_error(2, error);
  }
  return UpgradeContext{std::move(*inv), std::move(*cat)};
}

ObservedState observe_all(const Inventory& inv, double api_timeout_s) {
  boost::asio::io_context io;
  net::AsyncHttpClient http(io);
  ObservedState state;
  auto driver = drivers::LabApplianceDriver::create(http, inv, api_timeout_s);
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
      (*driver)->observe(n.name, [&state, down](Result<ObservedNode, drivers::DriverErrc> r) mutable {
        if (r) {
          state.nodes[r->name] = *r;
        } else {
          down.error = r.message();
          state.nodes[down.name] = down;
        }
      });
    }
  io.run();
  return state;
}

}  // namespace hitless::cli
