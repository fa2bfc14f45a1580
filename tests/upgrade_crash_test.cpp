// kill -9 at random points, then resume: the upgrade completes, no node installs anything twice,
// and no data is lost.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <thread>

#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

pid_t spawn_hitless(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv{const_cast<char*>(HITLESS_BIN_PATH)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execv(HITLESS_BIN_PATH, argv.data());
    _exit(127);
  }
  return pid;
}

TEST(CrashResume, TwentyKillsAtRandomPointsThenResumeCompletesWithoutASecondInstall) {
  UpgradeLab lab;
  const std::string sum_a = lab.checksum("a"), sum_b = lab.checksum("b");
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  const std::string journal = lab.journal_path();
  std::mt19937 rng(20261121);  // fixed seed: the same kill points every run
  std::uniform_int_distribution<int> delay_ms(20, 250);
  int kills = 0;
  for (; kills < 20; ++kills) {
    const bool fresh = !std::filesystem::exists(journal);
    const pid_t pid = fresh ? spawn_hitless({"apply", lab.plan_path(), "--journal", journal, "--auto-approve"})
                            : spawn_hitless({"resume", "--journal", journal, "--auto-approve"});
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) break;  // finished before the kill
  }
  auto last = run_hitless("resume --journal " + journal + " --auto-approve");
  ASSERT_EQ(last.exit_code, 0) << last.output;
  EXPECT_GE(kills, 10) << "the run finished too early to test much; lengthen the lab timings";
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
