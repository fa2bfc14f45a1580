#pragma once
// ConfigStore: an appliance's configuration data (user accounts, settings, session recordings),
// the thing that must never be lost. Its checksum is a SHA-256 over a canonical form, so tests
// and reports can prove that an upgrade, a reboot or a sync kept it intact. Value type.

#include <map>
#include <string>

namespace hitless::lab {

class ConfigStore {
 public:
  // Deterministic content for a seed, so two nodes built from the same seed hold equal data.
  static ConfigStore generate(const std::string& seed, int users, int settings, int recordings,
                              double size_mb);

  void put_user(const std::string& name, const std::string& role) {
    users_[name] = role;
    checksum_.clear();
  }
  void put_setting(const std::string& key, const std::string& value) {
    settings_[key] = value;
    checksum_.clear();
  }
  void add_recording(const std::string& id, double size_mb);

  std::string checksum() const;
  std::string serialize() const;  // canonical JSON text (also the backup format)
  // False (and unchanged) when the text is not a serialized store.
  bool deserialize(const std::string& text);

  std::size_t users() const { return users_.size(); }
  std::size_t settings() const { return settings_.size(); }
  std::size_t recordings() const { return recordings_.size(); }
  double size_mb() const { return base_size_mb_ + recordings_mb_; }

 private:
  std::map<std::string, std::string> users_;
  std::map<std::string, std::string> settings_;
  std::map<std::string, double> recordings_;
  double base_size_mb_ = 0;
  double recordings_mb_ = 0;
  mutable std::string checksum_;  // cache: status documents ask for it often
};

}  // namespace hitless::lab
