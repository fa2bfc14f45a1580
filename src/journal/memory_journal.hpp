#pragma once
// MemoryJournal: a Journal kept in memory, for simulations and executor tests (nothing to persist:
// a simulated run is a prediction). Not final: tests derive a journal that fails on demand.
// Single-threaded.

#include <set>

#include "journal/journal.hpp"

namespace hitless::journal {

class MemoryJournal : public Journal {
 public:
  explicit MemoryJournal(std::string plan_hash) { run_.plan_hash = std::move(plan_hash); }
  journal::RunRecord run() override { return run_; }
  Status<journal::JournalErrc> set_run_state(const std::string& state,
                                             const std::string& message) override {
    run_.state = state;
    run_.message = message;
    return Unit{};
  }
  Status<journal::JournalErrc> record_intent(const std::string& id, double model,
                                             const std::string& detail) override {
    auto& r = steps_[id];
    r.step_id = id;
    r.state = journal::StepState::kRunning;
    r.intent_model = model;
    r.detail_json = detail;
    ++r.attempts;
    return Unit{};
  }
  Status<journal::JournalErrc> record_outcome(const std::string& id, journal::StepState st,
                                              double model, const std::string& msg,
                                              const std::string& detail) override {
    auto& r = steps_[id];
    r.step_id = id;
    r.state = st;
    r.outcome_model = model;
    r.message = msg;
    r.detail_json = detail;
    return Unit{};
  }
  std::map<std::string, journal::StepRecord> steps() override { return steps_; }
  Status<journal::JournalErrc> add_event(const journal::Event& e) override {
    events_.push_back(e);
    return Unit{};
  }
  std::vector<journal::Event> events() override { return events_; }
  Status<journal::JournalErrc> approve(const std::string& id, const std::string&) override {
    approved_.insert(id);
    return Unit{};
  }
  bool approved(const std::string& id) override { return approved_.count(id) > 0; }

 private:
  journal::RunRecord run_;
  std::map<std::string, journal::StepRecord> steps_;
  std::vector<journal::Event> events_;
  std::set<std::string> approved_;
};

}  // namespace hitless::journal
