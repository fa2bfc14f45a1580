#include <optional>

#include "model/policy.hpp"
#include "model/policy_fields.hpp"
#include "model/yaml_reader.hpp"

// An inventory `policy:` mapping. Scalars go through the shared text form (policy_fields); the
// two list fields take YAML lists here: `windows` as a list of {start, end} maps (each error at
// the item's line) and `approval_phases` as a list of numbers or one word.

namespace hitless {
namespace {

YamlErrc to_yaml_errc(PolicyErrc code) {
  switch (code) {
    case PolicyErrc::kUnknownField:
      return YamlErrc::kUnknownField;
    case PolicyErrc::kDuplicate:
      return YamlErrc::kDuplicate;
    case PolicyErrc::kConflict:
      return YamlErrc::kConflict;
    case PolicyErrc::kWrongType:
    case PolicyErrc::kOutOfRange:
    case PolicyErrc::kMalformed:
      break;
  }
  return YamlErrc::kWrongType;  // the yaml reader reports range errors as kWrongType too
}

PolicyErrc to_policy_errc(YamlErrc code) {
  switch (code) {
    case YamlErrc::kUnknownField:
      return PolicyErrc::kUnknownField;
    case YamlErrc::kDuplicate:
      return PolicyErrc::kDuplicate;
    case YamlErrc::kConflict:
      return PolicyErrc::kConflict;
    case YamlErrc::kSyntax:
    case YamlErrc::kWrongType:
    case YamlErrc::kMissingField:
      break;
  }
  return PolicyErrc::kWrongType;
}

// Parses into `p`; on failure the reader holds the error and `code` its PolicyErrc when ours.
class PolicyYaml {
 public:
  PolicyYaml(YamlReader& r, std::optional<PolicyErrc>& code) : r_(r), code_(code) {}

  bool fail(PolicyErrc code, const YamlField& f, const std::string& message) {
    if (!r_.failed()) code_ = code;
    return r_.fail(to_yaml_errc(code), f, message);
  }
  template <class T>
  bool check(const Result<T, PolicyErrc>& v, const YamlField& f) {
    return v ? true : fail(v.code(), f, v.message());
  }

  bool read(const YamlField& map, Policy& p) {
    const auto es = r_.entries(map, policy_fields::kKeys);
    if (!es) return false;
    for (const YamlField& e : *es) {
      bool ok = true;
      if (e.key == "windows")
        ok = windows(e, p);
      else if (e.key == "approval_phases" && e.node.IsSequence())
        ok = phase_list(e, p);
      else if (e.key == "role_order" && e.node.IsSequence()) {
        std::string text;  // the --policy form: comma-separated
        for (const auto& item : e.node) {
          if (!item.IsScalar()) return fail(PolicyErrc::kWrongType, e, "expected a list of roles");
          text += (text.empty() ? "" : ",") + item.Scalar();
        }
        ok = check(policy_fields::set_from_text(p, e.key, text), e);
      } else {
        std::string text;
        ok = r_.read_scalar(e, "a single value", text) &&
             check(policy_fields::set_from_text(p, e.key, text), e);
      }
      if (!ok) return false;
    }
    return true;
  }

 private:
  bool timestamp(const YamlField& f, std::int64_t& out) {
    std::string text;
    if (!r_.read_scalar(f, "a UTC timestamp", text)) return false;
    auto t = policy_fields::parse_timestamp(text);
    if (!check(t, f)) return false;
    out = *t;
    return true;
  }

  bool windows(const YamlField& f, Policy& p) {
    if (f.node.IsScalar() && f.node.Scalar() == "none") {
      p.windows.clear();
      return true;
    }
    const auto items = r_.items(f, "windows ({start: ..., end: ...})");
    if (!items) return false;
    std::vector<MaintenanceWindow> ws;
    for (const YamlField& item : *items) {
      const auto es = r_.entries(item, policy_fields::kWindowKeys);
      if (!es) return false;
      std::optional<std::int64_t> start, end;
      const YamlField* end_field = nullptr;
      for (const YamlField& e : *es) {
        std::int64_t t = 0;
        if (!timestamp(e, t)) return false;
        (e.key == "start" ? start : end) = t;
        if (e.key == "end") end_field = &e;
      }
      if (!start) return r_.missing(item, "start", "a UTC timestamp such as 2026-12-01T01:00:00Z");
      if (!end) return r_.missing(item, "end", "a UTC timestamp such as 2026-12-01T05:00:00Z");
      auto w = policy_fields::make_window(*start, *end);
      if (!check(w, *end_field)) return false;
      ws.push_back(*w);
    }
    if (const auto o = policy_fields::find_overlap(ws)) {
      const YamlField& later = (*items)[o->second];
      return fail(
          PolicyErrc::kConflict, later,
          policy_fields::overlap_message(ws[o->second], ws[o->first], (*items)[o->first].path));
    }
    policy_fields::sort_windows(ws);
    p.windows = std::move(ws);
    return true;
  }

  bool phase_list(const YamlField& f, Policy& p) {
    const auto items = r_.items(f, "phase numbers");
    if (!items) return false;
    std::vector<int> phases;
    for (const YamlField& item : *items) {
      std::string text;
      if (!r_.read_scalar(item, "a phase number", text)) return false;
      auto n = policy_fields::parse_phase(text);
      if (!check(n, item)) return false;
      phases.push_back(*n);
    }
    if (!check(policy_fields::finish_phases(phases), f)) return false;
    p.approval_phases = {ApprovalPhases::Mode::kList, std::move(phases)};
    return true;
  }

  YamlReader& r_;
  std::optional<PolicyErrc>& code_;
};

}  // namespace

Result<Policy, PolicyErrc> policy_from_yaml(YamlReader& r, const YamlField& map,
                                            const Policy& base) {
  Policy p = base;
  std::optional<PolicyErrc> code;
  if (PolicyYaml(r, code).read(map, p)) return p;
  if (!r.failed()) return make_error(PolicyErrc::kMalformed, "policy: not read");  // not reached
  return make_error(code.value_or(to_policy_errc(r.error().code)), r.error().message);
}

}  // namespace hitless
