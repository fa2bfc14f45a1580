#pragma once
// Test fixture: a two-node failover pair on a virtual clock, a lab signing key and signed
// packages, built by hand so model tests do not depend on the YAML parser.

#include <memory>

#include "catalog/package.hpp"
#include "catalog/signing.hpp"
#include "common/virtual_scheduler.hpp"
#include "lab/model/lab_world.hpp"

namespace hitless::lab::testing {

struct Recorder : NodeObserver {
  int changes = 0;
  int dropped = 0;
  int completed = 0;
  void node_changed(Node&) override { ++changes; }
  void session_ended(Node&, SessionId, bool was_dropped) override {
    was_dropped ? ++dropped : ++completed;
  }
};

inline LabSpec pair_spec(ClusterKind kind = ClusterKind::kFailoverPair) {
  LabSpec spec;
  spec.name = "t";
  NodeSpec a;
  a.name = "a";
  a.cluster = "pair";
  a.role = "primary";
  a.version = "7.1.0";
  a.installed = {{"base", "3.0"}};
  a.owns_shared_ip = true;
  a.install_s = 1200;
  a.reboot_s = 120;
  a.boot_timeout_s = 600;
  a.sync_mb_per_s = 100;
  a.session_lifetime_s = 300;
  a.data.size_mb = 1000;
  NodeSpec b = a;
  b.name = "b";
  b.role = "backup";
  b.owns_shared_ip = false;
  spec.nodes = {a, b};
  ClusterSpec c;
  c.name = "pair";
  c.kind = kind;
  c.traffic = TrafficSteering::kSharedIp;
  c.shared_ip = Endpoint{"127.0.0.100", 4443};
  c.nodes = {"a", "b"};
  spec.clusters = {c};
  spec.repository = {
      PackageSpec{
          "product", "7.2.0", PackageKind::kProduct, {{"base", "3.1"}}, {"7.1"}, 1800, 900, 0},
      PackageSpec{"base", "3.1.0", PackageKind::kBase, {}, {}, 600, 50, 0}};
  return spec;
}

struct PairFixture {
  explicit PairFixture(LabSpec spec = pair_spec())
      : world(std::make_unique<LabWorld>(std::move(spec), clock, key.public_key_b64)),
        a(*world->find("a")),
        b(node_or(world->find("b"), a)) {}
  // A spec without node "b" (an Atlas cluster with a single master) binds `b` to `a`, never to
  // a null reference.
  static Node& node_or(Node* n, Node& fallback) { return n ? *n : fallback; }
  VirtualScheduler clock;
  catalog::SigningKeyPair key = catalog::generate_signing_key();
  std::unique_ptr<LabWorld> world;
  Node& a;
  Node& b;

  struct Signed {
    std::string file, signature;
  };
  Signed package(const std::string& name, const std::string& version,
                 std::vector<catalog::PackageRequirement> req = {}, double install_s = 0) {
    catalog::PackageManifest m{
        name, version, name == "base" ? "base" : "product", std::move(req), {}, install_s, 10};
    Signed s;
    s.file = catalog::encode_package(m, "payload of " + m.id());
    s.signature = *catalog::sign_package(s.file, {name, version, {}}, key.secret_key_b64);
    return s;
  }
  // Stages base 3.1.0 and product 7.2.0 (install 1800 s) on the node.
  void stage_upgrade(Node& n) {
    auto base = package("base", "3.1.0", {}, 600);
    auto product = package("product", "7.2.0", {{"base", "3.1"}}, 1800);
    ASSERT_OK(n.stage(base.file, base.signature));
    ASSERT_OK(n.stage(product.file, product.signature));
  }
  template <class R>
  static void ASSERT_OK(const R& r) {
    if (!r.ok()) throw std::runtime_error(r.message());
  }
};

}  // namespace hitless::lab::testing
