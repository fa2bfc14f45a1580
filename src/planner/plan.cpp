#include "planner/plan.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <sstream>
#include <utility>

#include "common/durations.hpp"

namespace hitless::plan {
namespace {

constexpr std::array<std::pair<Verb, const char*>, 18> kVerbs{{
    {Verb::kCheck, "check"},          {Verb::kBackup, "backup"},
    {Verb::kSync, "sync"},            {Verb::kBreakHa, "break-ha"},
    {Verb::kEstablishHa, "establish-ha"}, {Verb::kStage, "stage"},
    {Verb::kCompatTest, "compat-test"}, {Verb::kInstall, "install"},
    {Verb::kReboot, "reboot"},        {Verb::kVerify, "verify"},
    {Verb::kApproval, "approval"},    {Verb::kSwitchTraffic, "switch-traffic"},
    {Verb::kSetRole, "set-role"},     {Verb::kSetAccepting, "set-accepting"},
    {Verb::kPowerOff, "power-off"},   {Verb::kPowerOn, "power-on"},
    {Verb::kSelectBootSlot, "select-boot-slot"}, {Verb::kRestoreSoftware, "restore-software"},
}};

std::string sha256_hex(const std::string& text) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  static const char* d = "0123456789abcdef";
  std::string s;
  for (unsigned char c : out) {
    s += d[c >> 4];
    s += d[c & 15];
  }
  return s;
}

nlohmann::json condition_json(const Condition& c) {
  nlohmann::json j = {{"kind", to_string(c.kind)}, {"node", c.node}, {"value", c.value}};
  if (!c.nodes.empty()) j["nodes"] = c.nodes;
  return j;
}

// Throws std::invalid_argument naming the kind when it is not one hitless knows.
Condition condition_from(const nlohmann::json& j) {
  const std::string kind = j.at("kind");
  auto k = parse_cond(kind);
  if (!k) throw std::invalid_argument("unknown condition '" + kind + "'");
  Condition c{*k, j.at("node"), j.at("value"), {}};
  if (j.contains("nodes")) c.nodes = j.at("nodes").get<std::vector<std::string>>();
  return c;
}

nlohmann::json conditions_json(const std::vector<Condition>& cs) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& c : cs) a.push_back(condition_json(c));
  return a;
}

std::vector<Condition> conditions_from(const nlohmann::json& j, const char* field) {
  std::vector<Condition> out;
  if (!j.contains(field)) return out;
  for (const auto& c : j.at(field)) out.push_back(condition_from(c));
  return out;
}

// Refuses dependencies on unknown steps and cycles; returns the steps in a topological order
// (stable: plan order among steps that are ready together), so estimates and the executor can
// walk them once.
Result<std::vector<Step>, PlanErrc> topological(std::vector<Step> steps, const std::string& file_name) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (!index.emplace(steps[i].id, i).second)
      return make_error(PlanErrc::kMalformed, file_name + ": step id " + steps[i].id + " appears twice");
  std::vector<int> waiting(steps.size(), 0);
  std::vector<std::vector<std::size_t>> children(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i)
    for (const auto& a : steps[i].after) {
      auto it = index.find(a);
      if (it == index.end())
        return make_error(PlanErrc::kMalformed, file_name + ": step " + steps[i].id + ": after: no step named '" + a + "'");
      children[it->second].push_back(i);
      ++waiting[i];
    }
  std::set<std::size_t> ready;
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (waiting[i] == 0) ready.insert(i);
  std::vector<Step> out;
  out.reserve(steps.size());
  while (!ready.empty()) {
    const std::size_t i = *ready.begin();
    ready.erase(ready.begin());
    for (std::size_t c : children[i])
      if (--waiting[c] == 0) ready.insert(c);
    out.push_back(std::move(steps[i]));
  }
  if (out.size() != steps.size()) {
    std::string in_cycle;
    for (std::size_t i = 0; i < steps.size(); ++i)
      if (waiting[i] > 0) in_cycle += (in_cycle.empty() ? "" : ", ") + steps[i].id;
    return make_error(PlanErrc::kMalformed, file_name + ": the steps' dependencies form a cycle (" + in_cycle + ")");
  }
  return out;
}

nlohmann::json step_json(const Step& s) {
  nlohmann::json undo = nullptr;
  if (s.undo) undo = {{"verb", to_string(s.undo->verb)}, {"targets", s.undo->targets}, {"params", s.undo->params}, {"title", s.undo->title}};
  return {{"id", s.id}, {"verb", to_string(s.verb)}, {"cluster", s.cluster}, {"targets", s.targets},
          {"params", s.params}, {"after", s.after}, {"phase", s.phase},
          {"preconditions", conditions_json(s.preconditions)}, {"gate", conditions_json(s.gate)},
          {"guards", conditions_json(s.guards)}, {"estimate_s", s.estimate_s}, {"repeat_safe", s.repeat_safe},
          {"undo", undo}, {"title", s.title}, {"seed_ref", s.seed_ref}, {"no_return", s.no_return}};
}

nlohmann::json body_json(const Plan& p) {
  nlohmann::json phases = nlohmann::json::array(), steps = nlohmann::json::array();
  for (const auto& ph : p.phases) phases.push_back({{"index", ph.index}, {"name", ph.name}});
  for (const auto& s : p.steps) steps.push_back(step_json(s));
  nlohmann::json body = {{"schema", Plan::kSchema},
                          {"inventory", p.inventory_file},
                          {"target_version", p.target_version},
                          {"clusters", p.clusters},
                          {"strategies", p.strategies},
                          {"time_scale", p.time_scale},
                          {"policy", p.policy},
                          {"observed", to_json(p.observed)},
                          {"observed_hash", p.observed.hash()},
                          {"phases", phases},
                          {"steps", steps},
                          {"estimate", {{"makespan_s", p.estimated_makespan_s()}}}};
  // Only when there are any, so plans without notes keep the hash they had before notes existed.
  if (!p.notes.empty()) body["notes"] = p.notes;
  return body;
}

}  // namespace

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
  std::map<std::string, double> finish;
  double best = 0;
  for (const auto& s : steps) {  // steps are stored in a topological order
    double start = 0;
    for (const auto& a : s.after) start = std::max(start, finish[a]);
    finish[s.id] = start + s.estimate_s;
    best = std::max(best, finish[s.id]);
  }
  return best;
}

std::string plan_hash(const Plan& p) { return sha256_hex(body_json(p).dump()); }

nlohmann::json to_json(const Plan& p) {
  auto j = body_json(p);
  j["plan_hash"] = sha256_hex(j.dump());
  return j;
}

Result<Plan, PlanErrc> plan_from_json_text(const std::string& text, const std::string& file_name) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return make_error(PlanErrc::kMalformed, file_name + ": not a complete JSON document (truncated or not a plan)");
  if (!j.is_object() || j.value("schema", "") != Plan::kSchema)
    return make_error(PlanErrc::kUnsupported, file_name + ": not a hitless plan (schema " + std::string(Plan::kSchema) + " expected)");
  try {
    Plan p;
    p.inventory_file = j.at("inventory");
    p.target_version = j.at("target_version");
    p.clusters = j.at("clusters").get<std::vector<std::string>>();
    p.strategies = j.at("strategies").get<std::vector<std::string>>();
    p.time_scale = j.at("time_scale");
    p.policy = j.at("policy");
    if (j.contains("notes")) p.notes = j.at("notes").get<std::vector<std::string>>();
    p.observed = observed_state_from_json(j.at("observed"));
    for (const auto& ph : j.at("phases")) p.phases.push_back({ph.at("index"), ph.at("name")});
    for (const auto& sj : j.at("steps")) {
      Step s;
      s.id = sj.at("id");
      auto v = parse_verb(sj.at("verb"));
      if (!v) return make_error(PlanErrc::kMalformed, file_name + ": step " + s.id + ": unknown verb " + sj.at("verb").dump());
      s.verb = *v;
      s.cluster = sj.at("cluster");
      s.targets = sj.at("targets").get<std::vector<std::string>>();
      s.params = sj.at("params");
      s.after = sj.at("after").get<std::vector<std::string>>();
      s.phase = sj.at("phase");
      try {
        s.preconditions = conditions_from(sj, "preconditions");
        s.gate = conditions_from(sj, "gate");
        s.guards = conditions_from(sj, "guards");
      } catch (const std::invalid_argument& e) {
        return make_error(PlanErrc::kMalformed, file_name + ": step " + s.id + ": " + e.what());
      }
      s.estimate_s = sj.at("estimate_s");
      s.repeat_safe = sj.at("repeat_safe");
      if (!sj.at("undo").is_null()) {
        const auto& u = sj.at("undo");
        auto uv = parse_verb(u.at("verb"));
        if (!uv) return make_error(PlanErrc::kMalformed, file_name + ": step " + s.id + ": unknown undo verb");
        s.undo = Undo{*uv, u.at("targets").get<std::vector<std::string>>(), u.at("params"), u.at("title")};
      }
      s.title = sj.at("title");
      s.seed_ref = sj.at("seed_ref");
      s.no_return = sj.value("no_return", "");
      p.steps.push_back(std::move(s));
    }
    auto ordered = topological(std::move(p.steps), file_name);
    if (!ordered) return ordered.error();
    p.steps = std::move(*ordered);
    const std::string want = j.at("plan_hash");
    const std::string have = plan_hash(p);
    if (want != have)
      return make_error(PlanErrc::kTampered, file_name + ": the plan's content does not match its plan_hash (edited by hand?); "
                                                "make a new plan with `hitless plan`");
    if (j.at("observed_hash") != p.observed.hash())
      return make_error(PlanErrc::kTampered, file_name + ": observed_hash does not match the observed state it carries");
    // Hashed, so written as it is: still, only a policy that reads back typed is run.
    if (!p.policy.is_object()) return make_error(PlanErrc::kMalformed, file_name + ": policy: expected an object per cluster");
    for (const auto& [cluster, pj] : p.policy.items()) {
      if (std::find(p.clusters.begin(), p.clusters.end(), cluster) == p.clusters.end())
        return make_error(PlanErrc::kMalformed, file_name + ": policy: '" + cluster + "' is not a cluster of this plan");
      if (auto typed = policy_from_json(pj); !typed)
        return make_error(PlanErrc::kMalformed, file_name + ": cluster " + cluster + ": " + typed.message());
    }
    return p;
  } catch (const nlohmann::json::exception& e) {
    return make_error(PlanErrc::kMalformed, file_name + ": " + e.what());
  }
}

std::string to_text(const Plan& p) {
  std::ostringstream o;
  o << "plan to " << p.target_version << " for";
  for (std::size_t i = 0; i < p.clusters.size(); ++i) o << " " << p.clusters[i] << " (" << p.strategies[i] << ")";
  o << "\n" << p.steps.size() << " steps in " << p.phases.size() << " phase(s); estimated makespan "
    << format_duration(p.estimated_makespan_s()) << "; plan " << plan_hash(p).substr(0, 12) << ", observed state "
    << p.observed.hash().substr(0, 12) << "\n";
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
  if (!typed) return make_error(PlanErrc::kMalformed, "cluster " + cluster + ": " + typed.message());
  return std::move(*typed);
}

std::string to_dot(const Plan& p) {
  std::ostringstream o;
  o << "digraph plan {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n";
  for (const auto& ph : p.phases) {
    o << "  subgraph cluster_phase" << ph.index << " {\n    label=\"phase " << ph.index + 1 << ": " << ph.name << "\";\n";
    for (const auto& s : p.steps)
      if (s.phase == ph.index) {
        std::string label = s.title;
        for (auto& c : label)
          if (c == '"') c = '\'';
        o << "    \"" << s.id << "\" [label=\"" << label << "\\n" << format_duration(s.estimate_s) << "\""
          << (s.verb == Verb::kApproval ? ", shape=diamond" : "") << (s.repeat_safe ? "" : ", style=bold") << (s.no_return.empty() ? "" : ", color=red") << "];\n";
      }
    o << "  }\n";
  }
  for (const auto& s : p.steps)
    for (const auto& a : s.after) o << "  \"" << a << "\" -> \"" << s.id << "\";\n";
  o << "}\n";
  return o.str();
}

}  // namespace hitless::plan
