#include "drivers/command/profile.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "drivers/command/command_output.hpp"

namespace hitless::drivers {
namespace {

// A valid profile; the error tests change one thing in it. Line numbers are those of this text.
constexpr const char* kProfile = R"(profile: t
description: for tests
actions:
  status:
    argv: [printf, '{{"version": "1.0"}}']
    timeout: 5s
    output: json
    repeat_safe: true
  install:
    argv: [install-tool, --package, '{params.package}', --host, '{node.host}']
    timeout: 10m
  reboot:
    commands:
      - {argv: [cli, reboot], stdin: "yes\n", timeout: 30s, output: regex, regex: 'going (?<state>down)'}
      - {shell: 'echo {node.name}', timeout: 1s}
)";

std::string with(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string error_of(const std::string& yaml) {
  auto p = parse_profile_text(yaml, "p.yaml");
  EXPECT_FALSE(p.ok());
  return p ? "" : p.message();
}

TEST(Profile, ReadsActionsCommandsAndOutputs) {
  auto p = parse_profile_text(kProfile, "p.yaml");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->name, "t");
  ASSERT_NE(p->find("status"), nullptr);
  EXPECT_TRUE(p->find("status")->repeat_safe);
  EXPECT_EQ(p->find("status")->commands.at(0).output, OutputKind::kJson);
  EXPECT_EQ(p->find("status")->commands.at(0).argv.at(1), "{{\"version\": \"1.0\"}}");
  EXPECT_DOUBLE_EQ(p->find("install")->commands.at(0).timeout_s, 600);
  EXPECT_FALSE(p->find("install")->repeat_safe);
  ASSERT_EQ(p->find("reboot")->commands.size(), 2u);
  EXPECT_EQ(p->find("reboot")->commands[0].stdin_text, "yes\n");
  EXPECT_EQ(p->find("reboot")->commands[0].output, OutputKind::kRegex);
  EXPECT_EQ(p->find("reboot")->commands[1].shell, "echo {node.name}");
  EXPECT_EQ(p->find("backup"), nullptr);
  const auto names = p->placeholders();
  EXPECT_NE(std::find(names.begin(), names.end(), "params.package"), names.end());
}

TEST(ProfileErrors, UnknownActionNamesFileLineAndTheKnownOnes) {
  const auto e = error_of(with(kProfile, "  install:", "  instal:"));
  EXPECT_NE(e.find("p.yaml:9: actions.instal"), std::string::npos) << e;
  EXPECT_NE(e.find("'instal' is not an action"), std::string::npos) << e;
  EXPECT_NE(e.find("install"), std::string::npos) << e;
}

TEST(ProfileErrors, RegexThatDoesNotCompile) {
  const auto e = error_of(with(kProfile, "going (?<state>down)", "going (?<state>down"));
  EXPECT_NE(e.find("p.yaml:14:"), std::string::npos) << e;
  EXPECT_NE(e.find("regex"), std::string::npos) << e;
  EXPECT_NE(e.find("does not compile"), std::string::npos) << e;
}

TEST(ProfileErrors, RegexWithoutNamedCaptureOrWithoutOutputRegex) {
  EXPECT_NE(error_of(with(kProfile, "(?<state>down)", "down")).find("no (?<name>...) capture"),
            std::string::npos);
  EXPECT_NE(error_of(with(kProfile, "output: regex, ", "")).find("a regex needs output: regex"),
            std::string::npos);
}

TEST(ProfileErrors, MissingTimeout) {
  const auto e = error_of(with(kProfile, "    timeout: 10m\n", ""));
  EXPECT_NE(e.find("p.yaml:9: actions.install"), std::string::npos) << e;
  EXPECT_NE(e.find("timeout"), std::string::npos) << e;
}

TEST(ProfileErrors, PlaceholdersMustExistForTheAction) {
  auto e = error_of(with(kProfile, "{params.package}", "{params.pkg}"));
  EXPECT_NE(e.find("p.yaml:10: actions.install.argv[2]"), std::string::npos) << e;
  EXPECT_NE(e.find("has no parameter 'pkg'"), std::string::npos) << e;
  e = error_of(with(kProfile, "{node.host}", "{node.hostname}"));
  EXPECT_NE(e.find("'{node.hostname}' is not a placeholder"), std::string::npos) << e;
  e = error_of(with(kProfile, "{node.host}", "{node.host"));
  EXPECT_NE(e.find("never closed"), std::string::npos) << e;
}

TEST(ProfileErrors, StatusIsRequiredAndItsFieldsAreObservedNodeFields) {
  EXPECT_NE(error_of(with(kProfile, "  status:", "  backup:")).find("status"), std::string::npos);
  const auto e = error_of(
      with(kProfile, "    output: json\n", "    output: json\n    fields: {verzion: v}\n"));
  EXPECT_NE(e.find("'verzion' is not a field of an observed node"), std::string::npos) << e;
}

TEST(ProfileErrors, ArgvOrShellButNotBothAndNotAPlaceholderProgram) {
  EXPECT_NE(error_of(with(kProfile, "{shell: 'echo {node.name}',", "{")).find("argv"),
            std::string::npos);
  EXPECT_NE(error_of(with(kProfile, "[install-tool,", "['{node.name}',")).find("argv[0]"),
            std::string::npos);
}

TEST(ProfileErrors, ExecNeedsAnSshTransportWithItsKeyAndKnownHosts) {
  const std::string exec_install =
      with(kProfile, "argv: [install-tool, --package, '{params.package}', --host, '{node.host}']",
           "exec: 'install {params.package}'");
  auto e = error_of(exec_install);
  EXPECT_NE(e.find("p.yaml:9: actions.install.exec"), std::string::npos) << e;
  EXPECT_NE(e.find("add transport: {kind: ssh"), std::string::npos) << e;
  const std::string transport =
      "transport: {kind: ssh, user: root, key_file: '{secret.token_file}'}\n";
  e = error_of(with(exec_install, "actions:\n", transport + "actions:\n"));
  EXPECT_NE(e.find("p.yaml:3: transport.known_hosts: required field missing"), std::string::npos)
      << e;
  auto p = parse_profile_text(
      with(exec_install, "actions:\n",
           "transport: {kind: ssh, user: root, key_file: '{secret.token_file}', known_hosts: "
           "'{inventory.dir}/known_hosts', keepalive: 20s}\nactions:\n"),
      "p.yaml");
  ASSERT_TRUE(p.ok()) << p.message();
  ASSERT_TRUE(p->ssh.has_value());
  EXPECT_DOUBLE_EQ(p->ssh->keepalive_s, 20);
  EXPECT_EQ(p->find("install")->commands.at(0).exec, "install {params.package}");
  const auto names = p->placeholders();
  EXPECT_NE(std::find(names.begin(), names.end(), "secret.token_file"), names.end());
}

TEST(ShippedProfiles, EveryProfileInProfilesDirLoads) {
  int seen = 0;
  for (const auto& f : std::filesystem::directory_iterator(HITLESS_PROFILES_DIR)) {
    if (f.path().extension() != ".yaml") continue;
    auto p = load_profile(f.path().string());
    EXPECT_TRUE(p.ok()) << (p ? "" : p.message());
    ++seen;
  }
  EXPECT_GE(seen, 4);
}

}  // namespace
}  // namespace hitless::drivers

namespace hitless::drivers {
namespace {

// The JunOS profile's patterns against output shaped like seed 002's.
TEST(ShippedProfiles, JunosPatternsReadTheSeedsOutput) {
  auto p = load_profile(std::string(HITLESS_PROFILES_DIR) + "/junos.yaml");
  ASSERT_TRUE(p.ok()) << p.message();
  const auto read = [&](const char* kind, std::size_t i, const std::string& out) {
    auto a = read_output(p->find(kind)->commands.at(i), out);
    EXPECT_TRUE(a.ok()) << kind << ": " << (a ? "" : a.message());
    return a ? *a : nlohmann::json();
  };
  EXPECT_EQ(read("status", 0, "Hostname: mx480-lab\nModel: mx480\nJunos: 10.3R2.11\n")["version"],
            "10.3R2.11");
  EXPECT_EQ(
      read("status", 0,
           "JUNOS Base OS boot [10.1R1.8]\nJUNOS Software Release [10.1R1.8]\n")["packages.junos"],
      "10.1R1.8");
  EXPECT_EQ(read("status", 1,
                 "Routing Engine status:\n  Slot 1:\n    Current state   Backup\n")["ha_role"],
            "backup");
  EXPECT_EQ(read("install", 0,
                 "Chassis ISSU Check Done\nISSU: Validating Image\n....\nBackup upgrade done\n"
                 "Rebooting Backup RE\nChassis ISSU Started\nISSU: Preparing for Switchover\n")
                ["progress"],
            "Backup upgrade done");
  EXPECT_EQ(read("reboot", 0,
                 "Reboot the system ? [yes,no] (no) yes\n\n*** FINAL System shutdown message "
                 "from root@ ***\nSystem going down IMMEDIATELY\n\nShutdown NOW!\n")["state"],
            "System going down");
  EXPECT_EQ(read("compat-test", 0,
                 "Checking compatibility with configuration\nValidation succeeded\n")["passed"],
            true);
  // Output that says something else is an error quoting it, never a guess.
  auto odd = read_output(p->find("status")->commands.at(1), "Current state   Disabled\n");
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.message().find("Current state   Disabled"), std::string::npos) << odd.message();
}

}  // namespace
}  // namespace hitless::drivers
