#include "executor/config_guard.hpp"

#include "common/durations.hpp"

namespace hitless::exec {

std::optional<ConfigSnapshot> config_from_answer(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("items") || !j.at("items").is_object()) return std::nullopt;
  try {
    ConfigSnapshot s;
    s.checksum = j.value("config_checksum", "");
    s.items = j.at("items").get<std::map<std::string, std::string>>();
    if (j.contains("changed_at"))
      s.changed_at = j.at("changed_at").get<std::map<std::string, double>>();
    return s;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

nlohmann::json to_json(const ConfigSnapshot& s) {
  return {{"config_checksum", s.checksum}, {"items", s.items}, {"changed_at", s.changed_at}};
}

std::vector<ConfigChange> config_changes(const ConfigSnapshot& baseline,
                                         const ConfigSnapshot& now) {
  std::vector<ConfigChange> out;
  auto at = [&](const std::string& item) {
    auto it = now.changed_at.find(item);
    return it == now.changed_at.end() ? -1.0 : it->second;
  };
  for (const auto& [item, value] : now.items) {
    auto b = baseline.items.find(item);
    if (b == baseline.items.end())
      out.push_back({item, std::nullopt, value, at(item)});
    else if (b->second != value)
      out.push_back({item, b->second, value, at(item)});
  }
  for (const auto& [item, value] : baseline.items)
    if (!now.items.count(item)) out.push_back({item, value, std::nullopt, at(item)});
  return out;
}

std::string describe_changes(const std::string& node, const std::vector<ConfigChange>& changes) {
  std::string s;
  for (const auto& c : changes) {
    s += s.empty() ? "" : "; ";
    s += c.item + (c.before ? (c.now ? " changed" : " removed") : " added") + " on " + node;
    if (c.at >= 0) s += " at " + format_duration(c.at) + " (model time)";
    if (c.before && c.now) s += " (was '" + *c.before + "', now '" + *c.now + "')";
  }
  return s;
}

}  // namespace hitless::exec
