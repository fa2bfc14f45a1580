#pragma once
// ConfigStore: an appliance's configuration data (user accounts, settings, session recordings),
// the thing that must never be lost. Its checksum is a SHA-256 over a canonical form, so tests
// and reports can prove that an upgrade, a reboot or a sync kept it intact. Value type.
// Configuration items are named "users/<name>" and "settings/<key>"; each remembers the model
// time it was last changed (only items changed since the lab started). A failover sync
// overwrites configuration but merges recordings (seed 001: sessions completed on either node
// while failover was broken sync once the relation is back).

#include <map>
#include <string>
#include <vector>

namespace hitless::lab {

class ConfigStore {
 public:
  // Deterministic content for a seed, so two nodes built from the same seed hold equal data.
  static ConfigStore generate(const std::string& seed, int users, int settings, int recordings,
                              double size_mb);

  // `now`: model time of the change, kept per item (see changed_at()).
  void put_user(const std::string& name, const std::string& role, double now);
  void put_setting(const std::string& key, const std::string& value, double now);
  void add_recording(const std::string& id, double size_mb);

  // Sync, backup side: configuration (users, settings, their change times, the file store size)
  // becomes `primary`'s; recordings become the union of both (the primary's entry wins for an id
  // both hold). The schema stays this store's.
  void take_configuration_from(const ConfigStore& primary);
  // Adds the recordings of `other` that this store lacks (this store's entry wins).
  void merge_recordings_from(const ConfigStore& other);

  // Install migration: round-trips the store through the serialized (backup) form and records
  // the new schema. False (and unchanged) if the round trip fails.
  bool migrate(const std::string& schema);

  // Whole store: users, settings, recordings, file store size. Not the schema, not change times.
  std::string checksum() const;
  // Users and settings only: equal on both nodes after a sync even if recordings differed.
  std::string configuration_checksum() const;
  // "users/<name>" -> role, "settings/<key>" -> value.
  std::map<std::string, std::string> items() const;
  const std::map<std::string, double>& changed_at() const { return changed_at_; }
  std::vector<std::string> recording_ids() const;
  bool has_recording(const std::string& id) const { return recordings_.count(id) > 0; }
  const std::string& schema() const { return schema_; }
  void set_schema(std::string schema) { schema_ = std::move(schema); }

  std::string serialize() const;  // canonical JSON text (also the backup format)
  // False (and unchanged) when the text is not a serialized store.
  bool deserialize(const std::string& text);

  std::size_t users() const { return users_.size(); }
  std::size_t settings() const { return settings_.size(); }
  std::size_t recordings() const { return recordings_.size(); }
  double size_mb() const { return base_size_mb_ + recordings_mb_; }

 private:
  void changed();

  std::map<std::string, std::string> users_;
  std::map<std::string, std::string> settings_;
  std::map<std::string, double> recordings_;
  std::map<std::string, double> changed_at_;  // item name -> model time of its last change
  std::string schema_;                        // main package version that last wrote the store
  double base_size_mb_ = 0;
  double recordings_mb_ = 0;
  mutable std::string checksum_;  // caches: status documents ask for them often
  mutable std::string config_checksum_;
};

}  // namespace hitless::lab
