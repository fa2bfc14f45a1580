#include "drivers/nat_switch.hpp"

#include <chrono>

#include "drivers/dns_switch.hpp"
#include "net/child_process.hpp"

namespace hitless::drivers {
namespace {

constexpr double kNftTimeoutS = 10;  // nft answers in ~15 ms; this only bounds a hung one

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string nat_swing_script(const NatCluster& c, const std::string& target) {
  return "flush chain ip " + c.table + " " + c.chain + "\n" + "add rule ip " + c.table + " " +
         c.chain + " ip daddr " + c.public_host + " tcp dport " + std::to_string(c.public_port) +
         " dnat to " + target + "\n";
}

Result<std::string, DriverErrc> run_nft(const std::string& netns,
                                        const std::vector<std::string>& args,
                                        const std::string& script) {
  std::vector<std::string> argv;
  if (!netns.empty()) argv = {"ip", "netns", "exec", netns};
  argv.push_back("nft");
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = net::run_command(argv, script, kNftTimeoutS);
  const std::string where = netns.empty() ? "nft" : "nft (in netns " + netns + ")";
  if (!r)
    return make_error(r.code() == net::ProcessErrc::kTimeout ? DriverErrc::kUnreachable
                                                             : DriverErrc::kUnsupported,
                      where + ": " + r.message());
  if (r->exit_code != 0)
    return make_error(DriverErrc::kRejected, where + " exited with " +
                                                 std::to_string(r->exit_code) + ": " +
                                                 trimmed(r->err.empty() ? r->out : r->err));
  return r->out;
}

Result<std::unique_ptr<NatTrafficSwitch>, DriverErrc> NatTrafficSwitch::create(
    boost::asio::io_context& io, const Inventory& inv) {
  std::unique_ptr<NatTrafficSwitch> s(new NatTrafficSwitch(io));
  for (const auto& c : inv.clusters) {
    if (c.traffic_kind != "nat" || !c.nat) continue;
    NatCluster n{c.nat->netns, c.nat->table, c.nat->chain, "", 0, {}};
    if (!split_host_port(c.service, n.public_host, n.public_port))
      return make_error(DriverErrc::kProtocol, inv.file + ": clusters[" + c.name +
                                                   "].traffic.service: '" + c.service +
                                                   "' is not host:port");
    for (const auto& node : c.nodes) n.node_address[node.name] = node.address;
    s->clusters_[c.name] = std::move(n);
  }
  return s;
}

void NatTrafficSwitch::run_nft_async(const std::string& netns, std::vector<std::string> args,
                                     std::string script,
                                     std::function<void(Result<std::string, DriverErrc>)> done) {
  auto outcome = std::make_shared<Result<std::string, DriverErrc>>(std::string());
  worker_.run([outcome, netns, args = std::move(args),
               script = std::move(script)] { *outcome = run_nft(netns, args, script); },
              // run_command's own timeout ends a hung nft first; this only guards the worker.
              kNftTimeoutS + 5,
              [outcome, netns, done = std::move(done)](bool returned) {
                if (!returned)
                  return done(make_error(
                      DriverErrc::kUnreachable,
                      std::string(netns.empty() ? "nft" : "nft (in netns " + netns + ")") +
                          " did not return within " +
                          std::to_string(static_cast<int>(kNftTimeoutS + 5)) + " s"));
                done(std::move(*outcome));
              });
}

void NatTrafficSwitch::move_clients(const std::string& cluster, const std::string& from,
                                    const std::string& to, const std::string& via,
                                    Callback<nlohmann::json> done) {
  auto it = clusters_.find(cluster);
  if (via != "nat" || it == clusters_.end())
    return done(make_error(DriverErrc::kUnsupported,
                           "cluster " + cluster + ": no NAT rule is configured for it"));
  const NatCluster& c = it->second;
  auto target = c.node_address.find(to);
  if (target == c.node_address.end())
    return done(make_error(DriverErrc::kUnsupported, "cluster " + cluster + " has no node " + to));
  const std::string what = "NAT swing of " + c.public_host + ":" + std::to_string(c.public_port) +
                           " from " + from + " to " + to;
  const std::string public_address = c.public_host + ":" + std::to_string(c.public_port);
  const auto t0 = std::chrono::steady_clock::now();
  run_nft_async(
      c.netns, {"-f", "-"}, nat_swing_script(c, target->second),
      [what, public_address, target = target->second, t0,
       done = std::move(done)](Result<std::string, DriverErrc> r) {
        if (!r) return done(make_error(r.code(), what + ": " + r.message()));
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        done(nlohmann::json{
            {"via", "nat"}, {"public", public_address}, {"target", target}, {"nft_ms", ms}});
      });
}

void NatTrafficSwitch::check(const std::string& cluster, const std::string& via,
                             Callback<nlohmann::json> done) {
  auto it = clusters_.find(cluster);
  if (via != "nat" || it == clusters_.end())
    return done(make_error(DriverErrc::kUnsupported,
                           "cluster " + cluster + ": no NAT rule is configured for it"));
  const NatCluster& c = it->second;
  run_nft_async(c.netns, {"list", "chain", "ip", c.table, c.chain}, "",
                [cluster, chain = c.table + " " + c.chain,
                 done = std::move(done)](Result<std::string, DriverErrc> r) {
                  if (!r)
                    return done(make_error(r.code(), "cluster " + cluster + ": " + r.message()));
                  done(nlohmann::json{{"via", "nat"}, {"chain", chain}});
                });
}

}  // namespace hitless::drivers
