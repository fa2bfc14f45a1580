#include "drivers/dns_switch.hpp"

#include <chrono>

namespace hitless::drivers {
namespace {

// The longest an ldns call to `s` can take (every attempt timing out), and a margin.
double worst_case_s(const net::DnsServer& s) { return s.timeout_s * s.attempts + 1; }

}  // namespace

bool split_host_port(const std::string& address, std::string& host, std::uint16_t& port) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  try {
    const int p = std::stoi(address.substr(colon + 1));
    if (p <= 0 || p > 65535) return false;
    host = address.substr(0, colon);
    port = static_cast<std::uint16_t>(p);
    return true;
  } catch (...) {
    return false;
  }
}

Result<std::unique_ptr<DnsTrafficSwitch>, DriverErrc> DnsTrafficSwitch::create(
    boost::asio::io_context& io, const Inventory& inv) {
  std::unique_ptr<DnsTrafficSwitch> s(new DnsTrafficSwitch(io));
  for (const auto& c : inv.clusters) {
    if (c.traffic_kind != "dns" || !c.dns) continue;
    const std::string where =
        inv.file + ":" + std::to_string(c.dns->line) + ": clusters[" + c.name + "].traffic.dns";
    DnsCluster d;
    if (!split_host_port(c.dns->server, d.server.host, d.server.port))
      return make_error(DriverErrc::kProtocol,
                        where + ".server: '" + c.dns->server + "' is not host:port");
    d.zone = c.dns->zone;
    d.record = c.dns->record;
    d.key_file = c.dns->key_file;
    d.ttl = static_cast<std::uint32_t>(c.dns->ttl_s);
    for (const auto& n : c.nodes) {
      std::string host;
      std::uint16_t port = 0;
      if (!split_host_port(n.address, host, port))
        return make_error(DriverErrc::kProtocol,
                          "node " + n.name + ": address '" + n.address + "' is not host:port");
      d.node_address[n.name] = host;
    }
    s->clusters_[c.name] = std::move(d);
  }
  return s;
}

void DnsTrafficSwitch::move_clients(const std::string& cluster, const std::string& from,
                                    const std::string& to, const std::string& via,
                                    Callback<nlohmann::json> done) {
  auto it = clusters_.find(cluster);
  if (via != "dns" || it == clusters_.end())
    return done(make_error(DriverErrc::kUnsupported,
                           "cluster " + cluster + ": no DNS record is configured for it"));
  const DnsCluster& d = it->second;
  auto addr = d.node_address.find(to);
  if (addr == d.node_address.end())
    return done(make_error(DriverErrc::kUnsupported,
                           "cluster " + cluster + " has no node " + to + " for its DNS record"));
  auto key = net::read_tsig_key_file(d.key_file);
  if (!key) return done(make_error(DriverErrc::kRejected, key.message()));
  const std::string what = "DNS swing of " + d.record + " from " + from + " to " + to;
  auto outcome = std::make_shared<Status<net::DnsErrc>>(Unit{});
  auto took_ms = std::make_shared<double>(0);
  worker_.run(
      [outcome, took_ms, d, key = *key, address = addr->second] {
        const auto t0 = std::chrono::steady_clock::now();
        *outcome = net::replace_a_record(d.server, key, d.zone, d.record, d.ttl, address);
        *took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                       .count();
      },
      worst_case_s(d.server),
      [outcome, took_ms, what, d, address = addr->second, done = std::move(done)](bool returned) {
        if (!returned)
          return done(make_error(DriverErrc::kUnreachable,
                                 what + ": " + d.server.str() + " did not answer within " +
                                     std::to_string(static_cast<int>(worst_case_s(d.server))) +
                                     " s"));
        if (!*outcome)
          return done(make_error(outcome->code() == net::DnsErrc::kUnreachable
                                     ? DriverErrc::kUnreachable
                                     : DriverErrc::kRejected,
                                 what + ": " + outcome->message()));
        done(nlohmann::json{{"via", "dns"},
                            {"record", d.record},
                            {"address", address},
                            {"ttl_s", d.ttl},
                            {"server", d.server.str()},
                            {"update_ms", *took_ms}});
      });
}

void DnsTrafficSwitch::check(const std::string& cluster, const std::string& via,
                             Callback<nlohmann::json> done) {
  auto it = clusters_.find(cluster);
  if (via != "dns" || it == clusters_.end())
    return done(make_error(DriverErrc::kUnsupported,
                           "cluster " + cluster + ": no DNS record is configured for it"));
  const DnsCluster& d = it->second;
  auto key = net::read_tsig_key_file(d.key_file);
  if (!key) return done(make_error(DriverErrc::kRejected, key.message()));
  auto outcome = std::make_shared<Status<net::DnsErrc>>(Unit{});
  worker_.run(
      [outcome, d, key = *key] { *outcome = net::check_update_allowed(d.server, key, d.zone); },
      worst_case_s(d.server),
      [outcome, cluster, d, done = std::move(done)](bool returned) {
        if (!returned)
          return done(make_error(
              DriverErrc::kUnreachable,
              "cluster " + cluster + ": DNS server " + d.server.str() + " did not answer within " +
                  std::to_string(static_cast<int>(worst_case_s(d.server))) + " s"));
        if (!*outcome)
          return done(make_error(outcome->code() == net::DnsErrc::kUnreachable
                                     ? DriverErrc::kUnreachable
                                     : DriverErrc::kRejected,
                                 "cluster " + cluster + ": " + outcome->message()));
        done(nlohmann::json{{"via", "dns"}, {"server", d.server.str()}, {"zone", d.zone}});
      });
}

}  // namespace hitless::drivers
