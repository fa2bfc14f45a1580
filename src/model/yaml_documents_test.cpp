// yaml-cpp 0.7 loops forever on a ',' outside a flow collection (jbeder/yaml-cpp#1040); the
// inputs the fuzzers found (fuzz/regressions/) must be refused as syntax errors, at once.
#include <gtest/gtest.h>

#include "model/inventory.hpp"

namespace hitless {
namespace {

// fuzz/regressions/inventory-comma-percent.yaml: the two bytes that hung fuzz_inventory.
TEST(YamlDocuments, StrayCommaIsASyntaxErrorNotAHang) {
  const auto r = parse_inventory_text(",%", "inv.yaml", "/nonexistent");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), InventoryErrc::kSyntax);
  EXPECT_EQ(r.message(),
            "inv.yaml:1: YAML syntax error: unexpected ',' (a ',' belongs inside [ ] or { })");
}

TEST(YamlDocuments, StrayCommaAfterAValidMapNamesItsLine) {
  const auto r = parse_inventory_text("clusters: []\n,\n", "inv.yaml", "/nonexistent");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message().rfind("inv.yaml:2: YAML syntax error", 0), 0u) << r.message();
}

// fuzz/regressions/lab-spec-mutated-pair.yaml, which hung fuzz_lab_spec: the inventory reader
// refuses it the same way (the lab file's reader: lab_spec_errors_test.cpp).
TEST(YamlDocuments, MutatedPairFoundByTheFuzzerIsRefused) {
  const std::string text =
      "# A BeyondTrust-style failover pair (scenarios S4 anis established and "
      "botrepository[1].namease 3.0. The lab's re1 first.\n"
      "# Start it with `hitless lab up examples/pair.yaMl --dir /tmp/lab`; the format is described "
      "in d base, install: 10m, size_mb: 350}\n"
      "  - name: product\n"
      "    version: 7.2.0\n"
      "    kind: product\n"
      "    install: 28m\n"
      "    size_mb: 1200\n"
      " , which needs base 3.1 fir: [  owns_shared_ip: true\n"
      "    \x1f"
      " - name: b\n"
      "        role: backup\n"
      "";
  const auto r = parse_inventory_text(text, "inv.yaml", "/nonexistent");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), InventoryErrc::kSyntax) << r.message();
}

TEST(YamlDocuments, SecondDocumentIsStillRefusedAsSuch) {
  const auto r = parse_inventory_text("a: 1\n---\nb: 2\n", "inv.yaml", "/nonexistent");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "inv.yaml:3: more than one YAML document; the file holds exactly one");
}

}  // namespace
}  // namespace hitless
