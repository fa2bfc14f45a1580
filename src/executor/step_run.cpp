#include "executor/step_run.hpp"

#include <filesystem>
#include <fstream>

#include "common/durations.hpp"

namespace hitless::exec {

using plan::Verb;

Executor::Run::Run(Executor& ex, plan::Step step, bool interrupted, std::string journal_id)
    : ex_(ex), step_(std::move(step)), interrupted_(interrupted), journal_id_(std::move(journal_id)) {
  gate_ = step_.gate;
}

std::vector<std::string> Executor::Run::nodes_of_interest() const {
  std::vector<std::string> out = step_.targets;
  auto add = [&](const std::string& n) {
    if (!n.empty() && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  };
  for (const auto& c : step_.preconditions) add(c.node);
  for (const auto& c : gate_) add(c.node);
  return out;
}

bool Executor::Run::gate_needs_service() const {
  for (const auto& c : gate_)
    if (c.kind == "service-from") return true;
  return false;
}

void Executor::Run::observe(const std::vector<std::string>& nodes, bool with_service, std::function<void()> then) {
  auto pending = std::make_shared<int>(static_cast<int>(nodes.size()) + (with_service ? 1 : 0));
  auto one_done = [pending, then] {
    if (--*pending == 0) then();
  };
  if (*pending == 0) return ex_.clock_.call_after(0, then), void();
  evidence_.answered_by.erase(step_.cluster);
  for (const auto& n : nodes) {
    ex_.drivers_.appliance->observe(n, ex_.later<ObservedNode>([this, n, one_done](Result<ObservedNode, drivers::DriverErrc> r) {
      if (r) {
        evidence_.nodes[n] = *r;
      } else {
        ObservedNode down;
        down.name = n;
        down.reachable = false;
        down.error = r.message();
        evidence_.nodes[n] = down;
      }
      one_done();
    }));
  }
  if (with_service)
    ex_.drivers_.service->who_answers(step_.cluster, ex_.later<std::string>([this, one_done](Result<std::string, drivers::DriverErrc> r) {
      if (r) evidence_.answered_by[step_.cluster] = *r;
      one_done();
    }));
}

nlohmann::json Executor::Run::snapshot() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, n] : evidence_.nodes)
    j[name] = {{"reachable", n.reachable}, {"version", n.version}, {"phase", n.phase}, {"boots", n.boots},
               {"installs", n.installs}, {"install_state", n.install_state}, {"last_sync_at", n.last_sync_at},
               {"active_slot", n.active_slot}};
  return j;
}

void Executor::Run::begin() {
  started_ = ex_.clock_.now();
  if (ex_.sink_) ex_.sink_->step_started(step_, started_);
  if (step_.verb == Verb::kApproval) {
    if (!ex_.journal_.record_intent(journal_id_, started_, "{}")) return fail("cannot write the journal");
    if (ex_.opt_.auto_approve) {
      (void)ex_.journal_.approve(journal_id_, "auto-approve");
      return succeed("approved automatically (--auto-approve)");
    }
    (void)ex_.journal_.set_run_state("waiting-approval", "waiting for approval of " + journal_id_);
    ex_.event("approval", journal_id_, "", "waiting: " + step_.params.value("question", step_.title));
    return poll_approval();
  }
  observe(nodes_of_interest(), false, [this] { after_first_look(); });
}

void Executor::Run::poll_approval() {
  if (ex_.journal_.approved(journal_id_)) {
    (void)ex_.journal_.set_run_state("running", "");
    return succeed("approved");
  }
  ex_.clock_.call_after(ex_.opt_.approval_poll_s, [this, alive = std::weak_ptr<bool>(ex_.alive_)] {
    if (alive.lock()) poll_approval();
  });
}

void Executor::Run::after_first_look() {
  if (interrupted_) {
    // Interrupted by a crash after its intent: it passed its preconditions back then.
    for (const auto& [id, rec] : ex_.journal_.steps())
      if (id == journal_id_) intent_detail_ = nlohmann::json::parse(rec.detail_json.empty() ? "{}" : rec.detail_json, nullptr, false);
    if (!gate_.empty() && unmet_gate().empty() && step_.verb != Verb::kSync)
      return succeed("already done (found so after a restart)");
    if (!step_.repeat_safe) return reconcile();
    ex_.event("reconcile", journal_id_, "", "interrupted step is safe to repeat; running it again");
    return intent_then_act();
  }
  for (const auto& c : step_.preconditions)
    if (auto why = unmet(c, step_.cluster, evidence_))
      return fail("precondition not met: " + c.text() + " — " + *why);
  intent_then_act();
}

void Executor::Run::reconcile() {
  // Never repeat an install or a reboot blindly: decide from what the node shows.
  const std::string node = step_.targets.front();
  const ObservedNode& n = evidence_.nodes[node];
  const auto before = intent_detail_.is_object() && intent_detail_.contains(node) ? intent_detail_[node] : nlohmann::json::object();
  const int installs_before = before.value("installs", n.installs);
  const int boots_before = before.value("boots", n.boots);
  bool in_progress = !n.reachable || n.phase == "installing" || n.phase == "rebooting";
  if (step_.verb == Verb::kInstall) {
    const std::string pkg = step_.params.value("package", "");
    if (n.reachable && n.install_package == pkg && n.install_state == "failed")
      return fail("install of " + pkg + " on " + node + " failed: " + n.install_error);
    in_progress = in_progress || n.installs > installs_before ||
                  (n.install_package == pkg && (n.install_state == "installing" || n.install_state == "pending-reboot"));
  } else if (step_.verb == Verb::kReboot) {
    in_progress = in_progress || n.boots > boots_before;
  }
  if (in_progress) {
    ex_.event("reconcile", journal_id_, node, "the node took the request before the restart; waiting for it, not repeating it");
    deadline_ = ex_.clock_.now() + step_.estimate_s * ex_.opt_.timeout_factor + ex_.opt_.timeout_slack_s;
    return wait_gate();
  }
  ex_.event("reconcile", journal_id_, node, "the request never reached the node; sending it now");
  if (!plan_actions()) return;
  act();
}

void Executor::Run::intent_then_act() {
  if (!plan_actions()) return;
  if (auto s = ex_.journal_.record_intent(journal_id_, ex_.clock_.now(), snapshot().dump()); !s)
    return fail("cannot write the journal: " + s.message());
  act();
}

bool Executor::Run::plan_actions() {
  using drivers::Action;
  const std::string t0 = step_.targets.empty() ? "" : step_.targets.front();
  const auto& p = step_.params;
  actions_.clear();
  next_action_ = 0;
  switch (step_.verb) {
    case Verb::kCheck:
    case Verb::kVerify:
    case Verb::kApproval:
      break;
    case Verb::kBackup:
      actions_.push_back({t0, Action{"backup", {}}});
      break;
    case Verb::kSync: {
      const std::string backup = p.value("backup", "");
      evidence_.sync_baseline[backup] = evidence_.nodes[backup].last_sync_at;
      actions_.push_back({t0, Action{"ha-sync", {}}});
      break;
    }
    case Verb::kBreakHa:
      actions_.push_back({t0, Action{"ha-break", {}}});
      break;
    case Verb::kEstablishHa:
      actions_.push_back({p.at("primary"), Action{"ha-establish", {{"peer", p.at("backup")}, {"role", "primary"}}}});
      break;
    case Verb::kStage: {
      const std::string id = p.at("package");
      const catalog::CatalogPackage* pkg = ex_.catalog_ ? ex_.catalog_->find(id) : nullptr;
      if (!pkg) return fail("package " + id + " is no longer in the repository"), false;
      if (p.contains("digest") && p["digest"] != pkg->digest)
        return fail("package " + id + " changed since the plan was made (digest differs); make a new plan"), false;
      actions_.push_back({t0, Action{"stage", {{"package", id}, {"file", pkg->path}, {"signature", pkg->signature_b64}}}});
      break;
    }
    case Verb::kCompatTest:
      actions_.push_back({t0, Action{"compat-test", {{"package", p.at("package")}}}});
      break;
    case Verb::kInstall:
      actions_.push_back({t0, Action{"install", {{"package", p.at("package")}, {"activate", p.value("activate", "now")}}}});
      break;
    case Verb::kReboot:
      actions_.push_back({t0, Action{"reboot", {}}});
      break;
    case Verb::kSwitchTraffic:
      actions_.push_back({p.at("from"), Action{"shared-ip", {{"enabled", false}}}});
      actions_.push_back({p.at("to"), Action{"shared-ip", {{"enabled", true}}}});
      break;
    case Verb::kSetRole:
      actions_.push_back({t0, Action{"ha-role", {{"role", p.at("role")}, {"force", p.value("force", false)}}}});
      break;
    case Verb::kSetAccepting:
      actions_.push_back({t0, Action{"accepting", {{"accepting", p.at("accepting")}}}});
      break;
    case Verb::kPowerOff:
    case Verb::kPowerOn:
      break;  // out-of-band: handled in act()
    case Verb::kSelectBootSlot: {
      const ObservedNode& n = evidence_.nodes[t0];
      const int slot = 1 - n.active_slot;
      const std::string image = slot < static_cast<int>(n.slot_versions.size()) ? n.slot_versions[slot] : "";
      if (image.empty()) return fail(t0 + " has no previous firmware image to boot"), false;
      actions_.push_back({t0, Action{"select-boot-slot", {{"slot", slot}}}});
      if (p.value("reboot", false)) actions_.push_back({t0, Action{"reboot", {}}});
      gate_ = {{"version", t0, image}, {"serving", t0, ""}};
      break;
    }
  }
  return true;
}

void Executor::Run::act() {
  deadline_ = ex_.clock_.now() + step_.estimate_s * ex_.opt_.timeout_factor + ex_.opt_.timeout_slack_s;
  if ((step_.verb == Verb::kPowerOff || step_.verb == Verb::kPowerOn) && next_action_ == 0) {
    next_action_ = 1;
    if (!ex_.drivers_.power) return fail("no power driver for " + step_.targets.front());
    return ex_.drivers_.power->set_power(step_.targets.front(), step_.verb == Verb::kPowerOn,
                                         ex_.later<Unit>([this](Result<Unit, drivers::DriverErrc> r) {
                                           if (!r) return fail(r.message());
                                           wait_gate();
                                         }));
  }
  if (next_action_ >= actions_.size()) return wait_gate();
  const auto& [node, action] = actions_[next_action_++];
  ex_.drivers_.appliance->perform(node, action, ex_.later<nlohmann::json>([this, kind = action.kind](Result<nlohmann::json, drivers::DriverErrc> r) {
    if (!r) return fail(r.message());
    result_[kind] = *r;
    act();
  }));
}

std::string Executor::Run::unmet_gate() const {
  std::string out;
  for (const auto& c : gate_)
    if (auto why = unmet(c, step_.cluster, evidence_)) out += (out.empty() ? "" : "; ") + *why;
  return out;
}

std::optional<std::string> Executor::Run::early_failure() const {
  if (step_.targets.empty()) return std::nullopt;
  const std::string node = step_.targets.front();
  auto it = evidence_.nodes.find(node);
  if (it == evidence_.nodes.end() || !it->second.reachable) return std::nullopt;
  const ObservedNode& n = it->second;
  if (step_.verb == Verb::kInstall && n.install_package == step_.params.value("package", "") && n.install_state == "failed")
    return "install of " + n.install_package + " on " + node + " failed: " + n.install_error;
  if (step_.verb == Verb::kReboot && n.install_state == "failed" && n.phase == "running" && !n.install_error.empty() &&
      n.version != step_.params.value("version", n.version))
    return node + " did not come up on " + step_.params.value("version", "") + ": " + n.install_error;
  return std::nullopt;
}

void Executor::Run::wait_gate() {
  if (step_.verb == Verb::kBackup) {
    const auto& b = result_.value("backup", nlohmann::json::object());
    std::string where;
    if (!ex_.opt_.backup_dir.empty() && b.contains("backup")) {
      std::error_code ec;
      std::filesystem::create_directories(ex_.opt_.backup_dir, ec);
      where = ex_.opt_.backup_dir + "/" + step_.targets.front() + "-" + std::to_string(static_cast<long>(ex_.clock_.now())) + ".json";
      std::ofstream(where) << b.dump();
    }
    return succeed("backup of " + step_.targets.front() + " taken (checksum " + b.value("checksum", std::string("?")).substr(0, 12) +
                   ")" + (where.empty() ? "" : ", saved to " + where));
  }
  if (step_.verb == Verb::kCompatTest) {
    const auto& r = result_.value("compat-test", nlohmann::json::object());
    if (!r.value("passed", false)) {
      std::string problems;
      for (const auto& p : r.value("problems", nlohmann::json::array())) problems += (problems.empty() ? "" : "; ") + p.get<std::string>();
      return fail("compatibility test failed: " + problems);
    }
  }
  if (gate_.empty()) return succeed("done");
  observe(nodes_of_interest(), gate_needs_service(), [this] {
    const std::string missing = unmet_gate();
    if (missing.empty()) return succeed("gate passed: " + [&] {
      std::string g;
      for (const auto& c : gate_) g += (g.empty() ? "" : ", ") + c.text();
      return g;
    }());
    if (auto why = early_failure()) return fail(*why);
    if (ex_.clock_.now() > deadline_)
      return fail("timed out after " + format_duration(ex_.clock_.now() - started_) + " waiting for: " + missing);
    const double interval = std::max(ex_.opt_.poll_interval_s, static_cast<double>(ex_.running_.size()) * ex_.opt_.poll_spacing_s);
    ex_.clock_.call_after(interval, [this, alive = std::weak_ptr<bool>(ex_.alive_)] {
      if (alive.lock()) wait_gate();
    });
  });
}

void Executor::Run::succeed(const std::string& message) {
  if (done_) return;
  done_ = true;
  (void)ex_.journal_.record_outcome(journal_id_, journal::StepState::kSucceeded, ex_.clock_.now(), message, snapshot().dump());
  ex_.step_done(step_.id, journal::StepState::kSucceeded, message);
}

void Executor::Run::fail(const std::string& message) {
  if (done_) return;
  done_ = true;
  (void)ex_.journal_.record_outcome(journal_id_, journal::StepState::kFailed, ex_.clock_.now(), message, snapshot().dump());
  ex_.step_done(step_.id, journal::StepState::kFailed, message);
}

}  // namespace hitless::exec
