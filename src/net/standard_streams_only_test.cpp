// Children started through the three wrappers (run_command, ChildProcess, ProcessRunner) hold no
// descriptor of ours beyond stdin/stdout/stderr, even one opened without close-on-exec.
#include "net/standard_streams_only.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include "net/child_process.hpp"
#include "net/process_runner.hpp"

namespace hitless::net {
namespace {
namespace fs = std::filesystem;

// A listening TCP socket on loopback opened the way Boost.Asio opens its acceptors: without
// SOCK_CLOEXEC, so any child started by plain fork/exec inherits it.
class InheritableListener {
 public:
  InheritableListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 4) != 0)
      throw std::runtime_error("cannot open a listening socket on loopback");
    struct stat st {};
    ::fstat(fd_, &st);
    name_ = "socket:[" + std::to_string(st.st_ino) + "]";
  }
  ~InheritableListener() { ::close(fd_); }
  int fd() const { return fd_; }
  // How /proc/PID/fd/N reads for this socket in any process that holds it.
  const std::string& proc_name() const { return name_; }

 private:
  int fd_ = -1;
  std::string name_;
};

// `ls` lists where each descriptor of the shell that started it points: the descriptors the shell
// got from us ("N -> socket:[inode]" per line), none opened by the listing itself.
const std::vector<std::string> kListOwnDescriptors = {"/bin/sh", "-c", "ls -l /proc/$$/fd"};

long entries(const std::string& listing) {
  long n = 0;
  for (std::size_t at = listing.find(" -> "); at != std::string::npos;
       at = listing.find(" -> ", at + 1))
    ++n;
  return n;
}

TEST(StandardStreamsOnly, TheListenerUnderTestIsInheritableWithoutTheWrapper) {
  InheritableListener listener;
  EXPECT_EQ(::fcntl(listener.fd(), F_GETFD) & FD_CLOEXEC, 0)
      << "the socket must be inheritable, or the tests below prove nothing";
}

TEST(StandardStreamsOnly, RunCommandChildSeesNoSocketOfOurs) {
  InheritableListener listener;
  auto r = run_command(kListOwnDescriptors, "", 10);
  ASSERT_TRUE(r) << r.message();
  ASSERT_EQ(r->exit_code, 0) << r->err;
  EXPECT_EQ(entries(r->out), 3) << r->out;
  EXPECT_EQ(r->out.find(listener.proc_name()), std::string::npos) << r->out;
}

TEST(StandardStreamsOnly, ProcessRunnerChildSeesNoSocketOrPipeOfOurs) {
  InheritableListener listener;
  boost::asio::io_context io;
  ProcessRunner runner(io);
  // Two at once: the second must not inherit the first one's pipes either.
  std::optional<ProcessResult> slow, listing;
  runner.run({{"/bin/sh", "-c", "cat >/dev/null"}, "", 10},
             [&](ProcessResult r) { slow = std::move(r); });
  runner.run({kListOwnDescriptors, "", 10}, [&](ProcessResult r) { listing = std::move(r); });
  io.run();
  ASSERT_TRUE(listing && listing->started) << (listing ? listing->spawn_error : "no answer");
  EXPECT_EQ(listing->exit_code, 0) << listing->err;
  EXPECT_NE(listing->out.find("pipe:"), std::string::npos) << "its own stdout pipe is listed";
  EXPECT_EQ(listing->out.find(listener.proc_name()), std::string::npos) << listing->out;
  // Its stdin, stdout and stderr: three descriptors and no more.
  EXPECT_EQ(entries(listing->out), 3) << listing->out;
  ASSERT_TRUE(slow && slow->started);
  EXPECT_FALSE(slow->timed_out) << "cat never saw EOF on its stdin: someone kept its pipe open";
}

TEST(StandardStreamsOnly, LongRunningChildHoldsNoSocketOfOurs) {
  InheritableListener listener;
  const fs::path log = fs::temp_directory_path() / ("hitless-fd-test-" + std::to_string(getpid()));
  auto child = ChildProcess::start({"sleep", "60"}, log.string());
  ASSERT_TRUE(child) << child.message();
  const std::string fd_dir = "/proc/" + std::to_string((*child)->pid()) + "/fd";
  // The descriptors are closed at exec: wait until the child runs `sleep`, not our copy.
  const auto t0 = std::chrono::steady_clock::now();
  std::error_code ec;
  while (fs::read_symlink("/proc/" + std::to_string((*child)->pid()) + "/exe", ec).filename() !=
         "sleep") {
    ASSERT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10)) << "never exec'd";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  int seen = 0;
  for (const auto& entry : fs::directory_iterator(fd_dir)) {
    ++seen;
    EXPECT_NE(fs::read_symlink(entry.path(), ec).string(), listener.proc_name()) << entry.path();
  }
  EXPECT_EQ(seen, 3) << "sleep holds more than stdin, stdout and stderr";
  (*child)->stop();
  fs::remove(log, ec);
}

}  // namespace
}  // namespace hitless::net
