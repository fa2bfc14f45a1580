#pragma once
// In-memory upgrade inputs for the engine benchmarks, built the way planner_test.cpp builds them:
// an inventory of N failover pairs ("pairP": primary "aP" holding a shared IP of its own, backup
// "bP"), what those nodes report (7.1.0 with base 3.0, relation established), and a catalog that
// offers base 3.1.0 and product 7.2.0 (which requires base >= 3.1). Plain values; no I/O.

#include <string>

#include "catalog/catalog.hpp"
#include "model/inventory.hpp"
#include "model/observed_state.hpp"

namespace hitless::bench {

struct PairWorld {
  Inventory inventory;
  ObservedState observed;
  catalog::Catalog catalog;
};

// Pair p's shared IP: a distinct loopback address, 127.1.X.Y:4000.
std::string pair_shared_ip(int pair);
PairWorld make_pair_world(int pairs, const NodeProfile& profile = {});

}  // namespace hitless::bench
