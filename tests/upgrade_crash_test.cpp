// kill -9 at points chosen from what the journal shows, then resume: the upgrade completes, no
// node installs anything twice, and no data is lost. The kill points come from the journal, not
// from wall-clock delays, so a slow machine (ASan, a busy CI runner) kills at the same kind of
// moments as a fast one.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

pid_t spawn_hitless(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv{const_cast<char*>(HITLESS_BIN_PATH)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execv(HITLESS_BIN_PATH, argv.data());
    _exit(127);
  }
  return pid;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// What the journal shows, read from outside the way an operator's `status` would, but read-only
// and with raw SQLite (journal_schema.cpp: tables run, steps, events).
struct JournalView {
  // Records so far: events + intents (sum of attempts) + recorded outcomes. Never decreases: a
  // new intent clears the step's outcome but adds an attempt.
  long records = 0;
  std::string run_state;
  std::set<std::string> intended;      // steps with at least one intent
  std::map<std::string, int> running;  // steps with an intent and no outcome -> their attempts
};

std::optional<JournalView> read_journal(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::optional<JournalView> view;
  if (rc == SQLITE_OK) {
    sqlite3_busy_timeout(db, 2000);
    JournalView v;
    bool ok = true;
    auto query = [&](const char* sql, auto&& row) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
        ok = false;
        return;
      }
      int step;
      while ((step = sqlite3_step(st)) == SQLITE_ROW) row(st);
      if (step != SQLITE_DONE) ok = false;
      sqlite3_finalize(st);
    };
    // One read transaction: the three numbers and the running steps belong to one moment.
    query("BEGIN", [](sqlite3_stmt*) {});
    query(
        "SELECT (SELECT COUNT(*) FROM events) + (SELECT COALESCE(SUM(attempts), 0) FROM steps) + "
        "(SELECT COUNT(*) FROM steps WHERE outcome_wall > 0), (SELECT state FROM run WHERE id = 1)",
        [&](sqlite3_stmt* st) {
          v.records = sqlite3_column_int64(st, 0);
          const unsigned char* s = sqlite3_column_text(st, 1);
          v.run_state = s ? reinterpret_cast<const char*>(s) : "";
        });
    query("SELECT step_id, attempts, state FROM steps", [&](sqlite3_stmt* st) {
      const std::string id = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      v.intended.insert(id);
      if (std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 2))) == "running")
        v.running[id] = sqlite3_column_int(st, 1);
    });
    query("COMMIT", [](sqlite3_stmt*) {});
    if (ok) view = v;
  }
  sqlite3_close(db);
  return view;
}

// The ids of the plan's install and reboot steps: the moments that matter most for a crash.
std::set<std::string> install_and_reboot_steps(const std::string& plan_path) {
  std::set<std::string> out;
  const auto plan = nlohmann::json::parse(read_text(plan_path));
  for (const auto& s : plan.at("steps")) {
    const std::string verb = s.at("verb");
    if (verb == "install" || verb == "reboot") out.insert(s.at("id").get<std::string>());
  }
  return out;
}

using Clock = std::chrono::steady_clock;
void pause_briefly() { std::this_thread::sleep_for(std::chrono::milliseconds(1)); }

TEST(CrashResume, KillsAtJournalPositionsThenResumeCompletesWithoutASecondInstall) {
  UpgradeLab lab;
  const std::string sum_a = lab.checksum("a"), sum_b = lab.checksum("b");
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  const std::string journal = lab.journal_path();
  const std::set<std::string> risky = install_and_reboot_steps(lab.plan_path());
  ASSERT_FALSE(risky.empty());

  // A clean run writes about three records per step (intent, outcome, its event) and a resumed
  // one a few more (the resume, reconciliations). Up to twenty kills K records apart, K drawn at
  // random up to about a seventh of that, reach well into the run.
  const int steps =
      static_cast<int>(nlohmann::json::parse(read_text(lab.plan_path())).at("steps").size());
  std::mt19937 rng(20261121);  // fixed seed: the same kill points (journal positions) every run
  std::uniform_int_distribution<int> more_records(1, std::max(2, 4 * steps / 10));
  // A generous bound for one process to reach its kill point (an ASan build on a busy 2-core
  // machine starts slowly); only a hung run comes near it.
  constexpr auto kPatience = std::chrono::seconds(120);

  long last_position = 0;              // records in the journal at the previous kill
  std::vector<long> positions;         // records in the journal at each kill, read after it
  std::set<std::string> seen_intents;  // "step#attempt" of install/reboot intents seen at a kill
  int mid_run = 0, intent_kills = 0, in_flight_kills = 0;
  bool finished = false;
  std::string log;
  for (int kill_no = 0; kill_no < 20 && !finished; ++kill_no) {
    log = lab.dir() + "/kill-" + std::to_string(kill_no) + ".log";
    const pid_t pid =
        kill_no == 0
            ? spawn_hitless({"apply", lab.plan_path(), "--journal", journal, "--auto-approve"}, log)
            : spawn_hitless({"resume", "--journal", journal, "--auto-approve"}, log);
    ASSERT_GT(pid, 0);
    // Kill K records on, or sooner: right after the intent of an install or reboot that no
    // earlier kill has seen (the moment its request goes to the node).
    const int k = more_records(rng);

    // Waits until the journal exists and shows the chosen moment, or the process ends by itself.
    const auto t0 = Clock::now();
    bool at_intent = false;
    int status = 0;
    for (;;) {
      if (waitpid(pid, &status, WNOHANG) == pid) {  // ended by itself: only success is fine
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
            << "kill " << kill_no << ": hitless ended with status " << status << "; " << log
            << ":\n"
            << read_text(log);
        finished = true;
        break;
      }
      if (Clock::now() - t0 > kPatience) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        FAIL() << "kill " << kill_no << ": the journal did not move past " << last_position
               << " records within " << kPatience.count() << " s; " << log << ":\n"
               << read_text(log);
      }
      std::optional<JournalView> v;
      if (std::filesystem::exists(journal)) v = read_journal(journal);
      if (!v || v->records <= last_position) {
        pause_briefly();
        continue;
      }
      // An install or reboot whose intent is recorded and that no earlier kill has seen: its
      // request is about to go (or just went) to the node.
      for (const auto& [id, attempts] : v->running)
        if (risky.count(id) && !seen_intents.count(id + "#" + std::to_string(attempts)))
          at_intent = true;
      if (at_intent || v->records >= last_position + k) break;
      pause_briefly();
    }
    if (finished) break;
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
      finished = WIFEXITED(status) && WEXITSTATUS(status) == 0;  // finished before the kill
      if (finished) break;
      FAIL() << "kill " << kill_no << ": hitless ended with status " << status
             << " before the kill; " << log << ":\n"
             << read_text(log);
    }
    const std::optional<JournalView> after = read_journal(journal);
    ASSERT_TRUE(after) << "kill " << kill_no << ": cannot read " << journal;
    positions.push_back(after->records);
    last_position = after->records;
    bool in_flight = false;  // an install or reboot between its intent and its outcome
    for (const auto& [id, attempts] : after->running)
      if (risky.count(id)) {
        seen_intents.insert(id + "#" + std::to_string(attempts));
        in_flight = true;
      }
    in_flight_kills += in_flight;
    intent_kills += at_intent;
    mid_run += after->run_state != "completed";
  }
  if (finished) std::printf("the run completed by itself after %zu kills\n", positions.size());

  auto last = run_hitless("resume --journal " + journal + " --auto-approve");
  ASSERT_EQ(last.exit_code, 0) << last.output;

  std::printf("kills at journal positions:");
  for (long p : positions) std::printf(" %ld", p);
  std::printf(" (%d while an install or reboot was in flight, %d of them right after its intent)\n",
              in_flight_kills, intent_kills);
  const std::set<long> distinct(positions.begin(), positions.end());
  EXPECT_EQ(distinct.size(), positions.size()) << "two kills at the same journal position";
  EXPECT_GE(mid_run, 10) << "the run finished too early to test much; lengthen the lab timings";
  EXPECT_GE(in_flight_kills, 1) << "no kill landed while an install or reboot was in flight";

  for (const char* n : {"a", "b"}) {
    EXPECT_EQ(lab.node_field(n, "version"), "7.2.0") << n;
    EXPECT_EQ(lab.node_field(n, "installs"), "2") << n << " installed something twice";
  }
  EXPECT_EQ(lab.node_field("b", "ha", "role"), "primary");
  EXPECT_EQ(lab.node_field("a", "ha", "role"), "backup");
  EXPECT_EQ(lab.checksum("a"), sum_a);
  EXPECT_EQ(lab.checksum("b"), sum_b);
}

}  // namespace
}  // namespace hitless::testing
