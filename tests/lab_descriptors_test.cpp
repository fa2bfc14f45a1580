// Descriptor hygiene of the lab's processes: the daemon `lab up` forks keeps nothing of its
// caller's, and the servers the daemon starts (HAProxy, knotd, ipmi_sim) hold none of the
// daemon's sockets. An inherited listening socket stays bound after its owner closes it (a node
// that "reboots" would still accept connections that nobody answers).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "lab_harness.hpp"

namespace hitless::testing {
namespace {
namespace fs = std::filesystem;

// One cluster per kind of child the daemon starts: HAProxy for the load balancer, knotd for the
// DNS swing, one ipmi_sim per node with out-of-band power.
std::string three_children_yaml() {
  return R"(lab: descriptors
defaults: {version: 7.1.0, install: 2s, reboot: 1s, boot_timeout: 20s}
clusters:
  - name: balanced
    kind: active-active
    traffic: load-balancer
    load_balancer: 127.0.0.1:0
    nodes:
      - {name: m1, role: member}
      - {name: m2, role: member}
  - name: swung
    kind: failover-pair
    traffic: dns
    dns: {zone: example.test, record: app.example.test, ttl: 1s}
    nodes:
      - {name: a, role: primary}
      - {name: b, role: backup}
  - name: powered
    kind: ha-pair
    traffic: shared-ip
    shared_ip: 127.0.0.114
    ha: established
    nodes:
      - {name: p, role: primary, owns_shared_ip: true, oob_power: true}
      - {name: q, role: backup, oob_power: true}
)";
}

// The sockets a process holds, as /proc/PID/fd shows them ("socket:[inode]").
std::set<std::string> sockets_of(int pid) {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    const std::string target = fs::read_symlink(e.path(), ec).string();
    if (target.rfind("socket:", 0) == 0) out.insert(target);
  }
  return out;
}

// Direct children of a process: every thread's list (a child belongs to the thread that forked).
std::map<int, std::string> children_of(int pid) {
  std::map<int, std::string> out;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream in(task.path() / "children");
    for (int child = 0; in >> child;) {
      std::ifstream cmd("/proc/" + std::to_string(child) + "/cmdline");
      std::string name;
      std::getline(cmd, name, '\0');
      out[child] = fs::path(name).filename().string();
    }
  }
  return out;
}

TEST(LabDescriptors, DaemonKeepsNoDescriptorOfItsCallerAndItsServersNoneOfTheDaemons) {
  // An inheritable listening socket in the process that runs `lab up`, as Boost.Asio opens them.
  const int ours = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(ours, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(ours, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(ours, 1), 0);
  struct stat st {};
  ASSERT_EQ(::fstat(ours, &st), 0);
  const std::string our_socket = "socket:[" + std::to_string(st.st_ino) + "]";

  Lab lab(three_children_yaml(), 0.05);
  const int daemon = lab.handle().pid();
  ASSERT_GT(daemon, 0);
  const std::set<std::string> daemon_sockets = sockets_of(daemon);
  ASSERT_FALSE(daemon_sockets.empty());
  EXPECT_EQ(daemon_sockets.count(our_socket), 0u) << "the lab daemon inherited a socket of ours";

  std::multiset<std::string> kinds;
  for (const auto& [pid, name] : children_of(daemon)) {
    kinds.insert(name);
    for (const auto& s : sockets_of(pid))
      EXPECT_EQ(daemon_sockets.count(s), 0u)
          << name << " (pid " << pid << ") holds " << s << ", a socket of the lab daemon";
  }
  // The test proves something only if every kind of child was there to look at.
  EXPECT_EQ(kinds.count("haproxy"), 1u);
  EXPECT_EQ(kinds.count("knotd"), 1u);
  EXPECT_EQ(kinds.count("ipmi_sim"), 2u);
  ::close(ours);
}

}  // namespace
}  // namespace hitless::testing
