// Target parsing and option bounds for the probe. Pure functions.

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <cmath>
#include <string>

#include "probe/probe.hpp"

namespace hitless::probe {
namespace {

constexpr std::string_view kLoopbackHint =
    "the probe only targets loopback addresses (127.0.0.0/8 or [::1]), the lab's NAT "
    "gateways (198.18.0.0/15) or the lab's shared-IP namespaces (100.64.0.0/10), e.g. "
    "127.0.0.1:8080";

Error<ProbeErrc> bad_target(std::string_view addr, std::string_view why) {
  return make_error(ProbeErrc::kBadTarget,
                    "bad probe target '" + std::string(addr) + "': " + std::string(why));
}

Error<ProbeErrc> bad_option(std::string_view name, double value, std::string_view bounds) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  std::string shown = ec == std::errc() ? std::string(buf, end) : "?";
  return make_error(ProbeErrc::kBadOption, "probe option " + std::string(name) + " = " + shown +
                                               " is out of bounds: must be " + std::string(bounds));
}

// Empty string when `host` is an acceptable loopback literal, else why not.
std::string loopback_problem(const std::string& host) {
  if (host == "localhost") return {};
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (ec) return "'" + host + "' is not an IP address; " + std::string(kLoopbackHint);
  // 198.18.0.0/15 is where the lab's NAT gateways put a cluster's public address, 100.64.0.0/10
  // where `shared_ip: netns` clusters put their nodes and VIP (reached through the lab's bridge).
  const auto v4 = address.is_v4() ? address.to_v4().to_uint() : 0u;
  bool loopback = address.is_v4() ? (v4 >> 24) == 127 || (v4 >> 17) == (0xC612u >> 1) ||
                                        (v4 >> 22) == (0x6440u >> 6)
                                  : address.to_v6().is_loopback();
  if (!loopback) return "'" + host + "' is not a loopback address; " + std::string(kLoopbackHint);
  return {};
}

}  // namespace

Result<ProbeOptions, ProbeErrc> parse_target(std::string_view addr, ProbeOptions base) {
  std::string_view host;
  std::string_view port_text;
  if (!addr.empty() && addr.front() == '[') {
    auto close = addr.find(']');
    if (close == std::string_view::npos) return bad_target(addr, "missing ']' after IPv6 address");
    host = addr.substr(1, close - 1);
    std::string_view rest = addr.substr(close + 1);
    if (rest.empty() || rest.front() != ':') return bad_target(addr, "expected [host]:port");
    port_text = rest.substr(1);
  } else {
    auto colon = addr.rfind(':');
    if (colon == std::string_view::npos) return bad_target(addr, "expected host:port");
    host = addr.substr(0, colon);
    port_text = addr.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return bad_target(addr, "write an IPv6 address in brackets, e.g. [::1]:8080");
    }
  }
  if (host.empty()) return bad_target(addr, "missing host");
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port == 0 || port > 65535) {
    return bad_target(addr, "port must be a number from 1 to 65535");
  }
  // A name is resolved through the DNS server at run time; its answers are checked then.
  if (auto problem = base.dns_server.empty() ? loopback_problem(std::string(host)) : "";
      !problem.empty()) {
    return bad_target(addr, problem);
  }
  base.host = host == "localhost" ? "127.0.0.1" : std::string(host);
  base.port = static_cast<uint16_t>(port);
  return base;
}

Status<ProbeErrc> validate_options(const ProbeOptions& o) {
  if (!o.dns_server.empty()) {
    const auto colon = o.dns_server.rfind(':');
    const std::string dns_host = o.dns_server.substr(0, colon);
    if (colon == std::string::npos || colon + 1 == o.dns_server.size())
      return make_error(ProbeErrc::kBadTarget,
                        "bad DNS server '" + o.dns_server + "': expected ip:port");
    if (auto problem = loopback_problem(dns_host); !problem.empty())
      return make_error(ProbeErrc::kBadTarget, "bad DNS server: " + problem);
  } else if (auto problem = loopback_problem(o.host); !problem.empty()) {
    return make_error(ProbeErrc::kBadTarget, "bad probe target: " + problem);
  }
  if (o.port == 0) return make_error(ProbeErrc::kBadTarget, "bad probe target: port 0");
  // Written as !(in bounds) so NaN fails every check.
  if (!(o.duration_s > 0 && o.duration_s <= kMaxDurationS)) {
    return bad_option("duration_s", o.duration_s, "> 0 and <= 86400 (one day)");
  }
  if (!(o.rate >= 0 && o.rate <= kMaxRate)) {
    return bad_option("rate", o.rate, ">= 0 and <= 100000 requests per second");
  }
  if (!(o.sessions >= 0 && o.sessions <= kMaxSessions)) {
    return bad_option("sessions", o.sessions, ">= 0 and <= 10000");
  }
  if (o.rate == 0 && o.sessions == 0) {
    return make_error(ProbeErrc::kBadOption,
                      "probe has nothing to do: set a request rate > 0 or sessions > 0");
  }
  if (!(o.request_timeout_s > 0 && o.request_timeout_s <= kMaxTimeoutS)) {
    return bad_option("request_timeout_s", o.request_timeout_s, "> 0 and <= 3600 seconds");
  }
  if (!(o.session_lifetime_s >= 0 && o.session_lifetime_s <= kMaxDurationS)) {
    return bad_option("session_lifetime_s", o.session_lifetime_s,
                      ">= 0 (0 = server default) and <= 86400 seconds");
  }
  if (!(o.session_spread_s >= 0 && o.session_spread_s <= kMaxDurationS)) {
    return bad_option("session_spread_s", o.session_spread_s,
                      ">= 0 (0 = all open at the start) and <= 86400 seconds");
  }
  return Unit{};
}

std::string format_target(const ProbeOptions& o) {
  bool v6 = o.host.find(':') != std::string::npos;
  return (v6 ? "[" + o.host + "]" : o.host) + ":" + std::to_string(o.port);
}

}  // namespace hitless::probe
