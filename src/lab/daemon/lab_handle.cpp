#include "lab/daemon/lab_handle.hpp"

#include <signal.h>

#include <filesystem>
#include <fstream>

#include "lab/daemon/lab_dir.hpp"

namespace hitless::lab {
namespace {
std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}
}  // namespace

bool split_address(const std::string& address, std::string& host, std::uint16_t& port) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  try {
    std::size_t used = 0;
    const int p = std::stoi(address.substr(colon + 1), &used);
    if (used != address.size() - colon - 1 || p < 0 || p > 65535) return false;
    host = address.substr(0, colon);
    port = static_cast<std::uint16_t>(p);
    return true;
  } catch (...) {
    return false;
  }
}

bool process_alive(int pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const auto close_paren = line.rfind(')');
  if (close_paren == std::string::npos || close_paren + 2 >= line.size()) return true;
  return line[close_paren + 2] != 'Z';  // a zombie holds no socket and does no work
}

Result<LabHandle, LabErrc> LabHandle::open(const std::string& dir) {
  LabHandle h;
  h.dir_ = dir;
  const std::string path = dir + "/lab.json";
  if (!std::filesystem::exists(path))
    return make_error(LabErrc::kNotRunning, "no lab is running in " + dir + " (no lab.json)");
  try {
    h.lab_ = nlohmann::json::parse(read_file(path));
    if (!split_address(h.lab_.at("control").at("address").get<std::string>(), h.control_host_,
                       h.control_port_))
      return make_error(LabErrc::kNotRunning, path + ": control.address is malformed");
    h.control_token_ =
        trim(read_file(dir + "/" + h.lab_.at("control").at("token_file").get<std::string>()));
  } catch (const std::exception& e) {
    return make_error(LabErrc::kNotRunning, path + ": " + e.what());
  }
  if (!process_alive(h.pid()))
    return make_error(LabErrc::kNotRunning, "the lab in " + dir + " is not running (pid " +
                                                std::to_string(h.pid()) + " is gone)");
  return h;
}

std::string LabHandle::service(const std::string& cluster) const {
  const auto& c = lab_.at("clusters");
  return c.contains(cluster) ? c.at(cluster).value("service", "") : "";
}

Result<NodeAccess, LabErrc> LabHandle::node(const std::string& name) const {
  const auto& nodes = lab_.at("nodes");
  if (!nodes.contains(name))
    return make_error(LabErrc::kRejected, "no node named '" + name + "' in this lab");
  NodeAccess a;
  if (!split_address(nodes.at(name).at("address").get<std::string>(), a.host, a.port))
    return make_error(LabErrc::kRejected, "lab.json: bad address for " + name);
  try {
    a.token = trim(read_file(dir_ + "/" + nodes.at(name).at("token_file").get<std::string>()));
  } catch (const std::exception& e) {
    return make_error(LabErrc::kRejected, e.what());
  }
  return a;
}

Result<nlohmann::json, LabErrc> LabHandle::control(const std::string& method,
                                                   const std::string& target,
                                                   const nlohmann::json& body) const {
  net::ClientRequest rq;
  rq.host = control_host_;
  rq.port = control_port_;
  rq.method = method;
  rq.target = target;
  rq.bearer_token = control_token_;
  if (!body.is_null()) rq.body = body.dump();
  rq.timeout_s = 30;
  auto r = net::http_call(rq);
  if (!r) return make_error(LabErrc::kUnreachable, "lab control endpoint: " + r.message());
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  if (r->status >= 300) {
    std::string msg = j.is_object() ? j.value("error", r->body) : r->body;
    return make_error(LabErrc::kRejected, msg);
  }
  if (j.is_discarded())
    return make_error(LabErrc::kRejected, "lab control endpoint answered non-JSON");
  return j;
}

Result<nlohmann::json, LabErrc> LabHandle::inspect() const {
  return control("GET", "/lab/inspect", nullptr);
}

Result<nlohmann::json, LabErrc> LabHandle::fault(const std::string& node,
                                                 const std::string& kind) const {
  return control("POST", "/lab/fault", {{"node", node}, {"kind", kind}});
}

Result<nlohmann::json, LabErrc> LabHandle::power(const std::string& node, bool on) const {
  return control("POST", "/lab/power", {{"node", node}, {"state", on ? "on" : "off"}});
}

Status<LabErrc> LabHandle::shutdown() const {
  auto r = control("POST", "/lab/shutdown", nlohmann::json::object());
  if (!r) return r.error();
  return Unit{};
}

Result<net::HttpResponse, LabErrc> LabHandle::call_node(const std::string& name,
                                                        const std::string& method,
                                                        const std::string& target,
                                                        const std::string& body,
                                                        double timeout_s) const {
  auto a = node(name);
  if (!a) return a.error();
  net::ClientRequest rq;
  rq.host = a->host;
  rq.port = a->port;
  rq.method = method;
  rq.target = target;
  rq.body = body;
  rq.bearer_token = a->token;
  rq.timeout_s = timeout_s;
  auto r = net::http_call(rq);
  if (!r) return make_error(LabErrc::kUnreachable, name + ": " + r.message());
  return std::move(*r);
}

}  // namespace hitless::lab
