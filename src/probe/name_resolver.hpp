#pragma once
// NameResolver: how the probe finds a DNS-swung cluster, the way a client with a caching stub
// resolver does: it asks the lab's DNS server for the name's A record and keeps the answer for
// its TTL, then asks again. So a swing reaches the probe's new connections no sooner than the
// TTL allows, which is the gap the plan predicts. Blocking (a loopback query takes well under a
// millisecond); single-threaded.

#include <chrono>
#include <map>
#include <string>

#include "common/result.hpp"
#include "net/dns_client.hpp"

namespace hitless::probe {

class NameResolver {
 public:
  using Clock = std::chrono::steady_clock;
  NameResolver(net::DnsServer server, std::string name)
      : server_(std::move(server)), name_(std::move(name)) {}

  // The address to connect to now: the cached answer while its TTL lasts, else a fresh one.
  Result<std::string, net::DnsErrc> address(Clock::time_point now);
  std::uint64_t lookups() const { return lookups_; }
  const std::map<std::string, std::uint64_t>& answers() const { return answers_; }

 private:
  net::DnsServer server_;
  std::string name_;
  std::string cached_;
  Clock::time_point expires_{};
  std::uint64_t lookups_ = 0;
  std::map<std::string, std::uint64_t> answers_;  // address -> lookups that gave it
};

// "ip:port" into a DnsServer whose queries give up quickly (a probe must not stall on them).
Result<net::DnsServer, net::DnsErrc> probe_dns_server(const std::string& address);

}  // namespace hitless::probe
