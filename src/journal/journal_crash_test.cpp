// Fault injection in the spirit of leveldb's fault_injection_test: a child process writes
// journal records as fast as it can and acknowledges each one once the call has returned; the
// parent kills it with SIGKILL at a random moment, then proves that the journal recovers, is
// intact, and holds every acknowledged record (plus at most the one in flight).
// Note: SIGKILL keeps what the kernel already has; losing unsynced data (power loss) would need a
// fault-injecting SQLite VFS, which this test does not attempt.

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <tuple>

#include "journal/journal.hpp"
#include "journal/test_temp_dir.hpp"

namespace hitless::journal {
namespace {

constexpr int kRounds = 5;
constexpr std::uint64_t kMaxOps = 10'000'000;  // far more than a child manages before the kill

// The deterministic write schedule of one round, six records per pair of steps: step 2b succeeds
// at once; step 2b+1 fails, is retried and succeeds (so attempts reach 2).
struct Op {
  std::string step;
  bool intent;
  StepState outcome;
};

Op op_at(int round, std::uint64_t k) {
  std::uint64_t block = k / 6, pos = k % 6;
  std::uint64_t step = 2 * block + (pos < 2 ? 0 : 1);
  std::string id = "r" + std::to_string(round) + "-s" + std::to_string(step);
  switch (pos) {
    case 0:
    case 2:
    case 4:
      return {id, true, StepState::kRunning};
    case 3:
      return {id, false, StepState::kFailed};
    default:
      return {id, false, StepState::kSucceeded};
  }
}

// What a step looks like, ignoring times: state, attempts, and whether it has an outcome.
using Shape = std::tuple<StepState, int, bool>;
using Shapes = std::map<std::string, Shape>;

Shapes expected_after(int round, std::uint64_t count) {
  Shapes shapes;
  for (std::uint64_t k = 0; k < count; ++k) {
    Op op = op_at(round, k);
    Shape& s = shapes[op.step];
    if (op.intent) {
      s = {StepState::kRunning, std::get<1>(s) + 1, false};
    } else {
      s = {op.outcome, std::get<1>(s), true};
    }
  }
  return shapes;
}

// Child: write records forever, acknowledging each after its call returned. Never returns.
[[noreturn]] void write_records(const std::string& path, int round, int ack_fd) {
  auto j = SqliteJournal::open(path);
  if (!j) _exit(3);
  for (std::uint64_t k = 0; k < kMaxOps; ++k) {
    Op op = op_at(round, k);
    double model = static_cast<double>(k);
    auto status = op.intent
                      ? (*j)->record_intent(op.step, model, R"({"k":)" + std::to_string(k) + "}")
                      : (*j)->record_outcome(op.step, op.outcome, model, "m", "{}");
    if (!status) _exit(4);
    if (write(ack_fd, &k, sizeof k) != static_cast<ssize_t>(sizeof k)) _exit(5);
  }
  _exit(0);
}

// Parent: reads acknowledgements until the deadline (or EOF); returns how many arrived, checking
// that they come in order, the first being number `first` (a second read goes on from where the
// first stopped). The deadline starts at the first ack when `from_first_ack`.
std::uint64_t read_acks(int fd, std::chrono::milliseconds delay, bool from_first_ack,
                        bool until_eof, std::uint64_t first = 0) {
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + (from_first_ack ? std::chrono::seconds(10) : delay);
  bool armed = !from_first_ack;
  std::uint64_t count = 0;
  std::string pending;
  for (;;) {
    int wait_ms = 0;
    if (!until_eof) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) break;
      wait_ms = static_cast<int>(left.count());
    }
    pollfd p{fd, POLLIN, 0};
    int rc = poll(&p, 1, until_eof ? -1 : wait_ms);
    if (rc <= 0) continue;
    char buf[8 * 512];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;  // EOF: the child is gone
    pending.append(buf, static_cast<std::size_t>(n));
    while (pending.size() >= sizeof(std::uint64_t)) {
      std::uint64_t k = 0;
      std::memcpy(&k, pending.data(), sizeof k);
      pending.erase(0, sizeof k);
      EXPECT_EQ(k, first + count) << "acknowledgements out of order";
      ++count;
    }
    if (!armed && count > 0) {
      armed = true;
      deadline = Clock::now() + delay;
    }
  }
  return count;
}

std::string integrity_check(const std::string& path) {
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return result;
}

Shapes shapes_of(const std::map<std::string, StepRecord>& steps, const std::string& prefix,
                 bool with_prefix) {
  Shapes out;
  for (const auto& [id, s] : steps) {
    if ((id.rfind(prefix, 0) == 0) != with_prefix) continue;
    out[id] = {s.state, s.attempts, s.outcome_wall > 0};
  }
  return out;
}

TEST(JournalCrash, EveryAcknowledgedRecordSurvivesSigkill) {
  test_util::TempDir dir;
  std::string path = dir.file("crash.journal");
  {
    auto j = SqliteJournal::create(path, "{}", "crash-test-plan");
    ASSERT_TRUE(j) << j.message();
  }
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<int> delay_ms(20, 200);
  Shapes earlier_rounds;  // what previous rounds left; later rounds must not disturb it
  std::uint64_t total_acks = 0;

  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      write_records(path, round, fds[1]);
    }
    close(fds[1]);
    // Even rounds may kill the child while it is still opening (recovering) the journal.
    auto delay = std::chrono::milliseconds(delay_ms(rng));
    std::uint64_t acked = read_acks(fds[0], delay, round % 2 == 1, false);
    kill(child, SIGKILL);
    int wstatus = 0;
    ASSERT_EQ(waitpid(child, &wstatus, 0), child);
    acked += read_acks(fds[0], delay, false, true, acked);  // acks already in the pipe count too
    close(fds[0]);
    ASSERT_TRUE((WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL) ||
                (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0))
        << "child failed with status " << wstatus;
    total_acks += acked;

    ASSERT_EQ(integrity_check(path), "ok");
    auto j = SqliteJournal::open(path);
    ASSERT_TRUE(j) << j.message();
    auto steps = (*j)->steps();
    for (const auto& [id, s] : steps) {
      SCOPED_TRACE(id);
      EXPECT_GE(s.attempts, 1);
      EXPECT_GT(s.intent_wall, 0);  // no outcome (nor any row) without an intent
      EXPECT_EQ(s.state == StepState::kRunning, s.outcome_wall == 0);
      if (s.outcome_wall > 0) {
        EXPECT_GE(s.outcome_wall, s.intent_wall);
      }
    }
    // Exactly the acknowledged records, or those plus the one in flight at the kill.
    std::string prefix = "r" + std::to_string(round) + "-";
    Shapes actual = shapes_of(steps, prefix, true);
    EXPECT_TRUE(actual == expected_after(round, acked) ||
                actual == expected_after(round, acked + 1))
        << acked << " records acknowledged, journal has " << actual.size() << " steps";
    EXPECT_EQ(shapes_of(steps, prefix, false), earlier_rounds);
    earlier_rounds.merge(actual);
  }
  EXPECT_GT(total_acks, 0u);
}

}  // namespace
}  // namespace hitless::journal
