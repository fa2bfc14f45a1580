#pragma once
// NatGateway: the NAT in front of the lab's NAT-swung clusters, as seed 001's "NAT swing" has
// it. A network namespace of its own (unique name per lab) joined to this one by a veth pair on
// a /30 of 198.18.0.0/15 (the benchmarking range): this side holds .1, where the clusters' nodes
// listen; the namespace holds .2, the public address clients connect to. nftables in the
// namespace DNATs each cluster's public port to its current node (one chain per cluster, so a
// swing is one `nft -f` that flushes and refills it) and masquerades what it forwards back out,
// so replies return through it. The destructor deletes the namespace, which takes the veth pair,
// the addresses and the rules with it. Blocking; runs `ip` and `nft` through Boost.Process.

#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace hitless::lab {

enum class NatErrc { kNotInstalled, kCommand };

class NatGateway {
 public:
  // Creates the namespace, the veth pair and the nft table (no cluster chains yet). The
  // namespace is recorded in `record_dir` (see leftovers.hpp) when that is not empty.
  static Result<std::unique_ptr<NatGateway>, NatErrc> create(const std::string& record_dir = "");
  ~NatGateway();
  NatGateway(const NatGateway&) = delete;
  NatGateway& operator=(const NatGateway&) = delete;

  const std::string& netns() const { return netns_; }
  const std::string& table() const { return table_; }
  const std::string& inside_address() const { return inside_; }  // where nodes listen (.1)
  const std::string& public_address() const { return public_; }  // clients connect here (.2)

  // Adds `chain` DNATing public_address():port to `target` (host:port), hooked into prerouting.
  Status<NatErrc> add_service(const std::string& chain, std::uint16_t port,
                              const std::string& target);
  void remove();  // deletes the namespace (idempotent)

 private:
  NatGateway() = default;
  std::string netns_, table_ = "hitless_nat", veth_out_, veth_in_, inside_, public_;
};

}  // namespace hitless::lab
