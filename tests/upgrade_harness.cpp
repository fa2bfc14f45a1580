#include "upgrade_harness.hpp"

#include "lab/daemon/lab_handle.hpp"

namespace hitless::testing {

CommandResult UpgradeLab::plan(const std::string& strategy, const std::string& target, const std::string& name) {
  return run_hitless("plan -i " + inventory() + " --to " + target + (strategy.empty() ? "" : " --strategy " + strategy) + " -o " +
                     plan_path(name));
}

CommandResult UpgradeLab::apply(const std::string& extra, const std::string& plan, const std::string& journal) {
  return run_hitless("apply " + plan_path(plan) + " --journal " + journal_path(journal) + " " + extra);
}

std::string UpgradeLab::node_field(const std::string& node, const std::string& a, const std::string& b) {
  auto n = this->node(node);
  const auto& v = b.empty() ? n.at(a) : n.at(a).at(b);
  return v.is_string() ? v.get<std::string>() : v.dump();
}

bool UpgradeLab::service_answers(std::string* who) {
  std::string host;
  std::uint16_t port = 0;
  lab::split_address(service(), host, port);
  net::ClientRequest rq;
  rq.host = host;
  rq.port = port;
  rq.timeout_s = 1;
  auto r = net::http_call(rq);
  if (!r || r->status != 200) return false;
  if (who) *who = nlohmann::json::parse(r->body).value("node", "");
  return true;
}

BackgroundProbe::BackgroundProbe(const std::string& target, double rate, int sessions, double max_duration_s) {
  probe::ProbeOptions base;
  base.duration_s = max_duration_s;
  base.rate = rate;
  base.sessions = sessions;
  auto o = probe::parse_target(target, base);
  if (!o) throw std::runtime_error(o.message());
  report_ = std::async(std::launch::async, [this, opts = *o] { return probe::run_probe(opts, &stop_); });
}

probe::ProbeReport BackgroundProbe::stop() {
  stop_ = true;
  return report_.get();
}

}  // namespace hitless::testing
