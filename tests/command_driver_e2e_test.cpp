// The command driver end to end: a lab failover pair upgraded through `curl` with the lab-rest
// vendor profile (the inventory's nodes rewritten to `driver: command`), checked like the lab
// driver's run; the node tokens in no file or stream the run produced; and the refusals that
// happen before anything is contacted or changed.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string lab_rest() { return std::string(HITLESS_PROFILES_DIR) + "/lab-rest.yaml"; }

// Every text and blob cell of every table of a SQLite file, read-only.
std::string sqlite_dump(const std::string& path) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    ADD_FAILURE() << "cannot open " << path;
    return out;
  }
  std::vector<std::string> tables;
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table'", -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW)
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  for (const auto& t : tables) {
    sqlite3_prepare_v2(db, ("SELECT * FROM \"" + t + "\"").c_str(), -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
      for (int c = 0; c < sqlite3_column_count(st); ++c)
        if (const void* b = sqlite3_column_blob(st, c))
          out.append(static_cast<const char*>(b), sqlite3_column_bytes(st, c)) += '\n';
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  EXPECT_GT(out.size(), 1000u) << "the journal of a whole run holds more than that";
  return out;
}

TEST(CommandDriverPair, UpgradedThroughCurlWithTheLabRestProfileLikeTheLabDriver) {
  UpgradeLab lab;
  use_command_driver(lab, lab_rest());
  expect_async_pair_upgrade_seen_only_as_the_switch(lab);
}

TEST(CommandDriverSecrets, TheNodeTokensAreInNoFileOrStreamTheRunProduced) {
  UpgradeLab lab;
  use_command_driver(lab, lab_rest());
  std::vector<std::string> tokens;
  for (const char* n : {"a", "b"}) {
    std::string t = read_all(lab.dir() + "/secrets/" + n + ".token");
    while (!t.empty() && t.back() == '\n') t.pop_back();
    ASSERT_GE(t.size(), 16u);
    tokens.push_back(t);
  }
  std::string streams;
  const auto run = [&](const std::string& args) {
    auto r = run_hitless(args);
    streams += r.output;  // stdout and stderr together
    return r;
  };
  ASSERT_EQ(run("plan -i " + lab.inventory() + " --to 7.2.0 --strategy asynchronous -o " +
                lab.plan_path())
                .exit_code,
            0);
  // A failing step too (the install is refused): its message quotes what curl printed.
  ASSERT_EQ(lab.run_fault("a", "compat-fail"), 0);
  auto applied =
      run("apply " + lab.plan_path() + " --journal " + lab.journal_path() + " --auto-approve");
  EXPECT_NE(applied.exit_code, 0) << applied.output;
  run("status --journal " + lab.journal_path() + " --format json");
  run("report --journal " + lab.journal_path() + " --format json --svg " + lab.dir() +
      "/report.svg");
  run("report --journal " + lab.journal_path());
  ASSERT_NE(streams.find("curl exited with status 22"), std::string::npos) << streams;

  std::map<std::string, std::string> outputs{
      {"the command streams", streams},
      {"journal (SQLite, every cell)", sqlite_dump(lab.journal_path())}};
  // Every file in the lab directory but the lab's own (its secrets, log and repository).
  for (const auto& f : fs::recursive_directory_iterator(lab.dir())) {
    const std::string rel = fs::relative(f.path(), lab.dir()).string();
    if (!f.is_regular_file() || rel.rfind("secrets/", 0) == 0 || rel.rfind("repo/", 0) == 0 ||
        rel == "lab.log" || rel == "lab.json" || rel == "lab.pid")
      continue;
    outputs[rel] = read_all(f.path().string());
  }
  EXPECT_TRUE(outputs.count("plan.json"));
  EXPECT_TRUE(outputs.count("report.svg"));
  for (const auto& [what, text] : outputs)
    for (const auto& t : tokens) EXPECT_EQ(text.find(t), std::string::npos) << what;
}

TEST(CommandDriverRefusals, MissingActionsAndLooseTokenFilesStopThePlanAndChangeNothing) {
  UpgradeLab lab;
  const std::string lab_inventory = read_all(lab.inventory());
  // A profile without ha-break: the async plan's break-ha step cannot be carried out.
  std::string text = read_all(lab_rest());
  const auto from = text.find("  ha-break:\n");
  const auto to = text.find("  ha-establish:\n");
  ASSERT_NE(from, std::string::npos);
  text.erase(from, to - from);
  const std::string partial = lab.dir() + "/partial.yaml";
  write_text(partial, text);
  use_command_driver(lab, partial);
  auto r = lab.plan("asynchronous");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("(verb break-ha) needs action 'ha-break'"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(partial), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(lab.plan_path()));

  // A token file its group and others can read: refused with the fix, before any node is seen.
  use_command_driver(lab, lab_rest());
  const std::string token = lab.dir() + "/secrets/a.token";
  ::chmod(token.c_str(), 0644);
  r = lab.plan("asynchronous");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(token + " has mode 644"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("chmod 600 " + token), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(lab.plan_path()));
  // The lab driver reads token files the same way.
  write_text(lab.inventory(), lab_inventory);
  r = lab.plan("asynchronous");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("chmod 600 " + token), std::string::npos) << r.output;
  ::chmod(token.c_str(), 0600);
  EXPECT_EQ(lab.plan("asynchronous").exit_code, 0);
  for (const char* n : {"a", "b"}) EXPECT_EQ(lab.node_field(n, "version"), "7.1.0") << n;
  EXPECT_EQ(lab.node_field("a", "ha", "role"), "primary");
}

// `hitless profile check` names every verb a shipped profile cannot carry out, the late ones and
// the forms that depend on parameters too; seed 003's HA steps are in the SPS and lab-rest ones.
TEST(ProfileCheck, ShippedProfilesNameWhatTheyCannotDoAndTheSpsOnesCanDoSeed003) {
  const std::string dir = HITLESS_PROFILES_DIR;
  const auto skeleton = run_hitless("profile check " + dir + "/skeleton.yaml");
  ASSERT_EQ(skeleton.exit_code, 0) << skeleton.output;
  EXPECT_NE(skeleton.output.find("activate-slave (needs ha-activate-slave)"), std::string::npos)
      << skeleton.output;
  for (const char* name : {"sps.yaml", "lab-rest.yaml"}) {
    const auto r = run_hitless("profile check " + dir + "/" + name);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find("needs ha-activate-slave"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("needs ha-shutdown-other"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("power-on (needs"), std::string::npos) << r.output;
  }
}

}  // namespace
}  // namespace hitless::testing
