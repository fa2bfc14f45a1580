// Executor::Run, how a step looks at its nodes: which nodes a look covers, whether the service
// address is looked at too, what a look tells the step, and hearing other steps' looks at the
// nodes its gate names while it waits.
#include "executor/step_run.hpp"

namespace hitless::exec {

using plan::Verb;

std::vector<std::string> Executor::Run::nodes_of_interest(bool with_guards) const {
  std::vector<std::string> out = step_.targets;
  auto add = [&](const std::string& n) {
    if (!n.empty() && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  };
  for (const auto* list : {&step_.preconditions, &gate_, &step_.guards})
    for (const auto& c : *list) {
      if (list == &step_.guards && !with_guards) continue;
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

// The looked-at nodes whose powered-off a precondition or the gate names: their BMC is read
// with the look. No other look asks a BMC anything.
std::vector<std::string> Executor::Run::power_readings_for(
    const std::vector<std::string>& nodes) const {
  std::vector<std::string> out;
  if (!ex_.drivers_.power) return out;
  for (const auto* list : {&step_.preconditions, &gate_})
    for (const auto& c : *list)
      if (c.kind == plan::Cond::kPoweredOff &&
          std::find(nodes.begin(), nodes.end(), c.node) != nodes.end() &&
          std::find(out.begin(), out.end(), c.node) == out.end())
        out.push_back(c.node);
  return out;
}

void Executor::Run::read_power(const std::string& node, std::function<void()> done) {
  // The previous reading stays until this one answers: a gate that hears another step's look
  // meanwhile must not fall back to judging a wedged node by its silence.
  ex_.drivers_.power->power_state(
      node, ex_.later<bool>([this, node, done](Result<bool, drivers::DriverErrc> r) {
        // kUnsupported: no out-of-band power reading; silence decides, as for any node.
        if (r)
          evidence_.bmc_power[node] = {*r, ""};
        else if (r.code() == drivers::DriverErrc::kUnsupported)
          evidence_.bmc_power.erase(node);
        else
          evidence_.bmc_power[node] = {std::nullopt, r.message()};
        done();
      }));
}

void Executor::Run::observe(const std::vector<std::string>& nodes, bool with_service,
                            std::function<void()> then) {
  const auto powered = power_readings_for(nodes);
  auto pending = std::make_shared<int>(static_cast<int>(nodes.size() + powered.size()) +
                                       (with_service ? 1 : 0));
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
      note_look(n, r);
      one_done();
    });
  }
  for (const auto& n : powered) read_power(n, one_done);
  if (with_service)
    ex_.drivers_.service->who_answers(
        step_.cluster,
        ex_.later<std::string>([this, one_done](Result<std::string, drivers::DriverErrc> r) {
          if (r) evidence_.answered_by[step_.cluster] = *r;
          one_done();
        }));
}

void Executor::Run::note_look(const std::string& node,
                              const Result<ObservedNode, drivers::DriverErrc>& r) {
  if (r) {
    evidence_.nodes[node] = *r;
    return;
  }
  ObservedNode down;
  down.name = node;
  down.reachable = false;
  down.error = r.message();
  evidence_.nodes[node] = down;
}

// Between its own looks a waiting step hears every fresh observation of the nodes its gate names
// (Executor::gate_watchers_), whoever asked for it.
void Executor::Run::watch_gate(bool on) {
  if (watching_ == on) return;
  watching_ = on;
  for (const auto& n : gate_nodes()) {
    if (on) {
      ex_.gate_watchers_[n][journal_id_] = this;
      continue;
    }
    auto it = ex_.gate_watchers_.find(n);
    if (it == ex_.gate_watchers_.end()) continue;
    it->second.erase(journal_id_);
    if (it->second.empty()) ex_.gate_watchers_.erase(it);
  }
}

}  // namespace hitless::exec
