// PlanBuilder blocks that move clients between nodes or change a cluster's membership: the shared
// IP, a cluster push, a traffic switch (DNS, NAT, load balancer), enabling a member, the VIP.
#include "planner/plan_builder.hpp"

namespace hitless::plan {

std::string PlanBuilder::switch_shared_ip(const std::string& from, const std::string& to,
                                          const std::string& seed_ref) {
  Step& s = add(Verb::kSwitchTraffic, {from, to}, "switch-traffic-" + to,
                "Shared IP switch: disable on " + from + ", enable on " + to +
                    " (clients move to " + to + ")");
  s.params = {{"from", from}, {"to", to}, {"via", "shared-ip"}};
  s.preconditions = {{Cond::kServing, to, ""}, {Cond::kOwnsSharedIp, from, ""}};
  s.gate = {{Cond::kOwnsSharedIp, to, ""}, {Cond::kServiceFrom, to, ""}};
  s.estimate_s = 2;
  s.undo = Undo{Verb::kSwitchTraffic,
                {to, from},
                {{"from", to}, {"to", from}, {"via", "shared-ip"}},
                "Move the shared IP back to " + from};
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::cluster_push(const std::string& initiator,
                                      const std::vector<std::string>& members,
                                      const catalog::CatalogPackage& pkg, double push_s, bool vip,
                                      const std::string& seed_ref) {
  std::string who;
  double longest = 0;
  for (const auto& m : members) {
    who += (who.empty() ? "" : ", ") + m;
    const auto& prof = profile(m);
    const double install_s = pkg.manifest.install_s > 0 ? pkg.manifest.install_s : prof.install_s;
    longest = std::max(longest, push_s + install_s + prof.reboot_s);
  }
  Step& s = add(Verb::kClusterPush, members, "cluster-push",
                initiator + " pushes " + pkg.id() + " to " + who + ", which install it at once" +
                    (vip ? "; the VIP fails over to " + initiator + ", sessions transferred" : ""));
  s.params = {{"initiator", initiator}, {"package", pkg.id()}, {"version", pkg.manifest.version}};
  for (const auto& m : members) {
    s.gate.push_back({Cond::kVersion, m, pkg.manifest.version});
    s.gate.push_back({Cond::kServing, m, ""});
  }
  if (vip) {
    s.gate.push_back({Cond::kOwnsSharedIp, initiator, ""});
    s.gate.push_back({Cond::kServiceFrom, initiator, ""});
  }
  s.estimate_s = longest + kApiCallS;
  s.repeat_safe = true;  // it only waits
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::switch_traffic(const std::string& from, const std::string& to,
                                        const std::string& via, double gap_s,
                                        const std::string& what, const std::string& seed_ref) {
  Step& s = add(Verb::kSwitchTraffic, {from, to}, "switch-traffic-" + to, what);
  s.params = {{"from", from}, {"to", to}, {"via", via}, {"gap_s", gap_s}};
  s.preconditions = {{Cond::kServing, to, ""}, {Cond::kServiceFrom, from, ""}};
  s.gate = {{Cond::kServiceFrom, to, ""}};
  s.estimate_s = 2 + gap_s;
  s.undo = Undo{Verb::kSwitchTraffic,
                {to, from},
                {{"from", to}, {"to", from}, {"via", via}, {"gap_s", gap_s}},
                "Move the clients back to " + from + " (" + via + ")"};
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::enable_member(const std::string& node, const std::string& version,
                                       const catalog::CatalogPackage* upgraded_with, double push_s,
                                       const std::string& seed_ref) {
  Step& s = add(Verb::kSetMember, {node}, "enable-" + node,
                upgraded_with
                    ? "Re-enable " + node + " in the cluster; the cluster upgrades it to " + version
                    : "Re-enable " + node + " in the cluster");
  s.params = {{"enabled", true}};
  s.preconditions = {{Cond::kReachable, node, ""}};
  s.gate = {{Cond::kVersion, node, version}, {Cond::kServing, node, ""}};
  s.estimate_s = kApiCallS;
  if (upgraded_with) {
    s.params["version"] = version;
    s.params["package"] = upgraded_with->id();
    const auto& prof = profile(node);
    const double install_s =
        upgraded_with->manifest.install_s > 0 ? upgraded_with->manifest.install_s : prof.install_s;
    s.estimate_s += push_s + install_s + prof.reboot_s;
    s.repeat_safe = false;  // reconciled from observation: the install may have started
  }
  s.undo = Undo{Verb::kSetMember, {node}, {{"enabled", false}}, "Disable " + node + " again"};
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::take_vip(const std::string& from, const std::string& to,
                                  const std::string& seed_ref) {
  Step& s =
      add(Verb::kTakeVip, {to}, "take-vip-" + to,
          "Manual failover: " + to + " takes the VIP from " + from + " (sessions transferred)");
  s.params = {{"from", from}, {"to", to}};
  s.preconditions = {{Cond::kServing, to, ""}, {Cond::kOwnsSharedIp, from, ""}};
  s.gate = {{Cond::kOwnsSharedIp, to, ""}, {Cond::kServiceFrom, to, ""}};
  s.estimate_s = 2;
  s.undo =
      Undo{Verb::kTakeVip, {from}, {{"from", to}, {"to", from}}, "Move the VIP back to " + from};
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::check_traffic(const std::vector<std::string>& nodes,
                                       const std::string& via, const std::string& seed_ref) {
  Step& s = add(Verb::kCheckTraffic, nodes, "check-traffic",
                via == "dns" ? "Check that the DNS server accepts hitless's signed updates"
                             : "Check that the NAT gateway's rule can be changed");
  s.params = {{"via", via}};
  s.estimate_s = 1;
  s.seed_ref = seed_ref;
  return s.id;
}

}  // namespace hitless::plan
