// PlanBuilder blocks for a cluster behind a load balancer (S2) and for disabling a member.
#include "planner/plan_builder.hpp"

namespace hitless::plan {
namespace {
constexpr double kLbCallS = 1;  // one runtime API command and its answer
}

std::string PlanBuilder::disable_member(const std::string& node, const std::string& seed_ref) {
  Step& s = add(Verb::kSetMember, {node}, "disable-" + node,
                "Disable " + node + " in the cluster (it keeps serving; no push reaches it)");
  s.params = {{"enabled", false}};
  s.preconditions = {{Cond::kReachable, node, ""}};
  s.estimate_s = kLbCallS;
  s.undo = Undo{Verb::kSetMember, {node}, {{"enabled", true}}, "Re-enable " + node};
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::lb_check(const std::vector<std::string>& members,
                                  const std::string& seed_ref) {
  Step& s = add(Verb::kLbCheck, members, "lb-check",
                "Check that the load balancer answers and knows every member");
  s.estimate_s = kLbCallS;
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::lb_drain(const std::string& node, const std::string& seed_ref) {
  const Policy& p = cluster_.policy;
  Step& s = add(Verb::kLbDrain, {node}, "lb-drain-" + node,
                "Drain " + node + " at the load balancer and wait for its sessions to end (" +
                    "at most " + std::to_string(static_cast<long>(p.drain_timeout_s)) +
                    " s, then " + to_string(p.on_drain_timeout) + ")");
  s.params = {{"drain_timeout_s", p.drain_timeout_s},
              {"on_drain_timeout", to_string(p.on_drain_timeout)}};
  s.preconditions = {{Cond::kServing, node, ""}};
  guard_out_of_service(s, node);
  // Sessions end on their own within their lifetime; the drain timeout bounds the wait.
  s.estimate_s = kLbCallS + std::min(p.drain_timeout_s, profile(node).session_lifetime_s);
  s.undo = Undo{Verb::kLbReady, {node}, {}, "Let " + node + " take new sessions again"};
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::lb_maint(const std::string& node, const std::string& seed_ref) {
  Step& s = add(Verb::kLbMaint, {node}, "lb-maint-" + node,
                "Put " + node + " in maintenance at the load balancer (no traffic at all)");
  guard_out_of_service(s, node);
  s.estimate_s = kLbCallS;
  s.undo = Undo{Verb::kLbReady, {node}, {}, "Let " + node + " take new sessions again"};
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::lb_health(const std::string& node, const std::string& seed_ref) {
  const auto& prof = profile(node);
  Step& s = add(Verb::kLbHealth, {node}, "lb-health-" + node,
                "Wait until the load balancer's health check sees " + node + " up");
  s.params = {{"timeout_s", prof.boot_timeout_s}};
  s.preconditions = {{Cond::kServing, node, ""}};
  s.estimate_s = kLbCallS;
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::lb_ready(const std::string& node, const std::string& seed_ref) {
  Step& s = add(Verb::kLbReady, {node}, "lb-ready-" + node,
                "Let " + node + " take new sessions at the load balancer again");
  s.estimate_s = kLbCallS;
  s.seed_ref = seed_ref;
  return s.id;
}

}  // namespace hitless::plan
