// The command driver against real local programs (printf, sh, sleep): templates, escaping,
// output reading, timeouts, secrets.
#include "drivers/command/command_driver.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>

namespace hitless::drivers {
namespace {

namespace fs = std::filesystem;
constexpr const char* kToken = "tok-SECRET-4242";

// One node "n1" driven through `profile` (YAML text), its token in an owner-only file.
class Rig {
 public:
  explicit Rig(const std::string& profile, mode_t token_mode = 0600) {
    dir_ = ::testing::TempDir() + "/cmd-driver-" + std::to_string(::getpid()) + "-" +
           std::to_string(counter_++);
    fs::create_directories(dir_);
    std::ofstream(dir_ + "/p.yaml") << profile;
    std::ofstream(dir_ + "/n1.token") << kToken << "\n";
    ::chmod((dir_ + "/n1.token").c_str(), token_mode);
    auto inv = parse_inventory_text(R"(inventory: t
repository: {dir: repo, public_key_file: repo/k.pub}
clusters:
  - name: c
    kind: single
    traffic: {kind: none}
    nodes:
      - name: n1
        role: standalone
        driver: command
        vendor_profile: p.yaml
        address: 127.0.0.1:2222
        token_file: n1.token
)",
                                    dir_ + "/inv.yaml", dir_);
    EXPECT_TRUE(inv.ok()) << inv.message();
    inv_ = *inv;
  }
  ~Rig() { fs::remove_all(dir_); }
  Result<std::unique_ptr<CommandApplianceDriver>, DriverErrc> driver() {
    return CommandApplianceDriver::create(io_, inv_);
  }
  Result<nlohmann::json, DriverErrc> perform(const Action& a) {
    return answer<nlohmann::json>([&](auto& d, auto done) { d.perform("n1", a, done); });
  }
  Result<ObservedNode, DriverErrc> observe() {
    return answer<ObservedNode>([](auto& d, auto done) { d.observe("n1", done); });
  }
  Result<bool, DriverErrc> power_state() {
    return answer<bool>([](auto& d, auto done) { d.power_state("n1", done); });
  }
  const std::string& dir() const { return dir_; }

 private:
  // One call on a fresh driver, run to its answer.
  template <class T, class Start>
  Result<T, DriverErrc> answer(Start start) {
    auto d = driver();
    EXPECT_TRUE(d.ok()) << d.message();
    std::optional<Result<T, DriverErrc>> got;
    start(**d, Callback<T>([&](Result<T, DriverErrc> r) { got = std::move(r); }));
    io_.run();
    io_.restart();
    return std::move(*got);
  }

  static inline int counter_ = 0;
  boost::asio::io_context io_;
  std::string dir_;
  Inventory inv_;
};

std::string profile(const std::string& actions) {
  return "profile: t\nactions:\n  status:\n    argv: [printf, '{{\"version\": \"1.0\"}}']\n"
         "    timeout: 5s\n    output: json\n" +
         actions;
}

constexpr const char* kNasty = "it's \"quoted\" with spaces; $(touch pwned) `touch pwned2` \\ *";

TEST(CommandDriver, AValueStaysOneArgumentWhateverItHolds) {
  // printf repeats its format per argument: one "[...]" proves one argument.
  Rig rig(
      profile("  config-set:\n    argv: [printf, '[%s]', '{params.value}']\n"
              "    timeout: 5s\n    output: regex\n    regex: '(?<out>.*)'\n"));
  auto r = rig.perform({"config-set", {{"item", "x"}, {"value", kNasty}}});
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ((*r)["out"], std::string("[") + kNasty + "]");
}

TEST(CommandDriver, ShellTemplatesQuoteValuesSoTheyAreNeverCode) {
  Rig rig(profile(
      "  config-set:\n    shell: 'cd {node.token_file}/.. ; printf \"[%s]\" {params.value}'\n"
      "    timeout: 5s\n    output: regex\n    regex: '(?<out>\\[.*\\])'\n"));
  auto r = rig.perform({"config-set", {{"item", "x"}, {"value", kNasty}}});
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ((*r)["out"], std::string("[") + kNasty + "]");
  EXPECT_FALSE(fs::exists(rig.dir() + "/pwned"));
  EXPECT_FALSE(fs::exists(rig.dir() + "/pwned2"));
}

TEST(CommandDriver, StatusFieldsFromJsonPathsBecomeTheObservedNode) {
  Rig rig(R"(profile: t
actions:
  status:
    argv: [printf, '{{"sw": {{"v": "7.2.0"}}, "ha": {{"role": "backup", "status": "waiting-activation", "next": "fw-7.1"}}, "on": "yes", "slots": [{{"v": "7.1.0"}}, {{"v": "7.2.0"}}], "act": 1}}']
    timeout: 5s
    output: json
    fields: {version: sw.v, packages.product: sw.v, ha_role: ha.role, ha_status: ha.status, ha_peer_after_reboot: ha.next, powered: "on", slot_versions: "slots[*].v", active_slot: act}
)");
  auto n = rig.observe();
  ASSERT_TRUE(n.ok()) << n.message();
  EXPECT_TRUE(n->reachable);
  EXPECT_EQ(n->version, "7.2.0");
  EXPECT_EQ(n->packages.at("product"), "7.2.0");
  EXPECT_EQ(n->ha_role, "backup");
  EXPECT_EQ(n->ha_status, "waiting-activation");
  EXPECT_EQ(n->ha_peer_after_reboot, "fw-7.1");
  EXPECT_TRUE(n->powered);
  EXPECT_EQ(n->slot_versions, (std::vector<std::string>{"7.1.0", "7.2.0"}));
  EXPECT_EQ(n->active_slot, 1);
  EXPECT_FALSE(n->lab.has_value());  // a real device has no lab counters
}

TEST(CommandDriver, OutputMatchingNoPatternFailsShowingItsFirstLines) {
  Rig rig(profile(
      "  reboot:\n    argv: [printf, 'line one\\nline two\\n']\n    timeout: 5s\n"
      "    output: regex\n    regex: 'Reboot the system \\? \\[yes,no\\] (?<answer>yes)'\n"));
  auto r = rig.perform({"reboot", {}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), DriverErrc::kProtocol);
  EXPECT_NE(r.message().find("n1: reboot (" + fs::path(rig.dir()).lexically_normal().string() +
                             "/p.yaml:7)"),
            std::string::npos)
      << r.message();
  EXPECT_NE(r.message().find("matches no pattern"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("| line one"), std::string::npos) << r.message();
}

TEST(CommandDriver, NonZeroExitFailsWithStatusAndOutput) {
  Rig rig(profile("  ha-break:\n    shell: 'echo refused >&2; exit 3'\n    timeout: 5s\n"));
  auto r = rig.perform({"ha-break", {}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), DriverErrc::kRejected);
  EXPECT_NE(r.message().find("exited with status 3"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("| refused"), std::string::npos) << r.message();
}

TEST(CommandDriver, ACommandPastItsTimeoutIsKilled) {
  // The grandchild (sleep) keeps the pipes open: the driver must not wait for it.
  Rig rig(profile("  reboot:\n    shell: 'sleep 30'\n    timeout: 200ms\n"));
  const auto t0 = std::chrono::steady_clock::now();
  auto r = rig.perform({"reboot", {}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), DriverErrc::kUnreachable);
  EXPECT_NE(r.message().find("did not finish within 0.2 s (killed)"), std::string::npos)
      << r.message();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));  // not the sleep
}

TEST(CommandDriver, AnActionTheProfileLacksIsUnsupportedNamingIt) {
  Rig rig(profile(""));
  auto r = rig.perform({"install", {{"package", "p"}, {"activate", "now"}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), DriverErrc::kUnsupported);
  EXPECT_NE(r.message().find("has no action 'install'"), std::string::npos) << r.message();
}

TEST(CommandDriver, SecretsGoThroughStdinAndNeverIntoMessagesOrAnswers) {
  Rig rig(
      profile("  backup:\n    argv: [sh, -c, 'read t; echo \"{{\\\"backup\\\": \\\"$t\\\"}}\"']\n"
              "    stdin: \"{secret.token}\\n\"\n    timeout: 5s\n    output: json\n"
              "  ha-sync:\n    argv: [sh, -c, 'read t; echo \"token was $t\" >&2; exit 1']\n"
              "    stdin: \"{secret.token}\\n\"\n    timeout: 5s\n"));
  auto b = rig.perform({"backup", {}});
  ASSERT_TRUE(b.ok()) << b.message();
  EXPECT_EQ((*b)["backup"], "[secret]");  // the command saw it; the answer does not carry it
  auto s = rig.perform({"ha-sync", {}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("token was [secret]"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find(kToken), std::string::npos) << s.message();
}

TEST(CommandDriver, ATokenFileOthersCanReadIsRefusedBeforeAnythingRuns) {
  Rig rig(profile("  reboot:\n    argv: [curl, -H, '@-']\n    stdin: '{secret.token}'\n"
                  "    timeout: 5s\n"),
          0644);
  auto d = rig.driver();
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.message().find("has mode 644"), std::string::npos) << d.message();
  EXPECT_NE(d.message().find("chmod 600"), std::string::npos) << d.message();
}

TEST(CommandDriver, OutputBeyondTheCapIsDroppedNotBuffered) {
  Rig rig(
      profile("  backup:\n    shell: 'head -c 5000000 /dev/zero | tr \"\\\\0\" x; exit 1'\n"
              "    timeout: 20s\n"));
  auto r = rig.perform({"backup", {}});
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.message().size(), 20000u);
}

// The BMC's power reading through the profile: on and off as devices print them; an answer that
// says neither (or nothing) is an error, never "off"; a profile without the action has no reading.
TEST(CommandDriver, PowerStatusReadsTheBmcStrictly) {
  const auto with = [](const std::string& out) {
    return profile("  power-status:\n    argv: [printf, '" + out +
                   "']\n    timeout: 5s\n    output: regex\n"
                   "    regex: 'Chassis Power is (?<powered>\\S*)'\n"
                   "    fields: {powered: powered}\n");
  };
  EXPECT_TRUE(*Rig(with("Chassis Power is on")).power_state());
  EXPECT_FALSE(*Rig(with("Chassis Power is off")).power_state());
  for (const char* out : {"Chassis Power is ", "Chassis Power is unknown"}) {
    auto r = Rig(with(out)).power_state();
    ASSERT_FALSE(r.ok()) << out;
    EXPECT_EQ(r.code(), DriverErrc::kProtocol) << out;
    EXPECT_NE(r.message().find("n1: power-status"), std::string::npos) << r.message();
  }
  auto none = Rig(profile("")).power_state();
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.code(), DriverErrc::kUnsupported);
}

}  // namespace
}  // namespace hitless::drivers
