// Bad input to plan and apply: one clear error, exit code 2, and nothing changed on any node.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>

#include "lab/daemon/lab_dir.hpp"
#include "upgrade_harness.hpp"

namespace hitless::testing {
namespace {

void expect_untouched(UpgradeLab& lab) {
  EXPECT_EQ(lab.node_field("a", "ha", "role"), "primary");
  EXPECT_EQ(lab.node_field("b", "ha", "role"), "backup");
  EXPECT_EQ(lab.node_field("a", "installs"), "0");
  EXPECT_EQ(lab.node_field("b", "installs"), "0");
  EXPECT_EQ(lab.node_field("a", "owns_shared_ip"), "true");
}

void expect_refused(const CommandResult& r, const std::string& words) {
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(words), std::string::npos) << "want '" << words << "' in: " << r.output;
}

TEST(PlanBadInput, UnknownVersionEqualVersionAndUnknownStrategy) {
  UpgradeLab lab;
  expect_refused(lab.plan("asynchronous", "9.9.9"), "9.9.9 is not in the repository");
  expect_refused(lab.plan("asynchronous", "7.1.0"), "already");
  expect_refused(lab.plan("sideways", "7.2.0"), "no strategy 'sideways'");
  expect_untouched(lab);
}

TEST(PlanBadInput, InventoryThatDoesNotMatchTheCluster) {
  UpgradeLab lab;
  // Roles swapped by hand in the inventory.
  std::string inv = lab::read_file(lab.inventory());
  const auto pa = inv.find("role: primary"), pb = inv.find("role: backup");
  inv.replace(pb, 12, "role: primary");
  inv.replace(pa, 13, "role: backup");
  write_text(lab.dir() + "/swapped.yaml", inv);
  expect_refused(run_hitless("plan -i " + lab.dir() + "/swapped.yaml --to 7.2.0"),
                 "the appliances report");
  // An unknown field is a file error with its line.
  write_text(lab.dir() + "/typo.yaml", lab::read_file(lab.inventory()) + "extra_field: 1\n");
  expect_refused(run_hitless("plan -i " + lab.dir() + "/typo.yaml --to 7.2.0"), "typo.yaml:");
  // A command-driven node without a vendor profile: refused naming the node and the line.
  std::string mixed = lab::read_file(lab.inventory());
  mixed.replace(mixed.rfind("driver: lab"), 11, "driver: command");
  write_text(lab.dir() + "/mixed.yaml", mixed);
  expect_refused(run_hitless("plan -i " + lab.dir() + "/mixed.yaml --to 7.2.0"),
                 "mixed.yaml:17: clusters[0].nodes[1].vendor_profile: required field missing");
  // One whose profile does not load: refused naming the node and the profile's line.
  write_text(lab.dir() + "/bad-profile.yaml", "profile: p\nactions:\n  status: {argv: [x]}\n");
  mixed.replace(mixed.rfind("driver: command"), 15,
                "driver: command\n        vendor_profile: bad-profile.yaml");
  write_text(lab.dir() + "/mixed.yaml", mixed);
  expect_refused(run_hitless("plan -i " + lab.dir() + "/mixed.yaml --to 7.2.0"),
                 "node b: " + lab.dir() +
                     "/bad-profile.yaml:3: actions.status.timeout: required "
                     "field missing");
  expect_untouched(lab);
}

// A listening socket nobody answers on: after a command ran, says whether it was connected to
// (the kernel queues the connection whether or not anyone accepts it).
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::fcntl(fd_, F_SETFL, O_NONBLOCK);
  }
  ~SilentListener() { ::close(fd_); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  bool contacted() {
    const int c = ::accept(fd_, nullptr, nullptr);
    if (c >= 0) ::close(c);
    return c >= 0;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(PlanBadInput, PolicyIsRefusedBeforeAnyNodeIsContacted) {
  UpgradeLab lab;
  SilentListener a, b;
  // The lab's inventory (its repository is real) with the nodes moved to listeners that count.
  std::string inv = lab::read_file(lab.inventory());
  // Plain string search, not std::regex: GCC 12's <regex> trips -Wmaybe-uninitialized under ASan.
  std::size_t from = 0;
  for (SilentListener* l : {&a, &b}) {
    const std::string key = "address: 127.0.0.1:";
    const auto at = inv.find(key, from);
    ASSERT_NE(at, std::string::npos);
    const auto end = inv.find('\n', at);
    ASSERT_NE(end, std::string::npos);
    const std::string moved_to = "address: " + l->address() + " # moved";
    inv.replace(at, end - at, moved_to);
    from = at + moved_to.size();
  }
  const std::string moved = lab.dir() + "/moved.yaml";
  write_text(moved, inv);
  const auto refused = [&](const std::string& args, const std::string& words) {
    expect_refused(run_hitless(args), words);
    EXPECT_FALSE(a.contacted()) << args;
    EXPECT_FALSE(b.contacted()) << args;
  };
  refused("plan -i " + moved + " --to 7.2.0 --policy capacity_floor=150%",
          "hitless plan: --policy capacity_floor=150%: capacity_floor: '150%' is out of range "
          "(0..100 %)");
  refused("simulate -i " + moved +
              " --to 7.2.0 --policy windows=2026-12-01T05:00:00Z/2026-12-01T01:00:00Z",
          "hitless simulate: --policy windows=");
  // A floor the pair cannot keep, from the command line or the file: refused at plan time,
  // unplanned.
  refused("plan -i " + moved + " --to 7.2.0 --policy capacity_floor=3",
          "cluster pair: policy.capacity_floor: 3 is above");
  write_text(lab.dir() + "/floor.yaml", inv + "policy:\n  capacity_floor: 100%\n");
  refused("plan -i " + lab.dir() + "/floor.yaml --to 7.2.0",
          "cluster pair: policy.capacity_floor: 100% (2 of 2 members)");
  write_text(lab.dir() + "/bad.yaml", inv + "policy:\n  max_unavailable: 0\n");
  const int line = static_cast<int>(std::count(inv.begin(), inv.end(), '\n')) + 2;
  refused("simulate -i " + lab.dir() + "/bad.yaml --to 7.2.0",
          "bad.yaml:" + std::to_string(line) +
              ": policy.max_unavailable: '0' is out of range (at least 1)");
  refused("plan -i " + moved + " --to 7.2.0 --policy capacity_floor=none --policy speed=9",
          "--policy speed=9: speed: unknown field 'speed'");
  // The command line wins over the file: with the floor cleared the plan goes on to observe the
  // nodes, and the listeners see it (so the checks above can fail). They never answer: unreachable.
  const auto r =
      run_hitless("plan -i " + lab.dir() + "/floor.yaml --to 7.2.0 --policy capacity_floor=none");
  expect_refused(r, "management API not answering");
  EXPECT_TRUE(a.contacted() || b.contacted()) << r.output;
}

TEST(PlanBadInput, UnreachableNodeAndBrokenRelation) {
  {
    UpgradeLab lab;
    ASSERT_TRUE(lab.handle().power("b", false).ok());
    expect_refused(lab.plan("asynchronous"), "node b");
  }
  UpgradeLab lab;
  ASSERT_EQ(lab.api("a", "POST", "/api/v1/failover/break").first, 200);
  expect_refused(lab.plan("asynchronous"), "relation is broken");
}

TEST(ApplyBadInput, PlanEditedByHandOrTruncatedIsRefused) {
  UpgradeLab lab;
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  std::string text = lab::read_file(lab.plan_path());
  std::string edited = text;
  edited.replace(edited.find("product-7.2.0"), 13, "product-7.9.9");
  write_text(lab.plan_path("edited.json"), edited);
  expect_refused(lab.apply("--auto-approve", "edited.json", "e.journal"),
                 "does not match its plan_hash");
  std::string policy = text;  // the policy is hashed like the steps
  policy.replace(policy.find("\"max_unavailable\": 1"), 20, "\"max_unavailable\": 2");
  write_text(lab.plan_path("policy.json"), policy);
  expect_refused(lab.apply("--auto-approve", "policy.json", "p.journal"),
                 "does not match its plan_hash");
  write_text(lab.plan_path("cut.json"), text.substr(0, text.size() / 3));
  expect_refused(lab.apply("--auto-approve", "cut.json", "c.journal"), "truncated");
  expect_untouched(lab);
}

TEST(ApplyBadInput, StalePlanIsRefusedSayingWhatChanged) {
  UpgradeLab lab;
  ASSERT_EQ(lab.plan("asynchronous").exit_code, 0);
  // Someone breaks the relation and upgrades Base on b by hand after the plan was made (the lab,
  // like the appliance, refuses an install on a member still in its relation).
  ASSERT_EQ(lab.api("b", "POST", "/api/v1/failover/break").first, 200);
  ASSERT_EQ(lab.stage("b", "base-3.1.0").first, 201);
  ASSERT_EQ(lab.api("b", "POST", "/api/v1/install", {{"package", "base-3.1.0"}}).first, 202);
  ASSERT_TRUE(lab.wait_node("b", [](const nlohmann::json& n) {
    return n.at("install").at("state") == "done" && n.at("serving") == true;
  }));
  auto r = lab.apply();
  expect_refused(r, "b: packages");
  EXPECT_NE(r.output.find("nothing was done"), std::string::npos) << r.output;
  EXPECT_EQ(lab.node_field("a", "installs"), "0");
}

TEST(ApplyBadInput, JournalFromAnotherPlanIsRefused) {
  UpgradeLab lab;
  ASSERT_EQ(lab.plan("asynchronous", "7.2.0", "async.json").exit_code, 0);
  ASSERT_EQ(lab.plan("synchronous", "7.2.0", "sync.json").exit_code, 0);
  // A journal of the async plan (paused after nothing: make it with a run that fails at once).
  ASSERT_EQ(lab.run_fault("a", "disk-full"), 0);
  ASSERT_EQ(lab.apply("--auto-approve", "sync.json", "shared.journal").exit_code, 1);
  ASSERT_EQ(lab.run_fault("a", "clear"), 0);
  auto r = lab.apply("--auto-approve", "async.json", "shared.journal");
  expect_refused(r, "belongs to plan");
}

}  // namespace
}  // namespace hitless::testing
