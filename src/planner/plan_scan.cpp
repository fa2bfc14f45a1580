#include "planner/plan_scan.hpp"

#include <string_view>
#include <unordered_map>

#include "planner/json_dom_builder.hpp"

namespace hitless::plan {
namespace {

using nlohmann::json;

enum class Field {
  kNone,
  kId,
  kVerb,
  kCluster,
  kTargets,
  kParams,
  kAfter,
  kPhase,
  kPreconditions,
  kGate,
  kGuards,
  kEstimate,
  kRepeatSafe,
  kUndo,
  kTitle,
  kSeedRef,
  kNoReturn,
  kOther
};

Field field_of(std::string_view k) {
  static const std::unordered_map<std::string_view, Field> fields{
      {"id", Field::kId},
      {"verb", Field::kVerb},
      {"cluster", Field::kCluster},
      {"targets", Field::kTargets},
      {"params", Field::kParams},
      {"after", Field::kAfter},
      {"phase", Field::kPhase},
      {"preconditions", Field::kPreconditions},
      {"gate", Field::kGate},
      {"guards", Field::kGuards},
      {"estimate_s", Field::kEstimate},
      {"repeat_safe", Field::kRepeatSafe},
      {"undo", Field::kUndo},
      {"title", Field::kTitle},
      {"seed_ref", Field::kSeedRef},
      {"no_return", Field::kNoReturn}};
  auto it = fields.find(k);
  return it == fields.end() ? Field::kOther : it->second;
}

// Fields a step must carry (as `at()` required them before).
constexpr unsigned kRequired =
    (1u << static_cast<int>(Field::kId)) | (1u << static_cast<int>(Field::kVerb)) |
    (1u << static_cast<int>(Field::kCluster)) | (1u << static_cast<int>(Field::kTargets)) |
    (1u << static_cast<int>(Field::kParams)) | (1u << static_cast<int>(Field::kAfter)) |
    (1u << static_cast<int>(Field::kPhase)) | (1u << static_cast<int>(Field::kEstimate)) |
    (1u << static_cast<int>(Field::kRepeatSafe)) | (1u << static_cast<int>(Field::kUndo)) |
    (1u << static_cast<int>(Field::kTitle)) | (1u << static_cast<int>(Field::kSeedRef));

// Where the parser is. Depths count open containers: 1 inside the document, 2 inside "steps", 3
// inside a step, 4 inside one of its arrays, 5 inside a condition, 6 inside a condition's "nodes".
enum class Mode { kTop, kDom, kSteps, kStep, kStrings, kConditions, kCondition, kCondNodes };

class PlanSax : public nlohmann::json_sax<json> {
 public:
  json top = json::object();  // every top-level field but "steps"
  std::vector<Step> steps;
  std::vector<std::string> verbs;  // per step, as written (checked once the step's id is known)
  std::string error;               // content error that stopped the parse
  bool not_object = false;
  bool saw_steps = false;

  bool null() override { return scalar(json(nullptr)); }
  bool boolean(bool b) override {
    if (mode_ == Mode::kStep && field_ == Field::kRepeatSafe)
      return seen(), step().repeat_safe = b, true;
    return scalar(json(b));
  }
  bool number_integer(number_integer_t v) override {
    return number(json(v), static_cast<double>(v));
  }
  bool number_unsigned(number_unsigned_t v) override {
    return number(json(v), static_cast<double>(v));
  }
  bool number_float(number_float_t v, const string_t&) override { return number(json(v), v); }
  bool string(string_t& s) override {
    switch (mode_) {
      case Mode::kStep: {
        Step& st = step();
        switch (field_) {
          case Field::kId:
            st.id = std::move(s);
            break;
          case Field::kVerb:
            verbs.back() = std::move(s);
            break;
          case Field::kCluster:
            st.cluster = std::move(s);
            break;
          case Field::kTitle:
            st.title = std::move(s);
            break;
          case Field::kSeedRef:
            st.seed_ref = std::move(s);
            break;
          case Field::kNoReturn:
            st.no_return = std::move(s);
            break;
          default:
            return scalar(json(std::move(s)));
        }
        return seen(), true;
      }
      case Mode::kStrings:
        return (field_ == Field::kTargets ? step().targets : step().after).push_back(std::move(s)),
               true;
      case Mode::kCondNodes:
        return cond_.nodes.push_back(std::move(s)), true;
      case Mode::kCondition:
        if (cond_key_ == "kind") {
          // Named once the step's id is known (keys come sorted: "gate" before "id").
          auto k = parse_cond(s);
          if (!k && step_error_.empty()) step_error_ = "unknown condition '" + s + "'";
          cond_.kind = k.value_or(Cond::kReachable);
          cond_fields_ |= 1;
        } else if (cond_key_ == "node") {
          cond_.node = std::move(s);
          cond_fields_ |= 2;
        } else if (cond_key_ == "value") {
          cond_.value = std::move(s);
          cond_fields_ |= 4;
        }  // other keys: ignored, as before
        return true;
      default:
        return scalar(json(std::move(s)));
    }
  }
  bool binary(binary_t&) override { return fail("binary data"); }

  bool start_object(std::size_t) override {
    switch (mode_) {
      case Mode::kTop:
        if (depth_ == 0) return ++depth_, true;
        return start_dom(json::object());
      case Mode::kDom:
        return ++depth_, dom_.open(json::object()), true;
      case Mode::kSteps:
        ++depth_;
        mode_ = Mode::kStep;
        steps.emplace_back();
        verbs.emplace_back();
        fields_ = 0;
        field_ = Field::kNone;
        step_error_.clear();
        return true;
      case Mode::kStep:
        if (field_ == Field::kParams || field_ == Field::kUndo || field_ == Field::kOther)
          return start_dom(json::object());
        return fail(std::string(field_name()) + ": unexpected object");
      case Mode::kConditions:
        ++depth_;
        mode_ = Mode::kCondition;
        cond_ = Condition{};
        cond_fields_ = 0;
        return true;
      default:
        return fail(std::string(field_name()) + ": unexpected object");
    }
  }
  bool key(string_t& k) override {
    switch (mode_) {
      case Mode::kTop:
        top_key_ = std::move(k);
        return true;
      case Mode::kDom:
        return dom_.key(k), true;
      case Mode::kStep:
        field_ = field_of(k);
        return true;
      case Mode::kCondition:
        cond_key_ = std::move(k);
        return true;
      default:
        return fail("unexpected key");
    }
  }
  bool end_object() override {
    --depth_;
    switch (mode_) {
      case Mode::kDom:
        return dom_.close(), dom_.done() ? end_dom() : true;
      case Mode::kStep:
        if (!step_error_.empty()) return fail(step_error_);
        if ((fields_ & kRequired) != kRequired) return fail("a required field is missing");
        mode_ = Mode::kSteps;
        return true;
      case Mode::kCondition:
        if ((cond_fields_ & 7) != 7)
          return fail(std::string(field_name()) + ": a condition needs kind, node and value");
        conditions().push_back(std::move(cond_));
        mode_ = Mode::kConditions;
        return true;
      default:
        return true;  // the document
    }
  }
  bool start_array(std::size_t) override {
    switch (mode_) {
      case Mode::kTop:
        if (depth_ == 0) return not_object = true, false;
        if (top_key_ == "steps") return ++depth_, saw_steps = true, mode_ = Mode::kSteps, true;
        return start_dom(json::array());
      case Mode::kDom:
        return ++depth_, dom_.open(json::array()), true;
      case Mode::kStep:
        switch (field_) {
          case Field::kTargets:
          case Field::kAfter:
            return ++depth_, seen(), mode_ = Mode::kStrings, true;
          case Field::kPreconditions:
          case Field::kGate:
          case Field::kGuards:
            return ++depth_, seen(), mode_ = Mode::kConditions, true;
          case Field::kParams:
          case Field::kUndo:
          case Field::kOther:
            return start_dom(json::array());
          default:
            return fail(std::string(field_name()) + ": unexpected array");
        }
      case Mode::kCondition:
        if (cond_key_ != "nodes") return fail("condition: unexpected " + cond_key_);
        return ++depth_, mode_ = Mode::kCondNodes, true;
      default:
        return fail("unexpected array");
    }
  }
  bool end_array() override {
    --depth_;
    switch (mode_) {
      case Mode::kDom:
        return dom_.close(), dom_.done() ? end_dom() : true;
      case Mode::kSteps:
        mode_ = Mode::kTop;
        return true;
      case Mode::kStrings:
      case Mode::kConditions:
        mode_ = Mode::kStep;
        return true;
      case Mode::kCondNodes:
        mode_ = Mode::kCondition;
        return true;
      default:
        return true;
    }
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  Step& step() { return steps.back(); }
  void seen() { fields_ |= 1u << static_cast<int>(field_); }
  std::vector<Condition>& conditions() {
    return field_ == Field::kGate     ? step().gate
           : field_ == Field::kGuards ? step().guards
                                      : step().preconditions;
  }
  const char* field_name() const {
    switch (field_) {
      case Field::kGate:
        return "gate";
      case Field::kGuards:
        return "guards";
      case Field::kPreconditions:
        return "preconditions";
      default:
        return "a field";
    }
  }
  bool fail(const std::string& what) {
    const std::string id =
        mode_ == Mode::kTop || mode_ == Mode::kSteps || steps.empty() ? "" : step().id;
    error = id.empty() ? "steps: " + what : "step " + id + ": " + what;
    return false;
  }
  bool number(json v, double d) {
    if (mode_ == Mode::kStep && field_ == Field::kEstimate)
      return seen(), step().estimate_s = d, true;
    if (mode_ == Mode::kStep && field_ == Field::kPhase) {
      if (!v.is_number_integer() && !v.is_number_unsigned())
        return fail("phase: expected an integer");
      return seen(), step().phase = v.get<int>(), true;
    }
    return scalar(std::move(v));
  }
  // A value that does not belong to a typed step field: into a tree (top level, params, undo,
  // unknown fields), or refused.
  bool scalar(json v) {
    switch (mode_) {
      case Mode::kDom:
        return dom_.value(std::move(v)), dom_.done() ? end_dom() : true;
      case Mode::kTop:
        if (depth_ == 0) return not_object = true, false;
        top[top_key_] = std::move(v);
        return true;
      case Mode::kStep:
        if (field_ == Field::kParams || field_ == Field::kUndo || field_ == Field::kOther) {
          if (field_ == Field::kUndo && v.is_null())
            seen();
          else if (field_ != Field::kOther)
            return fail(std::string(field_ == Field::kUndo ? "undo" : "params") +
                        ": expected an object");
          return true;
        }
        return fail("unexpected value " + v.dump());
      default:
        return fail("unexpected value " + v.dump());
    }
  }
  bool start_dom(json container) {
    ++depth_;
    outer_ = mode_;
    mode_ = Mode::kDom;
    dom_.reset();
    dom_.open(std::move(container));
    return true;
  }
  bool end_dom() {
    mode_ = outer_;
    json& v = dom_.root();
    if (mode_ == Mode::kTop) {
      top[top_key_] = std::move(v);
      return true;
    }
    if (field_ == Field::kParams) {
      if (!v.is_object()) return fail("params: expected an object");
      step().params = std::move(v);
      seen();
    } else if (field_ == Field::kUndo) {
      if (!v.is_object()) return fail("undo: expected an object or null");
      try {
        auto uv = parse_verb(v.at("verb"));
        if (!uv) return fail("unknown undo verb");
        step().undo = Undo{*uv, v.at("targets").get<std::vector<std::string>>(),
                           std::move(v.at("params")), v.at("title")};
      } catch (const nlohmann::json::exception& e) {
        return fail(std::string("undo: ") + e.what());
      }
      seen();
    }
    return true;
  }

  Mode mode_ = Mode::kTop, outer_ = Mode::kTop;
  int depth_ = 0;
  std::string top_key_, cond_key_, step_error_;
  Field field_ = Field::kNone;
  unsigned fields_ = 0, cond_fields_ = 0;
  Condition cond_;
  DomBuilder dom_;
};

}  // namespace

ScannedPlan scan_plan_text(const std::string& text) {
  PlanSax sax;
  ScannedPlan out;
  out.parsed = json::sax_parse(text, &sax);
  out.not_object = sax.not_object;
  out.saw_steps = sax.saw_steps;
  out.top = std::move(sax.top);
  out.steps = std::move(sax.steps);
  out.verbs = std::move(sax.verbs);
  out.error = std::move(sax.error);
  return out;
}

}  // namespace hitless::plan
