#include "executor/step_run.hpp"

#include "common/durations.hpp"
#include "executor/backup_keeping.hpp"
#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {

using plan::Verb;
using JournalStatus = Status<journal::JournalErrc>;

namespace {

nlohmann::json conditions_to_json(const std::vector<plan::Condition>& cs) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& c : cs)
    a.push_back({{"kind", plan::to_string(c.kind)},
                 {"node", c.node},
                 {"value", c.value},
                 {"nodes", c.nodes}});
  return a;
}

std::vector<plan::Condition> conditions_from_json(const nlohmann::json& a) {
  std::vector<plan::Condition> out;
  for (const auto& c : a)
    if (auto k = plan::parse_cond(c.value("kind", "")))
      out.push_back({*k, c.value("node", ""), c.value("value", ""),
                     c.value("nodes", std::vector<std::string>{})});
  return out;
}

// Which driver each call went to, and what it asked: how the step acted (seed 003: Other node >
// Shutdown on the peer, or out-of-band power). No parameters: they can carry secrets.
nlohmann::json calls_to_json(const std::vector<DriverCall>& calls) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& c : calls)
    a.push_back({{"channel", to_string(c.channel)}, {"target", c.target}, {"kind", c.action.kind}});
  return a;
}

std::string gate_text(const std::vector<plan::Condition>& gate) {
  std::string g;
  for (const auto& c : gate) g += (g.empty() ? "" : ", ") + c.text();
  return g;
}

}  // namespace

Executor::Run::Run(Executor& ex, plan::Step step, bool interrupted, std::string journal_id)
    : ex_(ex),
      step_(std::move(step)),
      handler_(VerbRegistry::builtin().find(step_.verb)),
      interrupted_(interrupted),
      journal_id_(std::move(journal_id)),
      polls_(ex.opt_, step_.estimate_s, journal_id_) {}

// From the moment its guards passed (or, on resume, it is found acting), the step's nodes count
// as down for every other step's guards. Checks and registration run on the one executor thread,
// so two steps launched together cannot both pass a guard that only one of them may.
void Executor::Run::take_out() {
  if (!taken_out_.empty()) return;
  taken_out_ = handler_->takes_out_of_service(step_);
  for (const auto& n : taken_out_) ++ex_.going_out_[n];
}

Executor::Run::~Run() {
  watch_gate(false);
  for (const auto& n : taken_out_)
    if (--ex_.going_out_[n] <= 0) ex_.going_out_.erase(n);
}

VerbContext Executor::Run::context() const {
  return VerbContext{step_, evidence_, ex_.catalog_, intent_detail_, answers_, gate_};
}

void Executor::Run::seen(const std::string& node,
                         const Result<ObservedNode, drivers::DriverErrc>& r) {
  if (!watching_ || stage_ != Stage::kGating) return;
  note_look(node, r);
  if (!unmet_gate().empty()) return;  // failures and timeouts are judged at the step's own look
  watch_gate(false);
  ++look_generation_;  // the look it had scheduled is void
  record_configuration(0, "gate passed: " + gate_text(gate_));
}

nlohmann::json Executor::Run::snapshot() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, n] : evidence_.nodes) {
    j[name] = {{"reachable", n.reachable},
               {"version", n.version},
               {"phase", n.phase},
               {"install_state", n.install_state},
               {"last_sync_at", n.last_sync_at},
               {"active_slot", n.active_slot}};
    if (n.lab) {
      j[name]["boots"] = n.lab->boots;
      j[name]["installs"] = n.lab->installs;
    }
  }
  return j;
}

void Executor::Run::begin() {
  started_ = ex_.clock_.now();
  if (ex_.sink_) ex_.sink_->step_started(step_, started_);
  if (step_.verb == Verb::kApproval) {
    intent_recorded_ = true;
    ex_.journal_write([this] { return ex_.journal_.record_intent(journal_id_, started_, "{}"); });
    if (ex_.opt_.auto_approve) {
      ex_.journal_write([this] { return ex_.journal_.approve(journal_id_, "auto-approve"); });
      return succeed("approved automatically (--auto-approve)");
    }
    stage_ = Stage::kWaitingApproval;
    ex_.transition(RunState::kWaitingApproval, "waiting for approval of " + journal_id_);
    ex_.event("approval", journal_id_, "",
              "waiting: " + step_.params.value("question", step_.title));
    return poll_approval();
  }
  if (step_.verb == Verb::kSoak) return soak();
  observe(nodes_of_interest(), preconditions_need_service(), [this] { after_first_look(); });
}

void Executor::Run::after_first_look() {
  if (interrupted_) return reconcile();
  if (ex_.opt_.keep_backup && step_.verb == Verb::kInstall)
    for (const auto& n : step_.targets)
      if (!ex_.proven_backups_.count(n))
        return fail("no proven backup of " + n + " on record: the install does not start");
  for (const auto& c : step_.preconditions)
    if (auto why = unmet(c, step_.cluster, evidence_))
      return fail("precondition not met: " + c.text() + " — " + *why);
  // Guards count every node a step in flight takes out as down, and this step's own.
  evidence_.going_out.clear();
  for (const auto& [n, count] : ex_.going_out_) evidence_.going_out.insert(n);
  for (const auto& n : handler_->takes_out_of_service(step_)) evidence_.going_out.insert(n);
  for (const auto& c : step_.guards)
    if (auto why = unmet(c, step_.cluster, evidence_))
      return withdraw(
          "guard of " + journal_id_ + " would break: " + c.text() + " — " + *why +
          "; the step did not start. Bring the missing nodes back, then `hitless resume`");
  evidence_.going_out.clear();
  take_out();
  check_configuration(0);
}

void Executor::Run::reconcile() {
  // Interrupted by a crash after its intent: it passed its preconditions back then.
  if (auto it = ex_.interrupted_.find(journal_id_);
      it != ex_.interrupted_.end() && !it->second.empty())
    intent_detail_ = nlohmann::json::parse(it->second, nullptr, false);
  if (!intent_detail_.is_object()) intent_detail_ = nlohmann::json::object();
  gate_ =
      intent_detail_.contains("@gate") ? conditions_from_json(intent_detail_["@gate"]) : step_.gate;
  take_out();
  intent_recorded_ = true;  // from the run that was interrupted
  const Reconcile r = handler_->reconcile(context());
  const std::string node = step_.targets.empty() ? "" : step_.targets.front();
  switch (r.kind) {
    case Reconciled::kAlreadyDone:
      return record_configuration(0, r.why);
    case Reconciled::kFailed:
      return fail(r.why);
    case Reconciled::kInProgress:
      ex_.event("reconcile", journal_id_, node, r.why);
      stage_ = Stage::kGating;
      acted_at_ = ex_.clock_.now() - step_.estimate_s / 2;  // it was sent some time ago
      deadline_ = gate_deadline();
      return wait_gate();
    case Reconciled::kResend:
      ex_.event("reconcile", journal_id_, node, r.why);
      return intent_then_act();
  }
}

bool Executor::Run::prepare_calls() {
  auto calls = handler_->calls(context());
  if (!calls) return fail(calls.message()), false;
  calls_ = carry_over_;
  calls_.insert(calls_.end(), calls->begin(), calls->end());
  next_call_ = 0;
  gate_ = handler_->gate(context());
  // "synced" is judged against the last sync each node had before the step acted.
  for (const auto& c : gate_)
    if (c.kind == plan::Cond::kSynced)
      evidence_.sync_baseline[c.node] = evidence_.nodes[c.node].last_sync_at;
  return true;
}

void Executor::Run::intent_then_act() {
  if (!prepare_calls()) return;
  if (auto why = handler_->route_note(context()))
    ex_.event("route", journal_id_, step_.targets.empty() ? "" : step_.targets.front(), *why);
  nlohmann::json detail = snapshot();
  detail["@gate"] = conditions_to_json(gate_);
  if (!calls_.empty()) detail["@calls"] = calls_to_json(calls_);
  stage_ = Stage::kActing;
  // Nothing is sent to a node before its intent is durable (the group commit's continuation).
  ex_.journal_write([this, id = journal_id_, now = ex_.clock_.now(),
                     d = detail.dump()] { return ex_.journal_.record_intent(id, now, d); },
                    [this, alive = std::weak_ptr<bool>(ex_.alive_)](const JournalStatus& s) {
                      if (!alive.lock()) return;
                      if (!s) return fail("cannot write the journal: " + s.message());
                      intent_recorded_ = true;
                      acted_at_ = ex_.clock_.now();
                      deadline_ = gate_deadline();
                      act();
                    });
}

double Executor::Run::gate_deadline() const {
  if (auto t = handler_->gate_timeout_s(step_)) return ex_.clock_.now() + *t;
  return ex_.clock_.now() + step_.estimate_s * ex_.opt_.timeout_factor + ex_.opt_.timeout_slack_s;
}

void Executor::Run::act() {
  if (next_call_ >= calls_.size()) return after_calls();
  DriverCall call = calls_[next_call_++];
  // A field of an earlier call's answer ("kind.field") becomes a parameter of this one (a file
  // carried from one appliance to another within the step; held in memory only).
  if (auto refs = call.action.params.find("@from_answer"); refs != call.action.params.end()) {
    const nlohmann::json wanted = *refs;
    call.action.params.erase("@from_answer");
    for (const auto& [param, ref] : wanted.items()) {
      const std::string r = ref.get<std::string>();
      const auto dot = r.find('.');
      const std::string of = r.substr(0, dot), field = r.substr(dot + 1);
      if (!answers_.contains(of) || !answers_[of].contains(field))
        return fail("the answer to " + of + " carried no " + field + " for " + call.action.kind +
                    " on " + call.target);
      call.action.params[param] = answers_[of][field];
    }
  }
  const std::string kind = call.action.kind;
  if (!reads_only(kind)) stale_after_acting(call);
  auto answered = [this, kind, call](Result<nlohmann::json, drivers::DriverErrc> r) {
    // What was seen while the request was on its way may predate it: stale again.
    if (!reads_only(kind)) stale_after_acting(call);
    if (!r) return fail(r.message());
    answers_[kind] = *r;
    act();
  };
  switch (call.channel) {
    case DriverCall::Channel::kAppliance:
      return ex_.drivers_.appliance->perform(call.target, call.action,
                                             ex_.later<nlohmann::json>(answered));
    case DriverCall::Channel::kPower:
      if (!ex_.drivers_.power) return fail("no power driver for " + call.target);
      return ex_.drivers_.power->set_power(
          call.target, call.action.params.value("on", false),
          ex_.later<Unit>([answered](Result<Unit, drivers::DriverErrc> r) {
            if (!r) return answered(r.error());
            answered(nlohmann::json::object());
          }));
    case DriverCall::Channel::kTraffic: {
      const auto& p = call.action.params;
      if (kind == "check")
        return ex_.traffic()->check(call.target, p.value("via", ""),
                                    ex_.later<nlohmann::json>(answered));
      if (kind != "switch")  // a member's state at the load balancer
        return ex_.traffic()->balance(call.target, call.action,
                                      ex_.later<nlohmann::json>(answered));
      return ex_.traffic()->move_clients(call.target, p.value("from", ""), p.value("to", ""),
                                         p.value("via", "shared-ip"),
                                         ex_.later<nlohmann::json>(answered));
    }
  }
}

// Calls that only read from the appliance (a backup download, a configuration read, the
// compatibility test) change nothing the gates look at: what was seen stays current.
bool Executor::Run::reads_only(const std::string& kind) {
  return kind == "config-read" || kind == "backup" || kind == "compat-test" || kind == "check";
}

// An action changes more than its target (breaking a relation changes the peer, a traffic switch
// both ends): every node its preconditions and gate name is seen afresh afterwards. Not the nodes
// only its guards name: those are the others that must keep serving, which the action does not
// address (and making a whole region stale after each of hundreds of steps starting together
// had every next step observe the region again: seconds of polling in a 500-node burst).
void Executor::Run::stale_after_acting(const DriverCall& call) {
  ex_.acted_on(call.target);
  for (const auto& n : nodes_of_interest(false)) ex_.acted_on(n);
}

void Executor::Run::after_calls() {
  if (auto why = handler_->judge_answers(context())) return fail(*why);
  if (answers_.contains("backup") && ex_.opt_.keep_backup) return keep_backup();
  stage_ = Stage::kGating;
  wait_gate();
}

std::string Executor::Run::unmet_gate() const {
  std::string out;
  for (const auto& c : gate_)
    if (auto why = unmet(c, step_.cluster, evidence_)) out += (out.empty() ? "" : "; ") + *why;
  return out;
}

void Executor::Run::wait_gate() {
  watch_gate(false);  // its own look is on its way; it judges what that brings
  if (gate_.empty()) {
    return record_configuration(
        0, answers_.contains("backup")
               ? backup_taken_message(step_.targets.front(), answers_["backup"], backup_record_)
               : "done");
  }
  // A step that sent nothing (check, verify) judges its gate on its first look first.
  const bool first_look_is_current = calls_.empty() && !gate_checked_ && looked_ && !interrupted_;
  gate_checked_ = true;
  if (first_look_is_current && !gate_needs_service() && unmet_gate().empty())
    return record_configuration(0, "gate passed: " + gate_text(gate_));
  observe(gate_nodes(), gate_needs_service(), [this] {
    const std::string missing = unmet_gate();
    if (missing.empty()) return record_configuration(0, "gate passed: " + gate_text(gate_));
    if (auto why = handler_->early_failure(context())) return fail(*why);
    if (ex_.clock_.now() > deadline_)
      if (auto done = handler_->on_gate_timeout(context())) return record_configuration(0, *done);
    if (ex_.clock_.now() > deadline_)
      return fail("timed out after " + format_duration(ex_.clock_.now() - started_) +
                  " waiting for: " + missing);
    const double interval = polls_.next(ex_.clock_.now() - acted_at_, ex_.running_.size());
    ex_.clock_.call_after(
        interval, [this, generation = ++look_generation_, alive = std::weak_ptr<bool>(alive_)] {
          if (alive.lock() && generation == look_generation_) wait_gate();
        });
    // A look at the service address is its own; gates on nodes only hear the others' looks.
    if (!gate_needs_service()) watch_gate(true);
  });
}

void Executor::Run::succeed(const std::string& message) {
  if (stage_ == Stage::kDone) return;
  stage_ = Stage::kDone;
  nlohmann::json detail = snapshot();
  if (!calls_.empty()) detail["@calls"] = calls_to_json(calls_);
  if (!recorded_config_.empty()) detail["@config"] = recorded_config_;
  if (backup_record_.is_object()) detail["@backup"] = backup_record_;
  ex_.journal_write(
      [this, id = journal_id_, now = ex_.clock_.now(), message, d = detail.dump()] {
        return ex_.journal_.record_outcome(id, journal::StepState::kSucceeded, now, message, d);
      },
      [this, message, alive = std::weak_ptr<bool>(ex_.alive_)](const JournalStatus&) {
        if (alive.lock()) ex_.step_done(step_.id, journal::StepState::kSucceeded, message);
      });
}

void Executor::Run::fail(const std::string& message) {
  if (stage_ == Stage::kDone) return;
  stage_ = Stage::kDone;
  const double now = ex_.clock_.now();
  nlohmann::json detail = snapshot();
  if (!calls_.empty()) detail["@calls"] = calls_to_json(calls_);
  // Failed before acting (a precondition, a refused call): on record as an attempt that did
  // nothing, so the journal never holds an outcome without its intent.
  if (!intent_recorded_) {
    nlohmann::json d = detail;
    d["@not_acted"] = true;
    ex_.journal_write([this, id = journal_id_, now, d = d.dump()] {
      return ex_.journal_.record_intent(id, now, d);
    });
    intent_recorded_ = true;
  }
  ex_.journal_write(
      [this, id = journal_id_, now, message, d = detail.dump()] {
        return ex_.journal_.record_outcome(id, journal::StepState::kFailed, now, message, d);
      },
      [this, message, alive = std::weak_ptr<bool>(ex_.alive_)](const JournalStatus&) {
        if (alive.lock()) ex_.step_done(step_.id, journal::StepState::kFailed, message);
      });
}

void Executor::Run::withdraw(const std::string& why) {
  if (stage_ == Stage::kDone) return;
  stage_ = Stage::kDone;
  ex_.event("paused", journal_id_, "", why);
  ex_.request_pause(why);
  ex_.step_withdrawn(step_.id);
}

}  // namespace hitless::exec
