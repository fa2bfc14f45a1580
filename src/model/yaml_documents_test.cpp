// yaml-cpp 0.7 loops forever on a ',' outside a flow collection (jbeder/yaml-cpp#1040); the
// inputs the fuzzers found (fuzz/regressions/) must be refused as syntax errors, at once.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "model/inventory.hpp"

namespace hitless {
namespace {

// A fuzzer input kept in fuzz/regressions/, read as bytes.
std::string read_regression(const std::string& name) {
  std::ifstream in(std::string(HITLESS_FUZZ_REGRESSIONS) + "/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

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
  const std::string text = read_regression("lab-spec-mutated-pair.yaml");
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
