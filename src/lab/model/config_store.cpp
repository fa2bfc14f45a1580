#include "lab/model/config_store.hpp"

#include <nlohmann/json.hpp>

#include "catalog/package.hpp"

namespace hitless::lab {
namespace {

// The checksummed content. Its text is the pre-schema backup format, so checksums of stores
// written before change times and schemas existed are unchanged.
nlohmann::json content(const std::map<std::string, std::string>& users,
                       const std::map<std::string, std::string>& settings,
                       const std::map<std::string, double>& recordings, double base_size_mb) {
  nlohmann::json j;
  j["users"] = users;
  j["settings"] = settings;
  j["recordings"] = recordings;
  j["base_size_mb"] = base_size_mb;
  return j;
}

}  // namespace

ConfigStore ConfigStore::generate(const std::string& seed, int users, int settings, int recordings,
                                  double size_mb) {
  ConfigStore s;
  for (int i = 0; i < users; ++i) s.users_["user" + std::to_string(i)] = i == 0 ? "admin" : "rep";
  for (int i = 0; i < settings; ++i)
    s.settings_["setting." + std::to_string(i)] = seed + "/" + std::to_string(i * 7);
  for (int i = 0; i < recordings; ++i) s.recordings_["rec-" + seed + "-" + std::to_string(i)] = 0;
  s.base_size_mb_ = size_mb;
  return s;
}

void ConfigStore::changed() {
  checksum_.clear();
  config_checksum_.clear();
}

void ConfigStore::put_user(const std::string& name, const std::string& role, double now) {
  users_[name] = role;
  changed_at_["users/" + name] = now;
  changed();
}

void ConfigStore::put_setting(const std::string& key, const std::string& value, double now) {
  settings_[key] = value;
  changed_at_["settings/" + key] = now;
  changed();
}

void ConfigStore::add_recording(const std::string& id, double size_mb) {
  recordings_mb_ -= recordings_.count(id) ? recordings_[id] : 0;
  recordings_[id] = size_mb;
  recordings_mb_ += size_mb;
  changed();
}

void ConfigStore::take_configuration_from(const ConfigStore& primary) {
  users_ = primary.users_;
  settings_ = primary.settings_;
  changed_at_ = primary.changed_at_;
  base_size_mb_ = primary.base_size_mb_;
  ConfigStore own_recordings;
  own_recordings.recordings_ = std::move(recordings_);
  recordings_ = primary.recordings_;
  recordings_mb_ = primary.recordings_mb_;
  merge_recordings_from(own_recordings);
}

void ConfigStore::merge_recordings_from(const ConfigStore& other) {
  for (const auto& [id, mb] : other.recordings_) {
    if (recordings_.count(id)) continue;
    recordings_[id] = mb;
    recordings_mb_ += mb;
  }
  changed();
}

bool ConfigStore::migrate(const std::string& schema) {
  ConfigStore next;
  if (!next.deserialize(serialize())) return false;
  next.schema_ = schema;
  *this = std::move(next);
  return true;
}

std::map<std::string, std::string> ConfigStore::items() const {
  std::map<std::string, std::string> out;
  for (const auto& [name, role] : users_) out["users/" + name] = role;
  for (const auto& [key, value] : settings_) out["settings/" + key] = value;
  return out;
}

std::vector<std::string> ConfigStore::recording_ids() const {
  std::vector<std::string> out;
  out.reserve(recordings_.size());
  for (const auto& [id, mb] : recordings_) out.push_back(id);
  return out;
}

std::string ConfigStore::serialize() const {
  nlohmann::json j = content(users_, settings_, recordings_, base_size_mb_);
  j["schema"] = schema_;
  j["changed_at"] = changed_at_;
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
    // Optional: backups taken before schemas and change times were recorded lack them.
    s.schema_ = j.value("schema", std::string());
    if (j.contains("changed_at"))
      s.changed_at_ = j.at("changed_at").get<std::map<std::string, double>>();
    for (const auto& [id, mb] : s.recordings_) s.recordings_mb_ += mb;
    *this = std::move(s);
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

std::string ConfigStore::checksum() const {
  if (checksum_.empty())
    checksum_ = catalog::sha256_hex(content(users_, settings_, recordings_, base_size_mb_).dump());
  return checksum_;
}

std::string ConfigStore::configuration_checksum() const {
  if (config_checksum_.empty()) {
    nlohmann::json j;
    j["users"] = users_;
    j["settings"] = settings_;
    config_checksum_ = catalog::sha256_hex(j.dump());
  }
  return config_checksum_;
}

}  // namespace hitless::lab
