#include "lab/daemon/knot_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "lab/daemon/leftovers.hpp"

namespace hitless::lab {
namespace fs = std::filesystem;

namespace {

// A port free for both TCP and UDP on `host` right now (knotd binds both).
std::uint16_t free_port(const std::string& host) {
  for (int tries = 0; tries < 20; ++tries) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    inet_pton(AF_INET, host.c_str(), &a.sin_addr);
    const int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
    socklen_t len = sizeof a;
    std::uint16_t port = 0;
    if (::bind(tcp, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(tcp, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
      port = ntohs(a.sin_port);
      const int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
      const bool udp_free = ::bind(udp, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ::close(udp);
      if (!udp_free) port = 0;
    }
    ::close(tcp);
    if (port != 0) return port;
  }
  return 0;
}

std::string zone_file(const KnotZone& z) {
  std::string s = "$ORIGIN " + z.zone + ".\n$TTL " + std::to_string(z.ttl) + "\n";
  s += "@ SOA ns1 hostmaster 1 3600 600 86400 " + std::to_string(z.ttl) + "\n";
  s += "@ NS ns1\nns1 A 127.0.0.1\n";
  for (const auto& [name, address] : z.a_records) s += name + ". A " + address + "\n";
  return s;
}

std::string knot_conf(const KnotOptions& o, const std::string& dir, std::uint16_t port) {
  std::string s;
  s += "server:\n    listen: " + o.host + "@" + std::to_string(port) + "\n";
  s += "    rundir: " + dir + "/run\n    pidfile: " + dir + "/run/knot.pid\n";
  s += "database:\n    storage: " + dir + "/db\n";
  s += "log:\n  - target: stderr\n    any: info\n";
  s += "key:\n  - id: " + o.key.name + "\n    algorithm: " + o.key.algorithm +
       "\n    secret: " + o.key.secret + "\n";
  s += "acl:\n  - id: tsig-update\n    key: " + o.key.name + "\n    action: update\n";
  // Updates stay in the journal: the zone file the lab wrote is never rewritten.
  s += "template:\n  - id: default\n    storage: " + dir + "/zones\n    file: \"%s.zone\"\n";
  s += "    zonefile-sync: -1\n    journal-content: changes\n";
  s += "zone:\n";
  for (const auto& z : o.zones) s += "  - domain: " + z.zone + "\n    acl: tsig-update\n";
  return s;
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::trunc);
  out << text;
}

// knotd's reason for stopping: its first error line (e.g. "cannot bind address ... (address
// already in use)"), else its last line, without the timestamp.
std::string log_reason(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last, first_error;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    last = line;
    if (first_error.empty() && (line.find(" error: ") != std::string::npos ||
                                line.find(" critical: ") != std::string::npos))
      first_error = line;
  }
  std::string why = first_error.empty() ? last : first_error;
  if (const auto space = why.find(' '); space != std::string::npos) why = why.substr(space + 1);
  return why;
}

}  // namespace

net::TsigKey generate_tsig_key(const std::string& name) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_ORIGINAL);
  return {"hmac-sha256", name, b64};
}

Result<std::unique_ptr<KnotServer>, KnotErrc> KnotServer::start(const KnotOptions& o) {
  if (net::find_program("knotd").empty())
    return make_error(KnotErrc::kNotInstalled,
                      "knotd: not found (install Debian's knot package to serve DNS clusters)");
  std::error_code ec;
  const std::string dir = fs::absolute(o.dir).lexically_normal().string();
  for (const char* sub : {"zones", "db", "run"}) fs::create_directories(dir + "/" + sub, ec);
  if (ec) return make_error(KnotErrc::kConfig, dir + ": " + ec.message());
  const std::uint16_t port = o.port != 0 ? o.port : free_port(o.host);
  if (port == 0) return make_error(KnotErrc::kStart, "no free port on " + o.host + " for knotd");
  for (const auto& z : o.zones) write_text(dir + "/zones/" + z.zone + ".zone", zone_file(z));
  const std::string conf = dir + "/knot.conf";
  write_text(conf, knot_conf(o, dir, port));
  // The key is in knot.conf: private to its owner like the key file the drivers read.
  fs::permissions(conf, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace,
                  ec);

  std::unique_ptr<KnotServer> k(new KnotServer);
  k->dir_ = dir;
  k->server_.host = o.host;
  k->server_.port = port;
  const std::string log = dir + "/knotd.log";
  auto child = net::ChildProcess::start({"knotd", "-c", conf}, log);
  if (!child) return make_error(KnotErrc::kStart, child.message());
  k->process_ = std::move(*child);
  record_process(o.record_dir, "knotd", k->process_->pid(), conf);

  // Ready when it answers for every zone; a knotd that exits (bad config, port taken) says why
  // in its log.
  net::DnsServer quick = k->server_;
  quick.timeout_s = 0.2;
  quick.attempts = 1;
  const auto t0 = std::chrono::steady_clock::now();
  std::size_t ready = 0;
  while (ready < o.zones.size()) {
    if (!k->process_->running())
      return make_error(KnotErrc::kStart,
                        "knotd exited at start (" + log + "): " + log_reason(log));
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() >
        o.start_timeout_s)
      return make_error(KnotErrc::kNotAnswering,
                        "knotd on " + k->server_.str() + " did not answer within " +
                            std::to_string(int(o.start_timeout_s)) + " s (" + log + ")");
    auto answer = net::query_a(quick, "ns1." + o.zones[ready].zone);
    if (answer && !answer->addresses.empty())
      ++ready;
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // poll interval, not a wait
  }
  return k;
}

KnotServer::~KnotServer() { stop(); }

void KnotServer::stop() {
  if (!process_) return;
  process_->stop();
  process_.reset();
  std::error_code ec;
  fs::remove_all(dir_ + "/db", ec);
  fs::remove_all(dir_ + "/run", ec);
}

}  // namespace hitless::lab
