#include "model/version.hpp"

#include <cctype>

namespace hitless {

std::optional<Version> Version::parse(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  Version v;
  v.text_ = std::string(text);
  bool has_digit = false;
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '.' || c == '-' || c == '_') {
      ++i;
      continue;
    }
    if (std::isdigit(c)) {
      has_digit = true;
      unsigned long long n = 0;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        if (n > 1'000'000'000'000ULL) return std::nullopt;
        n = n * 10 + static_cast<unsigned>(text[i++] - '0');
      }
      v.parts_.push_back({true, n, {}});
    } else if (std::isalpha(c)) {
      std::string word;
      while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])))
        word += text[i++];
      v.parts_.push_back({false, 0, word});
    } else {
      return std::nullopt;
    }
  }
  if (!has_digit) return std::nullopt;
  return v;
}

std::strong_ordering Version::operator<=>(const Version& other) const {
  const std::size_t n = std::min(parts_.size(), other.parts_.size());
  for (std::size_t i = 0; i < n; ++i) {
    const Part& a = parts_[i];
    const Part& b = other.parts_[i];
    if (a.numeric != b.numeric)
      return a.numeric ? std::strong_ordering::greater : std::strong_ordering::less;
    if (a.numeric) {
      if (auto c = a.number <=> b.number; c != 0) return c;
    } else if (auto c = a.text <=> b.text; c != 0) {
      return c;
    }
  }
  // Missing trailing zeros are equal ("7.1" == "7.1.0"); otherwise the longer one is newer.
  auto rest_is_zero = [](const std::vector<Part>& p, std::size_t from) {
    for (std::size_t i = from; i < p.size(); ++i)
      if (!p[i].numeric || p[i].number != 0) return false;
    return true;
  };
  if (parts_.size() > n)
    return rest_is_zero(parts_, n) ? std::strong_ordering::equal : std::strong_ordering::greater;
  if (other.parts_.size() > n)
    return rest_is_zero(other.parts_, n) ? std::strong_ordering::equal : std::strong_ordering::less;
  return std::strong_ordering::equal;
}

bool Version::matches_prefix(std::string_view prefix) const {
  if (prefix.size() > text_.size() || text_.compare(0, prefix.size(), prefix) != 0) return false;
  if (prefix.size() == text_.size()) return true;
  const char next = text_[prefix.size()];
  return next == '.' || next == '-' || next == '_' ||
         std::isalpha(static_cast<unsigned char>(next));
}

}  // namespace hitless
