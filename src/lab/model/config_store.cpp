#include "lab/model/config_store.hpp"

#include <nlohmann/json.hpp>

#include "catalog/package.hpp"

namespace hitless::lab {

ConfigStore ConfigStore::generate(const std::string& seed, int users, int settings, int recordings,
                                  double size_mb) {
  ConfigStore s;
  for (int i = 0; i < users; ++i) s.users_["user" + std::to_string(i)] = i == 0 ? "admin" : "rep";
  for (int i = 0; i < settings; ++i) s.settings_["setting." + std::to_string(i)] = seed + "/" + std::to_string(i * 7);
  for (int i = 0; i < recordings; ++i) s.recordings_["rec-" + seed + "-" + std::to_string(i)] = 0;
  s.base_size_mb_ = size_mb;
  return s;
}

void ConfigStore::add_recording(const std::string& id, double size_mb) {
  recordings_mb_ -= recordings_.count(id) ? recordings_[id] : 0;
  recordings_[id] = size_mb;
  recordings_mb_ += size_mb;
  checksum_.clear();
}

std::string ConfigStore::serialize() const {
  nlohmann::json j;
  j["users"] = users_;
  j["settings"] = settings_;
  j["recordings"] = recordings_;
  j["base_size_mb"] = base_size_mb_;
  return j.dump();  // std::map keys: canonical order
}

bool ConfigStore::deserialize(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  try {
    ConfigStore s;
    s.users_ = j.at("users").get<std::map<std::string, std::string>>();
    s.settings_ = j.at("settings").get<std::map<std::string, std::string>>();
    s.recordings_ = j.at("recordings").get<std::map<std::string, double>>();
    s.base_size_mb_ = j.at("base_size_mb").get<double>();
    for (const auto& [id, mb] : s.recordings_) s.recordings_mb_ += mb;
    *this = std::move(s);
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

std::string ConfigStore::checksum() const {
  if (checksum_.empty()) checksum_ = catalog::sha256_hex(serialize());
  return checksum_;
}

}  // namespace hitless::lab
