#pragma once
// Version: an appliance software version such as "7.1.0", "23.2R1.13" or "6.0.1-LTS".
// Compared component by component: numbers numerically, other text lexically, so that
// 7.10.0 > 7.9.3 and 23.2R1 < 23.4R1. Value type, pure.

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hitless {

class Version {
 public:
  // nullopt for text that has no digit at all or holds characters outside [A-Za-z0-9._-].
  static std::optional<Version> parse(std::string_view text);

  const std::string& str() const { return text_; }
  std::strong_ordering operator<=>(const Version& other) const;
  bool operator==(const Version& other) const { return (*this <=> other) == 0; }

  // True when this version starts with the dotted prefix ("7.1" matches 7.1.0 and 7.1.4, not 7.10).
  bool matches_prefix(std::string_view prefix) const;

 private:
  struct Part {
    bool numeric;
    unsigned long long number;
    std::string text;
  };
  std::string text_;
  std::vector<Part> parts_;
};

}  // namespace hitless
