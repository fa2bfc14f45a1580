#include "probe/name_resolver.hpp"

namespace hitless::probe {

Result<std::string, net::DnsErrc> NameResolver::address(Clock::time_point now) {
  if (!cached_.empty() && now < expires_) return cached_;
  ++lookups_;
  auto answer = net::query_a(server_, name_);
  if (!answer) return answer.error();
  if (answer->addresses.empty())
    return make_error(net::DnsErrc::kRefused,
                      name_ + " has no A record at DNS server " + server_.str());
  cached_ = answer->addresses.front();
  ++answers_[cached_];
  expires_ = now + std::chrono::seconds(answer->ttl);
  return cached_;
}

Result<net::DnsServer, net::DnsErrc> probe_dns_server(const std::string& address) {
  const auto colon = address.rfind(':');
  net::DnsServer s;
  try {
    if (colon == std::string::npos) throw std::invalid_argument("no port");
    s.host = address.substr(0, colon);
    const int port = std::stoi(address.substr(colon + 1));
    if (port <= 0 || port > 65535) throw std::out_of_range("port");
    s.port = static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
    return make_error(net::DnsErrc::kProtocol, "DNS server '" + address + "' is not ip:port");
  }
  s.timeout_s = 0.5;
  s.attempts = 2;
  return s;
}

}  // namespace hitless::probe
