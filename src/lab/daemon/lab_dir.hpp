#pragma once
// The lab directory (`--dir DIR`): everything a running lab leaves for its users.
//   DIR/lab.json          every address; per cluster its service address; the control endpoint
//   DIR/inventory.yaml    the inventory that `hitless plan/apply` take
//   DIR/secrets/          node API tokens, BMC tokens and IPMI passwords, the control token, the
//                         lab signing key, the TSIG key of the lab's DNS server (dns-update.tsig)
//   DIR/ipmi/             the IPMI simulators of nodes with out-of-band power (ipmi_bmcs.hpp)
//   DIR/knot/             knot.conf, zones and knotd.log of the lab's DNS server (DNS clusters)
//   DIR/leftovers/        what the daemon created outside itself (namespaces, knotd's pid), for
//                         `lab down` after a SIGKILLed daemon (leftovers.hpp)
//   DIR/repo/             the lab's package repository: signed packages and the public key
//   DIR/lab.pid, lab.log  the daemon's process id and log
//   DIR/haproxy/          the HAProxy in front of active/active clusters: haproxy.cfg, its log,
//                         pid file and runtime API socket (admin.sock)
// Files are written atomically (temp file + rename). Runs in the daemon before and after binding.

#include <map>
#include <string>
#include <vector>

#include "catalog/signing.hpp"
#include "lab/daemon/ipmi_bmcs.hpp"
#include "lab/daemon/lab_runtime.hpp"
#include "lab/daemon/lab_traffic.hpp"
#include "lab/spec/lab_spec.hpp"

namespace hitless::lab {

struct RepoEntry {
  std::string id, file, signature_file, digest, kind, version;
};

struct LabSecrets {
  std::string control_token;
  catalog::SigningKeyPair signing_key;
  std::map<std::string, NodeEndpoint> endpoints;  // per node: address from the spec, tokens
};

std::string random_token();
void write_file_atomic(const std::string& path, const std::string& content, bool secret = false);
std::string read_file(const std::string& path);  // throws std::runtime_error naming the path

// Creates DIR/secrets with fresh tokens and a signing key.
LabSecrets create_secrets(const std::string& dir, const LabSpec& spec);
// Builds and signs every package of the lab's repository into DIR/repo.
std::vector<RepoEntry> build_repository(const std::string& dir, const LabSpec& spec,
                                        const catalog::SigningKeyPair& key);

// A cluster served through the lab's HAProxy: where clients connect, and what the HAProxy
// traffic driver needs (the runtime socket, relative to the lab directory, and the backend).
struct LoadBalancerInfo {
  std::string service;
  std::string runtime_socket;
  std::string backend;
  int pid = 0;  // HAProxy's process id
};

// A chassis cluster (seed 002): its service address (the chassis' forwarding plane) and, per
// routing engine, the JunOS CLI's SSH port and engine number; the client key and known_hosts
// relative to the lab directory.
struct ChassisInfo {
  std::string service;
  std::map<std::string, int> ssh_ports;  // by node
  std::map<std::string, int> engines;    // by node: 0 or 1
  std::string client_key, known_hosts;
};

struct LabDescription {
  const LabSpec* spec;
  const LabRuntime* runtime;
  std::string control_address;
  double time_scale;
  int pid;
  std::vector<RepoEntry> repo;
  std::string public_key;
  const LabTraffic* traffic = nullptr;
  std::map<std::string, LoadBalancerInfo> load_balancers;  // by cluster
  std::map<std::string, ChassisInfo> chassis;              // by cluster
  std::string profiles_dir;  // where the shipped vendor profiles are (profiles/junos.yaml)
  std::map<std::string, std::string> chassis_services() const;
  // The nodes' IPMI simulators; null or without a node: that node's power is the REST BMC only.
  const IpmiBmcs* ipmi = nullptr;
};
void write_lab_json(const std::string& dir, const LabDescription& d);
void write_inventory(const std::string& dir, const LabDescription& d);
// Where clients of a cluster connect: its shared IP, its load balancer (the lab's HAProxy), its
// DNS name (record:port), its NAT public address, or its only node.
std::string service_address(const LabSpec& spec, const ClusterSpec& c, const LabRuntime& rt,
                            const LabTraffic* traffic = nullptr,
                            const std::map<std::string, LoadBalancerInfo>* load_balancers = nullptr,
                            const std::map<std::string, std::string>* chassis_services = nullptr);

}  // namespace hitless::lab
