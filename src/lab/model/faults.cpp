#include "lab/model/faults.hpp"

#include <array>
#include <utility>

namespace hitless::lab {
namespace {
constexpr std::array<std::pair<Fault, const char*>, 13> kNames{{
    {Fault::kInstallFail, "install-fail"},
    {Fault::kBootFail, "boot-fail"},
    {Fault::kHang, "hang"},
    {Fault::kUnreachable, "unreachable"},
    {Fault::kSlowSync, "slow-sync"},
    {Fault::kDiskFull, "disk-full"},
    {Fault::kCorruptStage, "corrupt-stage"},
    {Fault::kCompatFail, "compat-fail"},
    {Fault::kNeverDrains, "never-drains"},
    {Fault::kRefusesRestore, "refuses-restore"},
    {Fault::kNoPowerOn, "no-power-on"},
    {Fault::kClockSkew, "clock-skew"},
    {Fault::kWedgeAfterPeerFirmware, "wedge-after-peer-firmware"},
}};
}  // namespace

std::optional<Fault> parse_fault(std::string_view name) {
  for (const auto& [f, n] : kNames)
    if (name == n) return f;
  return std::nullopt;
}

const char* to_string(Fault f) {
  for (const auto& [g, n] : kNames)
    if (f == g) return n;
  return "?";
}

std::string fault_names() {
  std::string out;
  for (const auto& [f, n] : kNames) out += (out.empty() ? "" : ", ") + std::string(n);
  return out + ", clear";
}

}  // namespace hitless::lab
