#pragma once
// DomBuilder: builds one nlohmann value from SAX events, for the parts of a document a SAX pass
// keeps as trees (plan_scan.cpp: top-level fields, step params and undo); done() once the
// outermost value has closed.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hitless::plan {

class DomBuilder {
  using json = nlohmann::json;

 public:
  void reset() {
    root_ = json();
    stack_.clear();
    done_ = false;
  }
  bool done() const { return done_; }
  json& root() { return root_; }
  void key(std::string& k) { key_ = std::move(k); }
  void value(json v) { place(std::move(v)); }
  void open(json container) { stack_.push_back(place(std::move(container))); }
  void close() {
    stack_.pop_back();
    if (stack_.empty()) done_ = true;
  }

 private:
  json* place(json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      if (!root_.is_structured()) done_ = true;
      return &root_;
    }
    json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    return &(top[key_] = std::move(v));
  }

  json root_;
  std::vector<json*> stack_;
  std::string key_;
  bool done_ = false;
};

}  // namespace hitless::plan
