// S5 with a DNS or NAT swing instead of a shared IP.
#include <gtest/gtest.h>

#include <algorithm>

#include "planner/pair_world_fixture.hpp"

namespace hitless::plan {
namespace {

using fixture::shape;
using fixture::World;

// S5 with a DNS or NAT swing: the same order as the shared-IP form, with the traffic mechanism
// checked before anything leaves service and the swing's gap (the TTL) on the switch step.
void make_swung(World& w, const std::string& kind) {
  auto& c = w.inv.clusters[0];
  c.traffic_kind = kind;
  if (kind == "dns") {
    c.service = "app.example.test:4000";
    c.dns = DnsTraffic{"127.0.0.1:53", "example.test", "app.example.test", 30, "/k", 3};
  } else {
    c.service = "198.18.0.2:8080";
    c.nat = NatTraffic{"ns", "t", "svc0", 3};
  }
  for (auto& [name, o] : w.obs.nodes) {
    o.shared_ip.clear();
    o.shared_ip_enabled = false;
  }
}

std::vector<std::string> verbs_of(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& s : p.steps) out.push_back(to_string(s.verb));
  return out;
}

TEST(AsyncPairSwing, DnsSwingIsCheckedFirstAndCarriesTheTtlAsItsGap) {
  World w;
  make_swung(w, "dns");
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  const auto verbs = verbs_of(*p);
  const auto pos = [&](const std::string& v) {
    return std::find(verbs.begin(), verbs.end(), v) - verbs.begin();
  };
  ASSERT_LT(pos("check-traffic"), static_cast<long>(verbs.size()));
  EXPECT_LT(pos("check-traffic"), pos("break-ha"));
  EXPECT_LT(pos("check-traffic"), pos("install"));
  const Step* sw = nullptr;
  for (const auto& s : p->steps)
    if (s.verb == Verb::kSwitchTraffic) sw = &s;
  ASSERT_NE(sw, nullptr);
  EXPECT_EQ(sw->params.at("via"), "dns");
  EXPECT_EQ(sw->params.at("gap_s"), 30.0);
  EXPECT_NE(sw->title.find("app.example.test"), std::string::npos) << sw->title;
  EXPECT_EQ(sw->gate, (std::vector<Condition>{{Cond::kServiceFrom, "b", ""}}));
  // Installs of the backup require the clients to reach the primary, not a shared IP.
  for (const auto& s : p->steps) {
    for (const auto& c : s.preconditions) {
      EXPECT_NE(c.kind, Cond::kOwnsSharedIp) << s.id;
    }
  }
}

TEST(AsyncPairSwing, NatSwingHasNoGap) {
  World w;
  make_swung(w, "nat");
  auto p = w.plan("asynchronous");
  ASSERT_TRUE(p.ok()) << p.message();
  for (const auto& s : p->steps) {
    if (s.verb == Verb::kSwitchTraffic) {
      EXPECT_EQ(s.params.at("via"), "nat");
      EXPECT_EQ(s.params.at("gap_s"), 0.0);
    }
    if (s.verb == Verb::kCheckTraffic) {
      EXPECT_EQ(s.params.at("via"), "nat");
    }
  }
}

}  // namespace
}  // namespace hitless::plan
