#pragma once
// NatTrafficSwitch: moves a cluster's clients by a NAT swing (seed 001, "NAT swing"): the
// cluster's chain in an nftables table holds one DNAT rule from the public address to the
// current node; a swing replaces it in one `nft -f` transaction (flush the chain, add the new
// rule), which applies all or nothing. Only new connections follow the rule; established ones
// keep their conntrack binding and end on the old node. `nft` runs through `ip netns exec` when
// the gateway lives in a network namespace. `nft` blocks (15-60 ms, bounded by kNftTimeoutS), so
// it runs on a worker thread (net::BlockingWorker) and the executor's thread keeps serving other
// steps; callbacks come back on the io_context's thread. Create and call on that thread.

#include <map>

#include "drivers/drivers.hpp"
#include "model/inventory.hpp"
#include "net/blocking_worker.hpp"

namespace hitless::drivers {

struct NatCluster {
  std::string netns, table, chain;
  std::string public_host;
  std::uint16_t public_port = 0;
  std::map<std::string, std::string> node_address;  // node -> host:port clients are sent to
};

class NatTrafficSwitch final : public TrafficSwitch {
 public:
  static Result<std::unique_ptr<NatTrafficSwitch>, DriverErrc> create(boost::asio::io_context& io,
                                                                      const Inventory& inventory);
  bool serves(const std::string& cluster) const { return clusters_.count(cluster) > 0; }

  void move_clients(const std::string& cluster, const std::string& from, const std::string& to,
                    const std::string& via, Callback<nlohmann::json> done) override;
  void check(const std::string& cluster, const std::string& via,
             Callback<nlohmann::json> done) override;

 private:
  explicit NatTrafficSwitch(boost::asio::io_context& io) : worker_(io) {}
  // Runs `nft` on the worker; `done` gets its output or error on the io_context's thread.
  void run_nft_async(const std::string& netns, std::vector<std::string> args, std::string script,
                     std::function<void(Result<std::string, DriverErrc>)> done);
  std::map<std::string, NatCluster> clusters_;
  net::BlockingWorker worker_;
};

// The nft script that points `c`'s public address at `target` (host:port), atomically.
std::string nat_swing_script(const NatCluster& c, const std::string& target);
// Runs `nft` with `args` (and `script` on stdin) inside `netns` ("" = here); errors name nft and
// its stderr.
Result<std::string, DriverErrc> run_nft(const std::string& netns,
                                        const std::vector<std::string>& args,
                                        const std::string& script);

}  // namespace hitless::drivers
