#include "planner/condition.hpp"

#include <array>
#include <cmath>
#include <utility>

namespace hitless::plan {
namespace {

constexpr std::array<std::pair<Cond, const char*>, 25> kConds{{
    {Cond::kReachable, "reachable"},
    {Cond::kServing, "serving"},
    {Cond::kVersion, "version"},
    {Cond::kPackage, "package"},
    {Cond::kStaged, "staged"},
    {Cond::kInstallPending, "install-pending"},
    {Cond::kHaRole, "ha-role"},
    {Cond::kHaNone, "ha-none"},
    {Cond::kOwnsSharedIp, "owns-shared-ip"},
    {Cond::kServiceFrom, "service-from"},
    {Cond::kNotSyncing, "not-syncing"},
    {Cond::kSynced, "synced"},
    {Cond::kPoweredOff, "powered-off"},
    {Cond::kAccepting, "accepting"},
    {Cond::kDrained, "drained"},
    {Cond::kMinServing, "min-serving"},
    {Cond::kMaxOut, "max-out"},
    {Cond::kPairUp, "pair-up"},
    {Cond::kRegionServing, "region-serving"},
    {Cond::kDataEqual, "data-equal"},
    {Cond::kCertificate, "certificate"},
    {Cond::kFactoryDefaults, "factory-defaults"},
    {Cond::kHaStatus, "ha-status"},
    {Cond::kClockInSync, "clock-in-sync"},
    {Cond::kPeerInstallPending, "ha-peer-install-pending"},
}};

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

const char* to_string(Cond c) {
  for (const auto& [k, n] : kConds)
    if (k == c) return n;
  return "?";
}

std::optional<Cond> parse_cond(const std::string& s) {
  for (const auto& [k, n] : kConds)
    if (s == n) return k;
  return std::nullopt;
}

bool is_cluster_wide(Cond c) {
  return c == Cond::kMinServing || c == Cond::kMaxOut || c == Cond::kPairUp ||
         c == Cond::kRegionServing;
}

std::optional<int> required_count(const std::string& value, int total) {
  if (value.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    if (value.back() == '%') {
      const double pct = std::stod(value.substr(0, value.size() - 1), &used);
      if (used != value.size() - 1 || pct < 0 || pct > 100) return std::nullopt;
      return static_cast<int>(std::ceil(pct * total / 100.0 - 1e-9));
    }
    const int n = std::stoi(value, &used);
    if (used != value.size() || n < 0) return std::nullopt;
    return n;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string Condition::text() const {
  switch (kind) {
    case Cond::kReachable:
      return node + " answers its management API";
    case Cond::kServing:
      return node + " serves clients";
    case Cond::kVersion:
      return node + " runs " + value;
    case Cond::kPackage:
      return node + " has " + value + " installed";
    case Cond::kStaged:
      return value + " is staged on " + node;
    case Cond::kInstallPending:
      return node + " holds " + value + " in its other slot, active after reboot";
    case Cond::kHaRole:
      return node + " is " + value + " in the failover relation";
    case Cond::kHaNone:
      return node + " has no failover relation";
    case Cond::kHaStatus:
      return node + "'s HA status is " + value;
    case Cond::kPeerInstallPending:
      return node + "'s High Availability page shows " + value +
             " active after reboot on the other node";
    case Cond::kOwnsSharedIp:
      return node + " holds the shared IP";
    case Cond::kServiceFrom:
      return "the service address is answered by " + node;
    case Cond::kNotSyncing:
      return node + " is not syncing";
    case Cond::kSynced:
      return node + " finished a sync";
    case Cond::kPoweredOff:
      return node + " is powered off";
    case Cond::kAccepting:
      return node + (value == "no" ? " does not accept" : " accepts") + " new client connections";
    case Cond::kDrained:
      return node + " has no connected clients";
    case Cond::kMinServing:
      return "at least " + value + " of " + join(nodes) + " serving";
    case Cond::kMaxOut:
      return "at most " + value + " of " + join(nodes) + " out of service";
    case Cond::kPairUp:
      return "never both of " + join(nodes) + " down";
    case Cond::kClockInSync:
      return node + "'s clock is within " + value + " s of this host's";
    case Cond::kRegionServing: {
      const auto colon = value.find(':');
      return "at least " + (colon == std::string::npos ? "one" : value.substr(colon + 1)) +
             " node(s) of region " + value.substr(0, colon) + " (" + join(nodes) +
             ") serving and accepting new clients";
    }
    case Cond::kDataEqual:
      return node + " holds the same data as " + join(nodes) + " (checksums equal)";
    case Cond::kCertificate: {
      const auto at = value.find('@');
      if (at == std::string::npos) return node + " holds the certificate issued to " + value;
      return node + " holds the certificate issued to " + value.substr(0, at) + ", assigned to " +
             value.substr(at + 1);
    }
    case Cond::kFactoryDefaults:
      return node + " is reset to factory defaults";
  }
  return "?";
}

}  // namespace hitless::plan
