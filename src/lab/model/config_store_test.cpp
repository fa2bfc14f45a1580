#include "lab/model/config_store.hpp"

#include <gtest/gtest.h>

namespace hitless::lab {
namespace {

ConfigStore sample() {
  ConfigStore s = ConfigStore::generate("pair", 2, 2, 2, 500);
  s.set_schema("7.1.0");
  return s;
}

TEST(ConfigStore, ItemsAreNamedByKindAndRememberWhenTheyChanged) {
  ConfigStore s = sample();
  EXPECT_TRUE(s.changed_at().empty());  // generated content predates the lab
  s.put_setting("banner", "hello", 42);
  s.put_user("alice", "admin", 43.5);
  const auto items = s.items();
  EXPECT_EQ(items.at("users/user0"), "admin");
  EXPECT_EQ(items.at("users/alice"), "admin");
  EXPECT_EQ(items.at("settings/banner"), "hello");
  EXPECT_EQ(items.at("settings/setting.1"), "pair/7");
  EXPECT_EQ(items.size(), 6u);
  EXPECT_DOUBLE_EQ(s.changed_at().at("settings/banner"), 42);
  EXPECT_DOUBLE_EQ(s.changed_at().at("users/alice"), 43.5);
  EXPECT_EQ(s.changed_at().size(), 2u);
}

TEST(ConfigStore, ConfigurationChecksumIgnoresRecordingsButTheWholeChecksumDoesNot) {
  ConfigStore s = sample();
  const auto config = s.configuration_checksum(), whole = s.checksum();
  s.add_recording("rec-new", 12);
  EXPECT_EQ(s.configuration_checksum(), config);
  EXPECT_NE(s.checksum(), whole);
  s.put_setting("banner", "x", 1);
  EXPECT_NE(s.configuration_checksum(), config);
}

TEST(ConfigStore, SchemaAndChangeTimesStayOutOfTheChecksum) {
  ConfigStore s = sample();
  const auto whole = s.checksum();
  s.set_schema("7.2.0");
  EXPECT_EQ(s.checksum(), whole);
  ConfigStore t = sample();
  t.put_setting("setting.0", "pair/0", 99);  // same value, now with a change time
  EXPECT_EQ(t.checksum(), whole);
}

TEST(ConfigStore, MigrationKeepsContentAndRecordsTheNewSchema) {
  ConfigStore s = sample();
  s.put_setting("banner", "hello", 42);
  s.add_recording("rec-during-install", 30);
  const auto whole = s.checksum(), config = s.configuration_checksum();
  const auto size = s.size_mb();
  ASSERT_TRUE(s.migrate("7.2.0"));
  EXPECT_EQ(s.schema(), "7.2.0");
  EXPECT_EQ(s.checksum(), whole);
  EXPECT_EQ(s.configuration_checksum(), config);
  EXPECT_DOUBLE_EQ(s.size_mb(), size);
  EXPECT_TRUE(s.has_recording("rec-during-install"));
  EXPECT_DOUBLE_EQ(s.changed_at().at("settings/banner"), 42);
  EXPECT_NE(s.serialize().find("\"schema\":\"7.2.0\""), std::string::npos);
}

TEST(ConfigStore, BackupRestoresEverythingAndOldBackupsWithoutSchemaStillLoad) {
  ConfigStore s = sample();
  s.put_user("alice", "rep", 5);
  ConfigStore r;
  ASSERT_TRUE(r.deserialize(s.serialize()));
  EXPECT_EQ(r.checksum(), s.checksum());
  EXPECT_EQ(r.schema(), "7.1.0");
  EXPECT_EQ(r.changed_at(), s.changed_at());
  ConfigStore old;
  ASSERT_TRUE(old.deserialize(
      R"({"users":{"u":"admin"},"settings":{},"recordings":{"r":1.5},"base_size_mb":10})"));
  EXPECT_DOUBLE_EQ(old.size_mb(), 11.5);
  EXPECT_FALSE(old.deserialize("{\"users\": 3}"));
}

TEST(ConfigStore, TakingThePrimarysConfigurationKeepsTheUnionOfRecordings) {
  ConfigStore primary = sample(), backup = sample();
  primary.put_setting("banner", "primary", 10);
  primary.add_recording("rec-on-primary", 5);
  backup.put_setting("banner", "backup", 20);
  backup.put_user("bob", "rep", 21);
  backup.add_recording("rec-on-backup", 7);
  primary.merge_recordings_from(backup);
  backup.take_configuration_from(primary);
  EXPECT_EQ(backup.items(), primary.items());
  EXPECT_EQ(backup.items().count("users/bob"), 0u);  // configuration is overwritten
  EXPECT_EQ(backup.changed_at(), primary.changed_at());
  for (const auto* s : {&primary, &backup}) {
    EXPECT_TRUE(s->has_recording("rec-on-primary"));
    EXPECT_TRUE(s->has_recording("rec-on-backup"));
  }
  EXPECT_EQ(backup.checksum(), primary.checksum());
  EXPECT_DOUBLE_EQ(backup.size_mb(), primary.size_mb());
}

}  // namespace
}  // namespace hitless::lab
