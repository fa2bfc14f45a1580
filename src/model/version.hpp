#pragma once
// Version: an appliance software version in one of the vendor schemes hitless knows, ordered the
// way the vendor orders releases. Schemes (anything else is refused, so a typo never sorts
// somewhere surprising):
//   dotted    "7.1.0", "1"           the lab and most firmware; also SPS's "7.0.2.1 LTS"
//   release   "6.0R3.1", "10.3R2.11" Pulse Secure and JunOS: major.minor R release [.build]
//   base      "Base 3.3.2"           BeyondTrust Base software
//   bomgar    "Bomgar-12.2.0"        BeyondTrust (Bomgar) site software
// Numbers compare numerically component by component ("7.10.0" > "7.9.3"); missing trailing
// components count as zero ("7.1" == "7.1.0"); the "LTS" label names a channel and does not change
// the order. Versions of different schemes order by scheme (they belong to different packages).
// Value type, pure.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hitless {

enum class VersionScheme { kDotted, kRelease, kBase, kBomgar };
const char* to_string(VersionScheme s);

class Version {
 public:
  // nullopt for text that fits none of the schemes above.
  static std::optional<Version> parse(std::string_view text);

  const std::string& str() const { return text_; }
  VersionScheme scheme() const { return scheme_; }
  bool lts() const { return lts_; }
  std::strong_ordering operator<=>(const Version& other) const;
  bool operator==(const Version& other) const { return (*this <=> other) == 0; }

  // True when this version starts with the prefix at a component boundary ("7.1" matches 7.1.0,
  // 7.1.4 and 7.1R2, not 7.10; "5.0" matches SPS 5.0.4; "Base 3.2" matches Base 3.2.4).
  bool matches_prefix(std::string_view prefix) const;

 private:
  std::string text_;
  VersionScheme scheme_ = VersionScheme::kDotted;
  bool lts_ = false;
  std::vector<std::uint64_t> numbers_;  // release scheme: major, minor, release, build...
};

}  // namespace hitless
