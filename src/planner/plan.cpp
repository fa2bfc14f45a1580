#include "planner/plan.hpp"

#include <algorithm>
#include <array>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/durations.hpp"

namespace hitless::plan {
namespace {

constexpr std::array<std::pair<Verb, const char*>, 38> kVerbs{{
    {Verb::kCheck, "check"},
    {Verb::kBackup, "backup"},
    {Verb::kSync, "sync"},
    {Verb::kBreakHa, "break-ha"},
    {Verb::kEstablishHa, "establish-ha"},
    {Verb::kStage, "stage"},
    {Verb::kCompatTest, "compat-test"},
    {Verb::kInstall, "install"},
    {Verb::kReboot, "reboot"},
    {Verb::kVerify, "verify"},
    {Verb::kApproval, "approval"},
    {Verb::kSwitchTraffic, "switch-traffic"},
    {Verb::kCheckTraffic, "check-traffic"},
    {Verb::kSetRole, "set-role"},
    {Verb::kSetAccepting, "set-accepting"},
    {Verb::kPowerOff, "power-off"},
    {Verb::kPowerOn, "power-on"},
    {Verb::kSelectBootSlot, "select-boot-slot"},
    {Verb::kRestoreSoftware, "restore-software"},
    {Verb::kClusterPush, "cluster-push"},
    {Verb::kSetMember, "set-member"},
    {Verb::kTakeVip, "take-vip"},
    {Verb::kLbCheck, "lb-check"},
    {Verb::kLbDrain, "lb-drain"},
    {Verb::kLbMaint, "lb-maint"},
    {Verb::kLbHealth, "lb-health"},
    {Verb::kLbReady, "lb-ready"},
    {Verb::kDistribute, "distribute"},
    {Verb::kWaitDrained, "wait-drained"},
    {Verb::kClusterSync, "cluster-sync"},
    {Verb::kBackupOperations, "backup-operations"},
    {Verb::kCertTransfer, "cert-transfer"},
    {Verb::kCertAssignIp, "cert-assign-ip"},
    {Verb::kRestore, "restore"},
    {Verb::kFactoryReset, "factory-reset"},
    {Verb::kShutDown, "shut-down"},
    {Verb::kActivateSlave, "activate-slave"},
    {Verb::kSoak, "soak"},
}};

// Every verb has its name: the table ends with the enum's last verb.
static_assert(kVerbs.back().first == Verb::kSoak &&
              static_cast<std::size_t>(Verb::kSoak) + 1 == kVerbs.size());

}  // namespace

std::vector<Verb> all_verbs() {
  std::vector<Verb> out;
  for (const auto& [k, n] : kVerbs) out.push_back(k);
  return out;
}

const char* to_string(Verb v) {
  for (const auto& [k, n] : kVerbs)
    if (k == v) return n;
  return "?";
}

std::optional<Verb> parse_verb(const std::string& s) {
  for (const auto& [k, n] : kVerbs)
    if (s == n) return k;
  return std::nullopt;
}

const Step* Plan::find(const std::string& id) const {
  for (const auto& s : steps)
    if (s.id == id) return &s;
  return nullptr;
}

double Plan::estimated_makespan_s() const {
  std::unordered_map<std::string_view, double> finish;
  finish.reserve(steps.size());
  double best = 0;
  for (const auto& s : steps) {  // steps are stored in a topological order
    double start = 0;
    for (const auto& a : s.after) {
      auto it = finish.find(a);
      if (it != finish.end()) start = std::max(start, it->second);
    }
    const double end = start + s.estimate_s;
    finish[s.id] = end;
    best = std::max(best, end);
  }
  return best;
}

std::string to_text(const Plan& p) { return to_text(p, plan_hash(p)); }

std::string to_text(const Plan& p, const std::string& hash) {
  std::ostringstream o;
  o << "plan to " << p.target_version << " for";
  for (std::size_t i = 0; i < p.clusters.size(); ++i)
    o << " " << p.clusters[i] << " (" << p.strategies[i] << ")";
  o << "\n"
    << p.steps.size() << " steps in " << p.phases.size() << " phase(s); estimated makespan "
    << format_duration(p.estimated_makespan_s()) << "; plan " << hash.substr(0, 12)
    << ", observed state " << p.observed.hash().substr(0, 12) << "\n";
  for (const auto& c : p.clusters)
    if (auto policy = cluster_policy(p, c)) o << "policy " << c << ": " << to_text(*policy) << "\n";
  for (const auto& n : p.notes) o << "note: " << n << "\n";
  int phase = -1;
  std::string prev;
  for (const auto& s : p.steps) {
    if (s.phase != phase) {
      phase = s.phase;
      for (const auto& ph : p.phases)
        if (ph.index == phase) o << "\nphase " << ph.index + 1 << ": " << ph.name << "\n";
    }
    o << "  " << s.id << "  " << s.title << "  [" << format_duration(s.estimate_s)
      << (s.repeat_safe ? "" : ", not repeatable") << "]\n";
    if (s.after.size() > 1 || (!s.after.empty() && prev != s.after.front())) {
      std::string deps;
      for (const auto& a : s.after) deps += (deps.empty() ? "" : ", ") + a;
      o << "      after:    " << deps << "\n";
    }
    prev = s.id;
    for (const auto& c : s.guards) o << "      guard:    " << c.text() << "\n";
    for (const auto& c : s.preconditions) o << "      requires: " << c.text() << "\n";
    for (const auto& c : s.gate) o << "      gate:     " << c.text() << "\n";
    if (s.undo) o << "      undo:     " << s.undo->title << "\n";
    if (!s.no_return.empty()) o << "      POINT OF NO RETURN: " << s.no_return << "\n";
  }
  return o.str();
}

Result<Policy, PlanErrc> cluster_policy(const Plan& p, const std::string& cluster) {
  if (!p.policy.is_object() || !p.policy.contains(cluster)) return Policy{};
  auto typed = policy_from_json(p.policy.at(cluster));
  if (!typed)
    return make_error(PlanErrc::kMalformed, "cluster " + cluster + ": " + typed.message());
  return std::move(*typed);
}

std::string to_dot(const Plan& p) {
  std::ostringstream o;
  o << "digraph plan {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n";
  for (const auto& ph : p.phases) {
    o << "  subgraph cluster_phase" << ph.index << " {\n    label=\"phase " << ph.index + 1 << ": "
      << ph.name << "\";\n";
    for (const auto& s : p.steps)
      if (s.phase == ph.index) {
        std::string label = s.title;
        for (auto& c : label)
          if (c == '"') c = '\'';
        o << "    \"" << s.id << "\" [label=\"" << label << "\\n"
          << format_duration(s.estimate_s) << "\""
          << (s.verb == Verb::kApproval ? ", shape=diamond" : "")
          << (s.repeat_safe ? "" : ", style=bold") << (s.no_return.empty() ? "" : ", color=red")
          << "];\n";
      }
    o << "  }\n";
  }
  for (const auto& s : p.steps)
    for (const auto& a : s.after) o << "  \"" << a << "\" -> \"" << s.id << "\";\n";
  o << "}\n";
  return o.str();
}

}  // namespace hitless::plan
