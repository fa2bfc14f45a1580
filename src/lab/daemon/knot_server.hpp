#pragma once
// KnotServer: a Knot DNS server (`knotd`, Debian `knot`) that the lab starts for its DNS-swung
// clusters, and that tests start for themselves. It writes knot.conf, one zone file per zone and
// the TSIG key, starts knotd on loopback (Boost.Process), waits until it answers, and accepts
// RFC 2136 updates signed with that key only. stop() (or the destructor) ends knotd and removes
// its database, so nothing is left behind. Blocking; owned by one thread.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "net/child_process.hpp"
#include "net/dns_client.hpp"

namespace hitless::lab {

enum class KnotErrc { kNotInstalled, kConfig, kStart, kNotAnswering };

struct KnotZone {
  std::string zone;  // example.test
  std::uint32_t ttl = 5;
  std::vector<std::pair<std::string, std::string>> a_records;  // name -> IPv4 address
};

struct KnotOptions {
  std::string dir;                 // knot.conf, zones/, db/, run/, knotd.log go here
  std::string host = "127.0.0.1";  // where it listens (UDP and TCP)
  std::uint16_t port = 0;          // 0: a free port is chosen
  std::vector<KnotZone> zones;
  net::TsigKey key;  // the only key allowed to update the zones
  double start_timeout_s = 10;
  std::string record_dir;  // knotd is recorded there for `lab down` (leftovers.hpp) unless ""
};

class KnotServer {
 public:
  static Result<std::unique_ptr<KnotServer>, KnotErrc> start(const KnotOptions& options);
  ~KnotServer();
  net::DnsServer server() const { return server_; }
  int pid() const { return process_ ? process_->pid() : -1; }
  void stop();

 private:
  KnotServer() = default;
  net::DnsServer server_;
  std::string dir_;
  std::unique_ptr<net::ChildProcess> process_;
};

// A fresh hmac-sha256 key named `name` (32 random bytes, base64).
net::TsigKey generate_tsig_key(const std::string& name);

}  // namespace hitless::lab
