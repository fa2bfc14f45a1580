#include "model/version.hpp"

#include <cctype>

namespace hitless {
namespace {

constexpr std::size_t kMaxLength = 64;
constexpr std::uint64_t kMaxComponent = 1'000'000'000ULL;

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Reads "N(.N)*" from the start of `text` into `out`; returns the characters consumed (0 = none).
std::size_t read_dotted(std::string_view text, std::vector<std::uint64_t>& out) {
  std::size_t i = 0;
  while (true) {
    if (i >= text.size() || !is_digit(text[i])) return 0;  // a component must start with a digit
    std::uint64_t n = 0;
    while (i < text.size() && is_digit(text[i])) {
      n = n * 10 + static_cast<std::uint64_t>(text[i++] - '0');
      if (n > kMaxComponent) return 0;
    }
    out.push_back(n);
    if (i + 1 < text.size() && text[i] == '.' && is_digit(text[i + 1])) {
      ++i;
      continue;
    }
    return i;
  }
}

bool strip_prefix(std::string_view& text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  text.remove_prefix(prefix.size());
  return true;
}

}  // namespace

const char* to_string(VersionScheme s) {
  switch (s) {
    case VersionScheme::kDotted:
      return "dotted";
    case VersionScheme::kRelease:
      return "release";
    case VersionScheme::kBase:
      return "base";
    case VersionScheme::kBomgar:
      return "bomgar";
  }
  return "?";
}

std::optional<Version> Version::parse(std::string_view text) {
  if (text.empty() || text.size() > kMaxLength) return std::nullopt;
  Version v;
  v.text_ = std::string(text);
  std::string_view rest = text;
  if (strip_prefix(rest, "Base "))
    v.scheme_ = VersionScheme::kBase;
  else if (strip_prefix(rest, "Bomgar-"))
    v.scheme_ = VersionScheme::kBomgar;

  const std::size_t used = read_dotted(rest, v.numbers_);
  if (used == 0) return std::nullopt;
  rest.remove_prefix(used);
  if (v.scheme_ == VersionScheme::kDotted && !rest.empty() && rest[0] == 'R') {
    // major.minor R release [.build]: exactly two components before the R.
    if (v.numbers_.size() != 2) return std::nullopt;
    rest.remove_prefix(1);
    const std::size_t release = read_dotted(rest, v.numbers_);
    if (release == 0 || v.numbers_.size() > 4) return std::nullopt;
    rest.remove_prefix(release);
    v.scheme_ = VersionScheme::kRelease;
  } else if (v.scheme_ == VersionScheme::kDotted && rest == " LTS") {
    v.lts_ = true;
    rest = {};
  }
  if (!rest.empty()) return std::nullopt;
  return v;
}

std::strong_ordering Version::operator<=>(const Version& other) const {
  if (auto c = static_cast<int>(scheme_) <=> static_cast<int>(other.scheme_); c != 0) return c;
  const std::size_t n = std::max(numbers_.size(), other.numbers_.size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t a = i < numbers_.size() ? numbers_[i] : 0;
    const std::uint64_t b = i < other.numbers_.size() ? other.numbers_[i] : 0;
    if (auto c = a <=> b; c != 0) return c;
  }
  return std::strong_ordering::equal;
}

bool Version::matches_prefix(std::string_view prefix) const {
  if (prefix.empty() || prefix.size() > text_.size() ||
      text_.compare(0, prefix.size(), prefix) != 0)
    return false;
  if (prefix.size() == text_.size()) return true;
  const char next = text_[prefix.size()];
  return next == '.' || next == 'R' || next == ' ';
}

}  // namespace hitless
