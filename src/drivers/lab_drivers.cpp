#include "drivers/lab_drivers.hpp"

#include "drivers/lab_protocol.hpp"
#include "drivers/secrets.hpp"

namespace hitless::drivers {
namespace {

bool split(const std::string& address, std::string& host, std::uint16_t& port) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return false;
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

}  // namespace

Result<std::unique_ptr<LabApplianceDriver>, DriverErrc> LabApplianceDriver::create(
    net::AsyncHttpClient& http, const Inventory& inv, double api_timeout_s) {
  std::unique_ptr<LabApplianceDriver> d(new LabApplianceDriver(http, api_timeout_s));
  for (const auto& c : inv.clusters) {
    LabEndpoint svc;
    if (!c.service.empty() && split(c.service, svc.host, svc.port)) d->services_[c.name] = svc;
    if (c.dns) {
      net::DnsServer server;
      if (!split(c.dns->server, server.host, server.port))
        return make_error(DriverErrc::kProtocol, "cluster " + c.name + ": DNS server '" +
                                                     c.dns->server + "' is not host:port");
      d->dns_servers_[c.name] = server;
    }
    for (const auto& n : c.nodes) {
      LabEndpoint ep;
      if (!split(n.address, ep.host, ep.port))
        return make_error(DriverErrc::kProtocol,
                          "node " + n.name + ": address '" + n.address + "' is not host:port");
      auto token = read_secret_file(n.token_file, "node " + n.name + ": token_file");
      if (!token) return token.error();
      ep.token = std::move(*token);
      d->nodes_[n.name] = ep;
      if (n.power && n.power->driver == "lab-bmc") {  // ipmi: IpmiPowerDriver
        LabEndpoint bmc;
        if (!split(n.power->address, bmc.host, bmc.port))
          return make_error(DriverErrc::kProtocol, "node " + n.name + ": power address '" +
                                                       n.power->address + "' is not host:port");
        auto bmc_token =
            read_secret_file(n.power->token_file, "node " + n.name + ": power.token_file");
        if (!bmc_token) return bmc_token.error();
        bmc.token = std::move(*bmc_token);
        bmc.path = n.power->path.empty() ? "/bmc/" + n.name + "/power" : n.power->path;
        d->bmc_[n.name] = bmc;
      }
    }
  }
  return d;
}

void LabApplianceDriver::call(const LabEndpoint& ep, const std::string& node,
                              const std::string& method, const std::string& target,
                              std::string body, std::map<std::string, std::string> headers,
                              Callback<nlohmann::json> done) {
  net::ClientRequest rq;
  rq.host = ep.host;
  rq.port = ep.port;
  rq.method = method;
  rq.target = target;
  rq.body = std::move(body);
  rq.headers = std::move(headers);
  if (rq.headers.count("X-Package-Signature")) rq.content_type = "application/octet-stream";
  rq.bearer_token = ep.token;
  rq.timeout_s = timeout_s_;
  rq.keep_alive = ep.keep_alive;
  http_.request(std::move(rq), [node, target,
                                done = std::move(done)](Result<net::HttpResponse, net::NetErrc> r) {
    if (!r) return done(make_error(DriverErrc::kUnreachable, node + ": " + r.message()));
    auto j = nlohmann::json::parse(r->body, nullptr, false);
    if (r->status >= 300) {
      const std::string why =
          j.is_object() && j.contains("error") ? j["error"].get<std::string>() : r->body;
      return done(make_error(DriverErrc::kRejected, node + " refused " + target + " (" +
                                                        std::to_string(r->status) + "): " + why));
    }
    if (j.is_discarded())
      return done(make_error(DriverErrc::kProtocol,
                             node + ": " + target + " answered something that is not JSON"));
    done(std::move(j));
  });
}

void LabApplianceDriver::observe(const std::string& node, Callback<ObservedNode> done) {
  auto it = nodes_.find(node);
  if (it == nodes_.end()) return done(make_error(DriverErrc::kUnsupported, "unknown node " + node));
  call(it->second, node, "GET", "/api/v1/status", "", {},
       [node, done = std::move(done)](Result<nlohmann::json, DriverErrc> r) {
         if (!r) return done(r.error());
         try {
           done(observed_from_lab_status(node, *r));
         } catch (const nlohmann::json::exception& e) {
           done(make_error(DriverErrc::kProtocol, node + ": status document: " + e.what()));
         }
       });
}

void LabApplianceDriver::perform(const std::string& node, const Action& a,
                                 Callback<nlohmann::json> done) {
  auto it = nodes_.find(node);
  if (it == nodes_.end()) return done(make_error(DriverErrc::kUnsupported, "unknown node " + node));
  auto rq = lab_request_for(a);
  if (!rq) return done(rq.error());
  call(it->second, node, rq->method, rq->target, std::move(rq->body), std::move(rq->headers),
       std::move(done));
}

void LabApplianceDriver::set_power(const std::string& node, bool on, Callback<Unit> done) {
  auto it = bmc_.find(node);
  if (it == bmc_.end())
    return done(
        make_error(DriverErrc::kUnsupported, node + " has no out-of-band power in the inventory"));
  call(it->second, node, "POST", it->second.path,
       nlohmann::json{{"state", on ? "on" : "off"}}.dump(), {},
       [done = std::move(done)](Result<nlohmann::json, DriverErrc> r) {
         if (!r) return done(r.error());
         done(Unit{});
       });
}

void LabApplianceDriver::power_state(const std::string& node, Callback<bool> done) {
  auto it = bmc_.find(node);
  if (it == bmc_.end())
    return done(
        make_error(DriverErrc::kUnsupported, node + " has no out-of-band power in the inventory"));
  call(it->second, node, "GET", it->second.path, "", {},
       [node, done = std::move(done)](Result<nlohmann::json, DriverErrc> r) {
         if (!r) return done(r.error());
         const auto p = r->is_object() ? r->find("power") : r->end();
         if (r->is_object() && p != r->end() && *p == "on") return done(true);
         if (r->is_object() && p != r->end() && *p == "off") return done(false);
         done(make_error(DriverErrc::kProtocol,
                         "BMC of " + node + ": unexpected power reading " + r->dump()));
       });
}

void LabApplianceDriver::who_answers(const std::string& cluster, Callback<std::string> done) {
  auto it = services_.find(cluster);
  if (it == services_.end())
    return done(
        make_error(DriverErrc::kUnsupported, "cluster " + cluster + " has no service address"));
  LabEndpoint ep = it->second;
  ep.token.clear();
  ep.keep_alive = false;
  if (auto dns = dns_servers_.find(cluster); dns != dns_servers_.end()) {
    auto answer = net::query_a(dns->second, ep.host);
    if (!answer) return done(make_error(DriverErrc::kUnreachable, answer.message()));
    if (answer->addresses.empty())
      return done(make_error(DriverErrc::kUnreachable,
                             ep.host + " has no A record at DNS server " + dns->second.str()));
    ep.host = answer->addresses.front();
  }
  call(ep, cluster, "GET", "/", "", {},
       [done = std::move(done)](Result<nlohmann::json, DriverErrc> r) {
         if (!r) return done(r.error());
         done(r->value("node", std::string("?")));
       });
}

}  // namespace hitless::drivers
