#include "planner/plan_builder.hpp"

#include <algorithm>
#include <cstdio>

#include "common/durations.hpp"
#include "common/timestamps.hpp"

namespace hitless::plan {
void add_clock_checks(std::vector<Condition>& checklist, const std::vector<std::string>& nodes) {
  for (const auto& n : nodes) checklist.push_back({Cond::kClockInSync, n, kClockToleranceS});
}

PlanBuilder::PlanBuilder(Plan& plan, const InventoryCluster& cluster)
    : plan_(plan), cluster_(cluster) {}

const NodeProfile& PlanBuilder::profile(const std::string& node) const {
  static const NodeProfile kDefault;
  const InventoryNode* n = cluster_.find(node);
  return n ? n->profile : kDefault;
}

bool PlanBuilder::phase_wants_approval() const {
  const auto& a = cluster_.policy.approval_phases;
  if (a.mode == ApprovalPhases::Mode::kAll) return true;
  if (a.mode == ApprovalPhases::Mode::kList)
    return std::find(a.phases.begin(), a.phases.end(), phase_ + 1) != a.phases.end();
  return false;
}

bool PlanBuilder::phase_allows_approval() const {
  const auto mode = cluster_.policy.approval_phases.mode;
  return mode == ApprovalPhases::Mode::kStrategy || phase_wants_approval();
}

// A phase the policy wants approved gets an approval at its end unless the strategy put one in it.
void PlanBuilder::close_phase() {
  if (phase_ < 0 || !phase_wants_approval()) return;
  for (const auto& s : plan_.steps)
    if (s.cluster == cluster_.name && s.phase == phase_ && s.verb == Verb::kApproval) return;
  approval("window " + std::to_string(phase_ + 1) + " of " + cluster_.name +
               " is done: verify before going on (policy)",
           "policy approval_phases");
}

void PlanBuilder::finish() { close_phase(); }

void PlanBuilder::begin_phase(const std::string& name) {
  close_phase();
  ++phase_;
  // Phases are shared by all clusters of a plan: window N of every cluster is phase N.
  if (phase_ >= static_cast<int>(plan_.phases.size())) plan_.phases.push_back({phase_, name});
}

Step& PlanBuilder::add(Verb verb, std::vector<std::string> targets, std::string slug,
                       std::string title) {
  if (phase_ < 0) begin_phase("upgrade");
  Step s;
  char num[16];
  std::snprintf(num, sizeof num, "%02d", ++counter_);
  s.id = cluster_.name + "/" + num + "-" + slug;
  s.verb = verb;
  s.cluster = cluster_.name;
  s.targets = std::move(targets);
  s.phase = phase_;
  if (next_after_) {
    s.after = std::move(*next_after_);
    next_after_.reset();
  } else if (!last_.empty()) {
    s.after.push_back(last_);
  }
  s.title = std::move(title);
  plan_.steps.push_back(std::move(s));
  last_ = plan_.steps.back().id;
  return plan_.steps.back();
}

std::vector<std::string> PlanBuilder::parallel(const std::vector<std::function<void()>>& branches) {
  const std::string fork = last_;
  // A join still pending (parallel() right after parallel()): every branch starts after it.
  const auto join = next_after_;
  std::vector<std::string> ends;
  for (const auto& branch : branches) {
    last_ = fork;
    next_after_ = join;
    const std::size_t before = plan_.steps.size();
    branch();
    if (plan_.steps.size() > before) ends.push_back(last_);
  }
  last_ = fork;
  next_after_ = join;
  if (!ends.empty()) {
    last_ = ends.back();
    next_after_ = ends;
  }
  return ends;
}

void PlanBuilder::guard_out_of_service(Step& s, const std::string& node) const {
  if (cluster_.kind == "atlas") return guard_region(s, node);
  std::vector<std::string> members;
  for (const auto& n : cluster_.nodes) members.push_back(n.name);
  // A chassis' two routing engines are a pair too: never both down.
  const bool pair =
      cluster_.kind == "failover-pair" || cluster_.kind == "ha-pair" || cluster_.kind == "chassis";
  if (pair && members.size() == 2) s.guards.push_back({Cond::kPairUp, "", "", members});
  const Policy& policy = cluster_.policy;
  if (policy.capacity_floor)
    s.guards.push_back({Cond::kMinServing, "", to_string(*policy.capacity_floor), members});
  // A pair's pair-up guard already says "one at a time"; larger clusters count members out.
  if (members.size() > 2 && policy.max_unavailable < static_cast<int>(members.size()))
    s.guards.push_back({Cond::kMaxOut, "", std::to_string(policy.max_unavailable), members});
}

void PlanBuilder::note_slot_write(Step& s, const std::string& node, const std::string& what) {
  // Two firmware slots: the first install writes the other slot and keeps the running one; the
  // second writes over the slot that held the node's software from before the run.
  // One step may write the slots of two nodes (an HA pair's upload): each is named.
  if (++slot_writes_[node] == 2)
    s.no_return +=
        (s.no_return.empty() ? "" : "; ") + std::string("the install of ") + what +
        " writes over the slot holding " + node +
        "'s software from before the run; rollback after it cannot restore that software (restore "
        "from the backup and reinstall instead)";
}

std::string PlanBuilder::check(const std::vector<std::string>& nodes,
                               std::vector<Condition> conditions, const std::string& seed_ref) {
  std::string who;
  for (const auto& n : nodes) who += (who.empty() ? "" : ", ") + n;
  Step& s = add(Verb::kCheck, nodes, "check",
                "Check " + who + ": reachable, healthy, as the plan expects");
  for (const auto& n : nodes) s.preconditions.push_back({Cond::kReachable, n, ""});
  for (auto& c : conditions) s.preconditions.push_back(std::move(c));
  s.estimate_s = 2;
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::backup(const std::string& node, const std::string& seed_ref) {
  Step& s = add(Verb::kBackup, {node}, "backup-" + node, "Back up the configuration of " + node);
  s.preconditions = {{Cond::kReachable, node, ""}};
  s.estimate_s = kApiCallS + profile(node).data_mb / 500;
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::sync(const std::string& node, const std::string& backup_node,
                              const std::string& seed_ref) {
  Step& s =
      add(Verb::kSync, {node, backup_node}, "sync-" + node,
          "Sync Now on " + node + " and wait until " + backup_node + " holds the primary's data");
  s.params = {{"backup", backup_node}};
  s.preconditions = {{Cond::kReachable, node, ""}, {Cond::kReachable, backup_node, ""}};
  s.gate = {{Cond::kSynced, backup_node, ""}};
  s.estimate_s =
      kApiCallS + profile(node).data_mb / std::max(0.001, profile(backup_node).sync_mb_per_s);
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::break_ha(const std::string& node, const std::string& peer,
                                  const std::string& primary, const std::string& seed_ref) {
  Step& s = add(Verb::kBreakHa, {node, peer}, "break-ha",
                "Break the failover relation between " + node + " and " + peer);
  s.preconditions = {{Cond::kNotSyncing, node, ""}};
  s.gate = {{Cond::kHaNone, node, ""}, {Cond::kHaNone, peer, ""}};
  s.estimate_s = kApiCallS;
  const std::string backup = primary == node ? peer : node;
  s.undo = Undo{Verb::kEstablishHa,
                {primary, backup},
                {{"primary", primary}, {"backup", backup}},
                "Re-establish the relation with " + primary + " as primary"};
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::establish(const std::string& primary, const std::string& backup,
                                   const std::string& seed_ref) {
  Step& s = add(Verb::kEstablishHa, {primary, backup}, "establish-ha",
                "Establish the failover relation: " + primary + " primary, " + backup + " backup");
  s.params = {{"primary", primary}, {"backup", backup}};
  s.preconditions = {{Cond::kReachable, primary, ""}, {Cond::kReachable, backup, ""}};
  s.gate = {{Cond::kHaRole, primary, "primary"}, {Cond::kHaRole, backup, "backup"}};
  s.estimate_s = kApiCallS;
  s.undo =
      Undo{Verb::kBreakHa, {primary, backup}, nlohmann::json::object(), "Break the relation again"};
  s.seed_ref = seed_ref;
  return s.id;
}

void PlanBuilder::use_bundle(const std::string& node, const catalog::BundleSummary& bundle,
                             std::vector<const catalog::CatalogPackage*> hops) {
  air_gapped_[node] = {&bundle, std::move(hops), ""};
}

std::string PlanBuilder::stage(const std::string& node, const catalog::CatalogPackage& pkg,
                               const std::string& seed_ref) {
  if (auto it = air_gapped_.find(node); it != air_gapped_.end()) {
    AirGapped& a = it->second;
    if (!a.step.empty()) return a.step;
    std::string ids;
    nlohmann::json packages = nlohmann::json::array();
    double size_mb = 0;
    for (const auto* hop : a.hops) {
      ids += (ids.empty() ? "" : ", ") + hop->id();
      packages.push_back({{"id", hop->id()}, {"digest", hop->digest}});
      size_mb += hop->manifest.size_mb;
    }
    const std::string file = a.bundle->file.substr(a.bundle->file.find_last_of('/') + 1);
    Step& s = add(Verb::kStage, {node}, "stage-bundle-" + node,
                  "Upload offline bundle " + file + " to air-gapped " + node + " (made for its " +
                      "appliance " + a.bundle->appliance + "): " + ids);
    s.params = {{"bundle", a.bundle->file},
                {"bundle_sha256", a.bundle->sha256},
                {"appliance", a.bundle->appliance},
                {"expires", format_utc_timestamp(a.bundle->expires)},
                {"packages", packages}};
    s.preconditions = {{Cond::kReachable, node, ""}};
    for (const auto* hop : a.hops) s.gate.push_back({Cond::kStaged, node, hop->id()});
    s.estimate_s = kApiCallS + size_mb / 100;
    s.seed_ref =
        "004 > Upgrade a Single BeyondTrust Appliance Using Manual Updates > Manual "
        "Installation: browse to the file, Update Software";
    (void)seed_ref;  // the strategy's own upload reference is for online nodes
    return a.step = s.id;
  }
  Step& s = add(Verb::kStage, {node}, "stage-" + node + "-" + pkg.id(),
                "Upload " + pkg.id() + " to " + node);
  s.params = {{"package", pkg.id()}, {"digest", pkg.digest}};
  s.preconditions = {{Cond::kReachable, node, ""}};
  s.gate = {{Cond::kStaged, node, pkg.id()}};
  s.estimate_s = kApiCallS + pkg.manifest.size_mb / 100;
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::compat_test(const std::string& node, const catalog::CatalogPackage& pkg,
                                     const std::string& seed_ref) {
  Step& s = add(Verb::kCompatTest, {node}, "compat-" + node + "-" + pkg.id(),
                "Compatibility test of " + pkg.id() + " on " + node + " (must pass)");
  s.params = {{"package", pkg.id()}};
  s.preconditions = {{Cond::kStaged, node, pkg.id()}};
  s.estimate_s = kApiCallS + 25;
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::install(const std::string& node, const catalog::CatalogPackage& pkg,
                                 bool activate_now, std::vector<Condition> preconditions,
                                 const std::string& seed_ref) {
  const auto& prof = profile(node);
  const double install_s = pkg.manifest.install_s > 0 ? pkg.manifest.install_s : prof.install_s;
  Step& s = add(
      Verb::kInstall, {node}, "install-" + node + "-" + pkg.id(),
      activate_now
          ? "Install " + pkg.id() + " on " + node + " (" + node + " stops serving, then reboots)"
          : "Install " + pkg.id() + " on " + node + " into the other slot, active after reboot");
  s.params = {{"package", pkg.id()},
              {"activate", activate_now ? "now" : "after-reboot"},
              {"name", pkg.manifest.name},
              {"version", pkg.manifest.version}};
  s.preconditions = {{Cond::kStaged, node, pkg.id()}};
  for (auto& c : preconditions) s.preconditions.push_back(std::move(c));
  note_slot_write(s, node, pkg.id());
  if (activate_now) {
    guard_out_of_service(s, node);
    s.gate = {{Cond::kPackage, node, pkg.manifest.name + "=" + pkg.manifest.version},
              {Cond::kServing, node, ""}};
    s.estimate_s = install_s + prof.reboot_s + kApiCallS;
    s.undo = Undo{Verb::kSelectBootSlot,
                  {node},
                  {{"slot", "previous"}, {"reboot", true}},
                  "Boot " + node + "'s previous firmware slot"};
  } else {
    s.gate = {{Cond::kInstallPending, node, pkg.id()}};
    s.estimate_s = install_s + kApiCallS;
  }
  s.repeat_safe = false;  // a second install is never blind: reconciled from observation
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::reboot(const std::string& node, const std::string& expect_version,
                                std::vector<Condition> preconditions, const std::string& seed_ref) {
  Step& s =
      add(Verb::kReboot, {node}, "reboot-" + node, "Reboot " + node + " into " + expect_version);
  s.preconditions = {{Cond::kReachable, node, ""}};
  guard_out_of_service(s, node);
  for (auto& c : preconditions) s.preconditions.push_back(std::move(c));
  s.gate = {{Cond::kVersion, node, expect_version}, {Cond::kServing, node, ""}};
  s.params = {{"version", expect_version}};
  s.estimate_s = profile(node).reboot_s + kApiCallS;
  s.repeat_safe = false;
  s.undo = Undo{Verb::kSelectBootSlot,
                {node},
                {{"slot", "previous"}, {"reboot", true}},
                "Boot " + node + "'s previous firmware slot"};
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::verify(const std::string& node, const std::string& version,
                                const std::string& seed_ref) {
  Step& s =
      add(Verb::kVerify, {node}, "verify-" + node, "Verify " + node + " serves at " + version);
  s.params = {{"version", version}};
  s.gate = {{Cond::kVersion, node, version}, {Cond::kServing, node, ""}};
  s.estimate_s = kApiCallS;
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::soak(const std::string& node, const std::string& done, double seconds,
                              const std::string& seed_ref) {
  Step& s = add(Verb::kSoak, {node}, "soak-" + node,
                "Soak " + format_duration(seconds) + " on " + node + " after " + done);
  s.params = {{"seconds", seconds}, {"after", done}};
  s.estimate_s = seconds;
  s.seed_ref = seed_ref;
  return s.id;
}

std::string PlanBuilder::approval(const std::string& what, const std::string& seed_ref) {
  if (!phase_allows_approval()) return last_;  // policy: no approval in this phase
  Step& s = add(Verb::kApproval, {}, "approve", "Approval: " + what);
  s.params = {{"question", what}};
  s.estimate_s = 0;
  s.seed_ref = seed_ref;
  return s.id;
}

}  // namespace hitless::plan
