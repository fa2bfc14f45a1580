// Executor::Run, the configuration part: before a step overwrites a node's configuration, what
// it holds now is compared with what the run has on record (executor/config_guard.hpp); after
// a step succeeded, the configuration it left is put on record; a backup step's export is kept
// (sealed, stored, proven) by the run's keeper.
#include "executor/backup_keeping.hpp"
#include "executor/step_run.hpp"

namespace hitless::exec {

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

// The keeper gets copies only: on a worker thread it must not touch the step or the executor.
void Executor::Run::keep_backup() {
  struct Kept {
    std::string why_not;
    nlohmann::json record;
  };
  auto kept = std::make_shared<Kept>();
  const std::string node = step_.targets.front();
  auto work = [kept, node, keep = ex_.opt_.keep_backup, answer = answers_["backup"],
               now = ex_.clock_.now()] {
    kept->why_not = keep_proven_backup(keep, node, answer, now, kept->record);
  };
  auto then = [this, kept, node, alive = std::weak_ptr<bool>(alive_)](bool returned) {
    if (!alive.lock()) return;
    if (!returned)
      return fail("backup of " + node +
                  " could not be kept: sealing and storing it did not finish in time");
    if (!kept->why_not.empty()) return fail(kept->why_not);
    backup_record_ = std::move(kept->record);
    ex_.proven_backups_.insert(node);
    stage_ = Stage::kGating;
    wait_gate();
  };
  if (!ex_.opt_.backup_worker) {
    work();
    return then(true);
  }
  ex_.opt_.backup_worker(std::move(work), std::move(then));
}

}  // namespace hitless::exec
