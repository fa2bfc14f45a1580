#include "model/yaml_documents.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

namespace hitless {
namespace {

int line_of(const YAML::Mark& m) { return m.line >= 0 ? m.line + 1 : 1; }

// Only the start of each document matters: whether the parser moved on since the last one.
// (and where its first node is, which is where an error about it points).
class DocumentStarts : public YAML::EventHandler {
 public:
  YAML::Mark start, first_node;
  void OnDocumentStart(const YAML::Mark& mark) override {
    start = first_node = mark, seen_ = false;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    node(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnMapEnd() override {}

 private:
  void node(const YAML::Mark& m) {
    if (!seen_) first_node = m;
    seen_ = true;
  }
  bool seen_ = false;
};

std::string token_at(const std::string& text, const YAML::Mark& m) {
  if (m.pos < 0 || static_cast<std::size_t>(m.pos) >= text.size()) return "a token";
  return std::string("'") + text[static_cast<std::size_t>(m.pos)] + "'";
}

}  // namespace

std::optional<YamlDocumentError> load_single_yaml_document(const std::string& text,
                                                           YAML::Node& first) {
  try {
    // YAML::Load parses exactly one document, so it cannot take LoadAll's endless turn.
    first = YAML::Load(text);
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts starts;
    // Every document must start past the one before; one that starts where the last did is the
    // parser stuck on a token no rule consumes (#1040): yaml-cpp would hand out empty documents
    // from there forever. Each turn consumes at least one token, so the walk ends.
    int documents = 0;
    YAML::Mark last, second;
    while (parser.HandleNextDocument(starts)) {
      if (documents > 0 && starts.start.pos == last.pos)
        return YamlDocumentError{line_of(starts.start),
                                 "YAML syntax error: unexpected " + token_at(text, starts.start) +
                                     " (a ',' belongs inside [ ] or { })",
                                 false};
      if (++documents == 2) second = starts.first_node;
      last = starts.start;
    }
    if (documents > 1) return YamlDocumentError{line_of(second), "", true};
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    return YamlDocumentError{line_of(e.mark), "YAML syntax error: " + e.msg, false};
  }
}

}  // namespace hitless
