#pragma once
// SharedIpNetns: a cluster's shared IP "for real" (`shared_ip: netns` in the lab file), as Linux
// appliances move it. Each node's data plane gets a network namespace of its own with an eth0
// on a bridge (the bridge in a namespace too), and this namespace, where clients and the probe
// run, joins the bridge by a veth pair; all on a random /24 of 100.64.0.0/10. The VIP (.100 of
// it) moves with `ip addr add/del` on the owner's eth0, and the new owner announces it with a
// gratuitous ARP sent from a raw socket inside its namespace (without it the clients keep the
// old MAC and time out). Every namespace is recorded (leftovers.hpp) before it is created, and
// remove() or the destructor deletes them all, which takes the veths and addresses with them.
// Blocking (`ip` through Boost.Process, ~5-10 ms each); owned by the lab daemon's thread.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace hitless::lab {

enum class NetnsErrc { kNotInstalled, kCommand, kAnnounce };

class SharedIpNetns {
 public:
  static Result<std::unique_ptr<SharedIpNetns>, NetnsErrc> create(
      const std::string& cluster, const std::vector<std::string>& nodes,
      const std::string& record_dir);
  ~SharedIpNetns();
  SharedIpNetns(const SharedIpNetns&) = delete;
  SharedIpNetns& operator=(const SharedIpNetns&) = delete;

  const std::string& vip() const { return vip_; }  // the shared IP, no port
  // The namespace of `node`'s data plane ("" for a node of another cluster).
  std::string netns_of(const std::string& node) const;
  std::vector<std::string> namespaces() const;  // the bridge's and every node's
  const std::string& client_interface() const { return host_veth_; }

  // The VIP onto `node`'s eth0 (an address already there is fine).
  Status<NetnsErrc> add_vip(const std::string& node);
  // Gratuitous ARP from `node`: "VIP is at my MAC", so clients send to it from now on.
  Status<NetnsErrc> announce(const std::string& node);
  void remove_vip(const std::string& node);  // best effort: a node going away loses it anyway
  void remove();                             // deletes every namespace (idempotent)

 private:
  SharedIpNetns() = default;
  std::string id_, bridge_ns_, host_veth_, vip_;
  std::map<std::string, std::string> node_ns_;
  std::vector<std::string> created_;  // only these are deleted: never another lab's namespace
};

}  // namespace hitless::lab
