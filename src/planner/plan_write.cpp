// The plan's JSON text, written straight from the Plan (no nlohmann tree), and its hash. The
// canonical form is nlohmann's compact dump of the document with keys sorted; plan_hash is the
// SHA-256 of that text for the body (everything but "plan_hash"). Keys below are in sorted order.
#include <sodium.h>

#include "model/json_writer.hpp"
#include "planner/plan.hpp"

namespace hitless::plan {
namespace {

std::string hex(const unsigned char* p, std::size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  s.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}

void write_conditions(JsonWriter& w, const std::vector<Condition>& cs) {
  w.begin_array();
  for (const auto& c : cs) {
    w.begin_object();
    w.key("kind"), w.str(to_string(c.kind));
    w.key("node"), w.str(c.node);
    if (!c.nodes.empty()) w.key("nodes"), w.strings(c.nodes);
    w.key("value"), w.str(c.value);
    w.end_object();
  }
  w.end_array();
}

void write_step(JsonWriter& w, const Step& s) {
  w.begin_object();
  w.key("after"), w.strings(s.after);
  w.key("cluster"), w.str(s.cluster);
  w.key("estimate_s"), w.number(s.estimate_s);
  w.key("gate"), write_conditions(w, s.gate);
  w.key("guards"), write_conditions(w, s.guards);
  w.key("id"), w.str(s.id);
  w.key("no_return"), w.str(s.no_return);
  w.key("params"), w.json(s.params);
  w.key("phase"), w.integer(s.phase);
  w.key("preconditions"), write_conditions(w, s.preconditions);
  w.key("repeat_safe"), w.boolean(s.repeat_safe);
  w.key("seed_ref"), w.str(s.seed_ref);
  w.key("targets"), w.strings(s.targets);
  w.key("title"), w.str(s.title);
  w.key("undo");
  if (s.undo) {
    w.begin_object();
    w.key("params"), w.json(s.undo->params);
    w.key("targets"), w.strings(s.undo->targets);
    w.key("title"), w.str(s.undo->title);
    w.key("verb"), w.str(to_string(s.undo->verb));
    w.end_object();
  } else {
    w.null();
  }
  w.key("verb"), w.str(to_string(s.verb));
  w.end_object();
}

// What the document derives from the plan, computed once for the hash and the text.
struct Derived {
  std::string observed_hash;
  double makespan_s = 0;
  explicit Derived(const Plan& p)
      : observed_hash(p.observed.hash()), makespan_s(p.estimated_makespan_s()) {}
};

// The whole document; without "plan_hash" when `hash` is null (the body that is hashed).
void write_plan(JsonWriter& w, const Plan& p, const Derived& d, const std::string* hash) {
  const std::string& observed_hash = d.observed_hash;
  w.begin_object();
  w.key("clusters"), w.strings(p.clusters);
  w.key("estimate");
  w.begin_object();
  w.key("makespan_s"), w.number(d.makespan_s);
  w.end_object();
  w.key("inventory"), w.str(p.inventory_file);
  // Only when there are any, so plans without notes keep the hash they had before notes existed.
  if (!p.notes.empty()) w.key("notes"), w.strings(p.notes);
  w.key("observed"), write_json(w, p.observed, observed_hash);
  w.key("observed_hash"), w.str(observed_hash);
  w.key("phases");
  w.begin_array();
  for (const auto& ph : p.phases) {
    w.begin_object();
    w.key("index"), w.integer(ph.index);
    w.key("name"), w.str(ph.name);
    w.end_object();
  }
  w.end_array();
  if (hash) w.key("plan_hash"), w.str(*hash);
  w.key("policy"), w.json(p.policy);
  w.key("schema"), w.str(Plan::kSchema);
  w.key("steps");
  w.begin_array();
  for (const auto& s : p.steps) write_step(w, s);
  w.end_array();
  w.key("strategies"), w.strings(p.strategies);
  w.key("target_version"), w.str(p.target_version);
  w.key("time_scale"), w.number(p.time_scale);
  w.end_object();
  w.finish();
}

std::string hash_of(const Plan& p, const Derived& d) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  JsonWriter w(-1, [&st](std::string_view part) {
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(part.data()),
                              part.size());
  });
  write_plan(w, p, d, nullptr);
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  return hex(out, sizeof out);
}

std::string text_of(const Plan& p, JsonWriter w, const std::string* given_hash) {
  const Derived d(p);
  const std::string hash = given_hash ? *given_hash : hash_of(p, d);
  write_plan(w, p, d, &hash);
  return std::move(w.text());
}

}  // namespace

std::string plan_hash(const Plan& p) { return hash_of(p, Derived(p)); }

std::string to_json_text(const Plan& p) { return text_of(p, JsonWriter(), nullptr); }

// Indented two spaces; each step, observed node, phase and cluster policy on one line: a third
// of the size of dump(2) for plans of many steps, and one line to grep or diff a step by.
std::string to_file_text(const Plan& p) { return text_of(p, JsonWriter(2, nullptr, 2), nullptr); }
std::string to_file_text(const Plan& p, const std::string& hash) {
  return text_of(p, JsonWriter(2, nullptr, 2), &hash);
}

nlohmann::json to_json(const Plan& p) { return nlohmann::json::parse(to_json_text(p)); }

}  // namespace hitless::plan
