#include "lab/daemon/ipmi_bmcs.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "lab/daemon/lab_dir.hpp"

namespace hitless::lab {
namespace fs = std::filesystem;
namespace {

// ipmi_sim runs the hook synchronously in its only thread and ipmitool retransmits after 1 s,
// so the hook hands the request to the lab and returns at once (curl bounded well under 1 s).
// ipmi_sim appends "get power" or "set power 1|0" ("set shutdown 1" for a soft off).
constexpr const char* kHookScript = R"(#!/bin/sh
# Written by `hitless lab up`: ipmi_sim's chassis_control hook for lab nodes.
# usage: chassis.sh NODE CONTROL_URL BMC_TOKEN_FILE (get power | set power|shutdown 0|1)
node=$1 url=$2 token_file=$3 op=$4 what=$5 value=$6
token=$(cat "$token_file") || exit 1
power_url="$url/bmc/$node/power"
post() {
  curl -fsS --max-time 0.8 -X POST -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d "{\"state\":\"$1\"}" "$power_url" >/dev/null
}
case "$op $what" in
  "get power")
    state=$(curl -fsS --max-time 0.8 -H "Authorization: Bearer $token" "$power_url") || exit 1
    case "$state" in *'"power":"on"'*) echo "power:1" ;; *) echo "power:0" ;; esac ;;
  "set power")
    if [ "$value" = 1 ]; then post on; else post off; fi ;;
  "set shutdown")
    post off ;;
  *) exit 1 ;;
esac
)";

// A free loopback UDP port: bound to port 0 and released again for ipmi_sim to take.
std::uint16_t free_udp_port() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

// True once the simulator answers an IPMI 1.5 "Get Channel Authentication Capabilities"
// (what every ipmitool session starts with), i.e. it is ready for clients.
bool answers(std::uint16_t port, std::chrono::milliseconds within) {
  // RMCP header, session header (no auth, seq 0, session 0, length 9), then the request to the
  // BMC (0x20, NetFn App 0x06) from 0x81: command 0x38, channel 0x0e (this one), level admin.
  const std::array<unsigned char, 23> ping{0x06, 0x00, 0xff, 0x07, 0x00, 0x00, 0x00, 0x00,
                                           0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x20, 0x18,
                                           0xc8, 0x81, 0x00, 0x38, 0x0e, 0x04, 0x35};
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const auto until = std::chrono::steady_clock::now() + within;
  bool ok = false;
  while (!ok && std::chrono::steady_clock::now() < until) {
    (void)::sendto(fd, ping.data(), ping.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
    pollfd p{fd, POLLIN, 0};
    // Re-ask every 20 ms: a datagram sent before the simulator bound its port is lost.
    if (::poll(&p, 1, 20) == 1) {
      std::array<unsigned char, 256> reply{};
      ok = ::recv(fd, reply.data(), reply.size(), 0) > 0;
    }
  }
  ::close(fd);
  return ok;
}

bool on_path(const char* program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const auto end = std::min(dirs.find(':', start), dirs.size());
    const fs::path candidate = fs::path(dirs.substr(start, end - start)) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

// Longer passwords break ipmi_sim's sessions although IPMI 2.0 allows 20 bytes.
constexpr std::size_t kIpmiSimMaxPasswordBytes = 16;

std::string lan_conf(const std::string& node, std::uint16_t port, const std::string& user,
                     const std::string& password, const std::string& hook) {
  // The parser splits on blanks before quotes: no blanks inside values, a hex GUID.
  std::string guid = random_token().substr(0, 32);
  return "name \"" + node + "\"\n" +
         "set_working_mc 0x20\n"
         "  startlan 1\n"
         "    addr 127.0.0.1 " +
         std::to_string(port) +
         "\n"
         "    priv_limit admin\n"
         "    allowed_auths_callback md5\n"
         "    allowed_auths_user md5\n"
         "    allowed_auths_operator md5\n"
         "    allowed_auths_admin md5\n"
         "    guid " +
         guid +
         "\n"
         "  endlan\n"
         "  user 2 true \"" +
         user + "\" \"" + password + "\" admin 10 md5\n" + "  chassis_control \"" + hook + "\"\n";
}

// The simulator starts with no BMC at all: declare one management controller at 0x20.
constexpr const char* kBmcEmu =
    "mc_setbmc 0x20\n"
    "mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02\n"
    "mc_enable 0x20\n";

pid_t spawn_simulator(const fs::path& node_dir) {
  const std::string conf = (node_dir / "lan.conf").string();
  const std::string emu = (node_dir / "bmc.emu").string();
  const std::string state = (node_dir / "state").string();
  const std::string log = (node_dir / "sim.log").string();
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  // Child: a simulator must not outlive the lab daemon that owns its node.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int in = ::open("/dev/null", O_RDONLY);
  if (out >= 0) {
    ::dup2(out, 1);
    ::dup2(out, 2);
  }
  if (in >= 0) ::dup2(in, 0);
  // Nothing else of the daemon's: an inherited copy of a node's listening socket would keep its
  // port bound (and accepting, never answering) after the node closed it to reboot.
  ::close_range(3, ~0U, 0);
  // -n: stdin is not a terminal (without it ipmi_sim aborts); -c/-f/-s: its built-in defaults
  // point to /usr/etc and /usr/var.
  ::execlp("ipmi_sim", "ipmi_sim", "-c", conf.c_str(), "-f", emu.c_str(), "-s", state.c_str(), "-n",
           static_cast<char*>(nullptr));
  ::_exit(127);
}

}  // namespace

bool IpmiBmcs::available() { return on_path("ipmi_sim") && on_path("ipmitool") && on_path("curl"); }

std::string IpmiBmcs::start(const std::string& dir, const LabSpec& spec,
                            const std::string& control_address) {
  const fs::path root = fs::absolute(dir);
  const std::string hook = (root / "ipmi" / "chassis.sh").string();
  write_file_atomic(hook, kHookScript);
  fs::permissions(hook, fs::perms::owner_all, fs::perm_options::replace);
  for (const auto& n : spec.nodes) {
    if (!n.oob_power) continue;
    IpmiBmc bmc;
    bmc.port = free_udp_port();
    if (bmc.port == 0) return "node " + n.name + ": no free UDP port on 127.0.0.1 for its BMC";
    bmc.user = "admin";
    // IPMI 2.0 allows 20 bytes, but ipmi_sim (OpenIPMI 2.0.33) refuses every session with a
    // password longer than 16 (measured: "Unable to establish IPMI v2 / RMCP+ session"), so the
    // lab never writes a longer one: a guard, not only a substr, so a change of the token's
    // alphabet or length cannot silently break every BMC.
    const std::string password = random_token().substr(0, kIpmiSimMaxPasswordBytes);
    if (password.size() < 8 || password.size() > kIpmiSimMaxPasswordBytes)
      return "node " + n.name + ": IPMI password of " + std::to_string(password.size()) +
             " bytes (ipmi_sim needs 8 to " + std::to_string(kIpmiSimMaxPasswordBytes) + ")";
    bmc.password_file = "secrets/" + n.name + ".ipmi-password";
    write_file_atomic((root / bmc.password_file).string(), password, true);
    const fs::path node_dir = root / "ipmi" / n.name;
    fs::create_directories(node_dir / "state");
    const std::string token_file = (root / "secrets" / (n.name + ".bmc-token")).string();
    write_file_atomic(
        (node_dir / "lan.conf").string(),
        lan_conf(n.name, bmc.port, bmc.user, password,
                 hook + " " + n.name + " http://" + control_address + " " + token_file),
        true);
    write_file_atomic((node_dir / "bmc.emu").string(), kBmcEmu);
    bmc.pid = spawn_simulator(node_dir);
    if (bmc.pid < 0) return "node " + n.name + ": cannot start ipmi_sim";
    bmcs_[n.name] = bmc;
    if (!answers(bmc.port, std::chrono::seconds(5)))
      return "node " + n.name +
             ": ipmi_sim did not answer on 127.0.0.1:" + std::to_string(bmc.port) +
             " within 5 s (see " + (node_dir / "sim.log").string() + ")";
  }
  return "";
}

void IpmiBmcs::stop() {
  for (auto& [name, bmc] : bmcs_) {
    if (bmc.pid <= 0) continue;
    ::kill(bmc.pid, SIGTERM);
    int status = 0;
    ::waitpid(bmc.pid, &status, 0);
    bmc.pid = -1;
  }
}

const IpmiBmc* IpmiBmcs::find(const std::string& node) const {
  auto it = bmcs_.find(node);
  return it == bmcs_.end() ? nullptr : &it->second;
}

}  // namespace hitless::lab
