#include "executor/step_run.hpp"

#include <filesystem>
#include <fstream>

#include "common/durations.hpp"
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
      journal_id_(std::move(journal_id)) {}

// From the moment its guards passed (or, on resume, it is found acting), the step's nodes count
// as down for every other step's guards. Checks and registration run on the one executor thread,
// so two steps launched together cannot both pass a guard that only one of them may.
void Executor::Run::take_out() {
  if (!taken_out_.empty()) return;
  taken_out_ = handler_->takes_out_of_service(step_);
  for (const auto& n : taken_out_) ++ex_.going_out_[n];
}

Executor::Run::~Run() {
  for (const auto& n : taken_out_)
    if (--ex_.going_out_[n] <= 0) ex_.going_out_.erase(n);
}

VerbContext Executor::Run::context() const {
  return VerbContext{step_, evidence_, ex_.catalog_, intent_detail_, answers_, gate_};
}

std::vector<std::string> Executor::Run::nodes_of_interest() const {
  std::vector<std::string> out = step_.targets;
  auto add = [&](const std::string& n) {
    if (!n.empty() && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  };
  for (const auto* list : {&step_.preconditions, &gate_, &step_.guards})
    for (const auto& c : *list) {
      add(c.node);
      for (const auto& n : c.nodes) add(n);
    }
  return out;
}

// What a repeated look at the gate needs: the nodes its conditions name, and for installs and
// reboots their node (a definite failure shows there). Fewer calls than looking at everything.
std::vector<std::string> Executor::Run::gate_nodes() const {
  std::vector<std::string> out;
  auto add = [&](const std::string& n) {
    if (!n.empty() && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  };
  // Installs and reboots can fail in a way their node shows before the gate times out.
  if (!step_.targets.empty() && (step_.verb == Verb::kInstall || step_.verb == Verb::kReboot))
    add(step_.targets.front());
  for (const auto& c : gate_) {
    add(c.node);
    for (const auto& n : c.nodes) add(n);
  }
  return out;
}

// A DNS or NAT cluster's steps require "the service address is answered by X" beforehand.
bool Executor::Run::preconditions_need_service() const {
  for (const auto& c : step_.preconditions)
    if (c.kind == plan::Cond::kServiceFrom) return true;
  return false;
}

bool Executor::Run::gate_needs_service() const {
  for (const auto& c : gate_)
    if (c.kind == plan::Cond::kServiceFrom) return true;
  return false;
}

void Executor::Run::observe(const std::vector<std::string>& nodes, bool with_service,
                            std::function<void()> then) {
  auto pending = std::make_shared<int>(static_cast<int>(nodes.size()) + (with_service ? 1 : 0));
  auto one_done = [pending, then] {
    if (--*pending == 0) then();
  };
  if (*pending == 0) return ex_.clock_.call_after(0, then), void();
  evidence_.answered_by.erase(step_.cluster);
  // Shared with other steps through the node watcher: never older than the last action on the
  // node; for a first look at most one reaction bound old, and afterwards only something seen
  // since this step's previous look (a repeated look must not be answered with what it saw).
  const double now = ex_.clock_.now();
  const double bound = ex_.opt_.reaction_s > 0 ? ex_.opt_.reaction_s : ex_.opt_.poll_interval_s;
  const double max_age = looked_ ? std::max(0.0, now - last_look_at_) * 0.999 : bound;
  looked_ = true;
  last_look_at_ = now;
  for (const auto& n : nodes) {
    ex_.observe_node(n, max_age, [this, n, one_done](Result<ObservedNode, drivers::DriverErrc> r) {
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
    });
  }
  if (with_service)
    ex_.drivers_.service->who_answers(
        step_.cluster,
        ex_.later<std::string>([this, one_done](Result<std::string, drivers::DriverErrc> r) {
          if (r) evidence_.answered_by[step_.cluster] = *r;
          one_done();
        }));
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

// The soak's end is journaled with its intent: wall-clock time in a real run (the process may
// stop and resume hours later), model time in the simulator. A resumed run waits what is left.
void Executor::Run::soak() {
  const bool wall = static_cast<bool>(ex_.opt_.wall_now);
  nlohmann::json intent = nlohmann::json::object();
  if (auto it = ex_.interrupted_.find(journal_id_);
      it != ex_.interrupted_.end() && !it->second.empty())
    intent = nlohmann::json::parse(it->second, nullptr, false);
  if (intent.is_object() && intent.contains("@soak_until") && intent["@soak_until"].is_number()) {
    soak_until_ = intent["@soak_until"].get<double>();
  } else {
    const double seconds = step_.params.value("seconds", 0.0);
    soak_until_ =
        wall ? ex_.opt_.wall_now() + seconds * ex_.plan_.time_scale : ex_.clock_.now() + seconds;
    intent = {{"@soak_until", soak_until_}, {"@clock", wall ? "wall" : "model"}};
    ex_.journal_write([this, now = started_, d = intent.dump()] {
      return ex_.journal_.record_intent(journal_id_, now, d);
    });
  }
  intent_recorded_ = true;
  ex_.event("soak", journal_id_, step_.targets.empty() ? "" : step_.targets.front(),
            "soaking " + format_duration(soak_left_s()) + " after " +
                step_.params.value("after", std::string("the last hop")));
  poll_soak();
}

// Model seconds until the soak ends (<= 0: over).
double Executor::Run::soak_left_s() const {
  if (!ex_.opt_.wall_now) return soak_until_ - ex_.clock_.now();
  return (soak_until_ - ex_.opt_.wall_now()) / std::max(ex_.plan_.time_scale, 1e-12);
}

void Executor::Run::poll_soak() {
  const double left = soak_left_s();
  if (left <= 0)
    return succeed("soaked " + format_duration(step_.params.value("seconds", 0.0)) + " after " +
                   step_.params.value("after", std::string("the last hop")));
  ex_.clock_.call_after(left, [this, alive = std::weak_ptr<bool>(ex_.alive_)] {
    if (alive.lock()) poll_soak();
  });
}

void Executor::Run::poll_approval() {
  if (ex_.journal_.approved(journal_id_)) {
    ex_.transition(RunState::kRunning, "");
    return succeed("approved");
  }
  ex_.clock_.call_after(ex_.opt_.approval_poll_s, [this, alive = std::weak_ptr<bool>(ex_.alive_)] {
    if (alive.lock()) poll_approval();
  });
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

// Before a step overwrites a node's configuration: compare it with what the run has on record.
void Executor::Run::check_configuration(std::size_t index) {
  const auto targets = handler_->overwrites_configuration_of(step_);
  if (index >= targets.size()) return intent_then_act();
  stage_ = Stage::kCheckingConfig;
  const std::string node = targets[index];
  auto base = ex_.config_baseline_.find(node);
  if (base == ex_.config_baseline_.end()) {
    ex_.event("config", journal_id_, node,
              "no configuration of " + node +
                  " on record; changes made to it during the run cannot be detected");
    return check_configuration(index + 1);
  }
  // The status already carries the configuration's checksum: unchanged, nothing to compare.
  if (auto seen = evidence_.nodes.find(node); seen != evidence_.nodes.end() &&
                                              !base->second.checksum.empty() &&
                                              seen->second.config_checksum == base->second.checksum)
    return check_configuration(index + 1);
  ex_.drivers_.appliance->perform(
      node, drivers::Action{"config-read", {}},
      ex_.later<nlohmann::json>([this, node, index](Result<nlohmann::json, drivers::DriverErrc> r) {
        auto now = r ? config_from_answer(*r) : std::nullopt;
        if (!now)
          return fail("cannot read the configuration of " + node + " before " + step_.title +
                      " overwrites it: " + (r ? std::string("malformed answer") : r.message()));
        const auto changes = config_changes(ex_.config_baseline_.at(node), *now);
        if (changes.empty()) return check_configuration(index + 1);
        const std::string what = describe_changes(node, changes);
        const ConfigChangePolicy policy = ex_.config_change_policy(step_.cluster);
        const std::string source = handler_->configuration_source(step_);
        if (policy == ConfigChangePolicy::kPause) {
          ex_.event("config-changed", journal_id_, node, what);
          return withdraw(
              "configuration changed on " + node + " during the run: " + what + ". " + journal_id_ +
              " would overwrite it with " + source + "'s. Re-apply the change on " + source +
              " and `hitless resume`, or `hitless resume --config-changes carry-over` "
              "(re-applied on " +
              source + " first) or `--config-changes discard` (lost; written in the report)");
        }
        if (policy == ConfigChangePolicy::kDiscard) {
          ex_.event("config-discarded", journal_id_, node, "discarded by policy: " + what);
          return check_configuration(index + 1);
        }
        std::string not_carried;
        for (const auto& c : changes) {
          if (c.now)
            carry_over_.push_back({DriverCall::Channel::kAppliance,
                                   source,
                                   {"config-set", {{"item", c.item}, {"value", *c.now}}}});
          else
            not_carried += (not_carried.empty() ? "" : ", ") + c.item;
        }
        ex_.event("config-carried-over", journal_id_, source,
                  "re-applied on " + source + " before the overwrite: " + what +
                      (not_carried.empty() ? "" : "; removals not carried: " + not_carried));
        check_configuration(index + 1);
      }));
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
  nlohmann::json detail = snapshot();
  detail["@gate"] = conditions_to_json(gate_);
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
// both ends): every node the step looks at is seen afresh afterwards.
void Executor::Run::stale_after_acting(const DriverCall& call) {
  ex_.acted_on(call.target);
  for (const auto& n : nodes_of_interest()) ex_.acted_on(n);
}

void Executor::Run::after_calls() {
  if (auto why = handler_->judge_answers(context())) return fail(*why);
  if (answers_.contains("backup"))
    if (auto why = keep_backup(); !why.empty()) return fail(why);
  stage_ = Stage::kGating;
  wait_gate();
}

// Sealed, stored and proven (ExecutorOptions::keep_backup); "" when it is, else why not.
std::string Executor::Run::keep_backup() {
  if (!ex_.opt_.keep_backup) return "";
  const std::string node = step_.targets.front();
  auto record = ex_.opt_.keep_backup(node, answers_["backup"], ex_.clock_.now());
  if (!record) return "backup of " + node + " could not be kept: " + record.message();
  if (!record->value("proven", false))
    return "backup of " + node + " is not proven: restored into a scratch node it held checksum " +
           record->value("restored_checksum", std::string("(nothing)")) + ", the node " +
           record->value("checksum", std::string("?"));
  backup_record_ = *record;
  ex_.proven_backups_.insert(node);
  return "";
}

// Adaptive waiting: aim the next look at the step's estimate (most steps end about then), never
// further ahead than the reaction bound; once the estimate has passed, look again soon and back
// off (doubling) up to the bound. Jitter, drawn from the step id, only makes a look earlier.
double Executor::Run::next_poll_interval() {
  const auto& o = ex_.opt_;
  if (o.reaction_s <= 0) return o.poll_interval_s;
  const double bound = std::max(o.reaction_s, o.reaction_share * step_.estimate_s);
  const double elapsed = ex_.clock_.now() - acted_at_;
  double delay;
  if (elapsed + o.poll_interval_s < step_.estimate_s) {
    delay = std::min(bound, step_.estimate_s - elapsed);
  } else {
    delay = std::min(bound, o.poll_interval_s * static_cast<double>(1u << std::min<std::size_t>(
                                                                        late_polls_++, 20)));
  }
  const std::size_t h = std::hash<std::string>{}(journal_id_ + "#" + std::to_string(polls_++));
  if (delay >= bound) delay *= 0.8 + 0.2 * static_cast<double>(h % 1000) / 1000.0;
  return std::max(o.poll_interval_s, delay);
}

std::string Executor::Run::unmet_gate() const {
  std::string out;
  for (const auto& c : gate_)
    if (auto why = unmet(c, step_.cluster, evidence_)) out += (out.empty() ? "" : "; ") + *why;
  return out;
}

void Executor::Run::wait_gate() {
  if (gate_.empty()) {
    std::string msg = "done";
    if (answers_.contains("backup")) {
      const auto& b = answers_["backup"];
      msg = "backup of " + step_.targets.front() + " taken (checksum " +
            b.value("checksum", std::string("?")).substr(0, 12) + ")" +
            (backup_record_.is_object() ? ", sealed, proven and stored in " +
                                              backup_record_.value("file", std::string("?"))
                                        : std::string());
    }
    return record_configuration(0, msg);
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
    const double interval = std::max(
        next_poll_interval(), static_cast<double>(ex_.running_.size()) * ex_.opt_.poll_spacing_s);
    ex_.clock_.call_after(interval, [this, alive = std::weak_ptr<bool>(ex_.alive_)] {
      if (alive.lock()) wait_gate();
    });
  });
}

// After success: the configuration the step left on record (a backup; a node a sync overwrote).
void Executor::Run::record_configuration(std::size_t index, const std::string& message) {
  const auto nodes = handler_->records_configuration_of(step_);
  if (index >= nodes.size()) return succeed(message);
  stage_ = Stage::kRecording;
  const std::string node = nodes[index];
  // Already on record with the checksum the node shows now: nothing new to read.
  if (auto on_record = ex_.config_baseline_.find(node); on_record != ex_.config_baseline_.end())
    if (auto seen = evidence_.nodes.find(node);
        seen != evidence_.nodes.end() && !on_record->second.checksum.empty() &&
        seen->second.config_checksum == on_record->second.checksum) {
      recorded_config_[node] = to_json(on_record->second);
      return record_configuration(index + 1, message);
    }
  ex_.drivers_.appliance->perform(
      node, drivers::Action{"config-read", {}},
      ex_.later<nlohmann::json>(
          [this, node, index, message](Result<nlohmann::json, drivers::DriverErrc> r) {
            auto snap = r ? config_from_answer(*r) : std::nullopt;
            if (snap) {
              ex_.config_baseline_[node] = *snap;
              recorded_config_[node] = to_json(*snap);
            } else {
              ex_.event("config", journal_id_, node,
                        "could not read the configuration items of " + node + " (" +
                            (r ? std::string("malformed answer") : r.message()) +
                            "); changes made to it from now on cannot be detected");
            }
            record_configuration(index + 1, message);
          }));
}

void Executor::Run::succeed(const std::string& message) {
  if (stage_ == Stage::kDone) return;
  stage_ = Stage::kDone;
  nlohmann::json detail = snapshot();
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
  const nlohmann::json detail = snapshot();
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
