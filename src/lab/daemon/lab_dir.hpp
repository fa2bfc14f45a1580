#pragma once
// The lab directory (`--dir DIR`): everything a running lab leaves for its users.
//   DIR/lab.json          every address; per cluster its service address; the control endpoint
//   DIR/inventory.yaml    the inventory that `hitless plan/apply` take
//   DIR/secrets/          node API tokens, BMC tokens and IPMI passwords, the control token, the
//                         lab signing key
//   DIR/ipmi/             the IPMI simulators of nodes with out-of-band power (ipmi_bmcs.hpp)
//   DIR/repo/             the lab's package repository: signed packages and the public key
//   DIR/lab.pid, lab.log  the daemon's process id and log
// Files are written atomically (temp file + rename). Runs in the daemon before and after binding.

#include <map>
#include <string>
#include <vector>

#include "catalog/signing.hpp"
#include "lab/daemon/ipmi_bmcs.hpp"
#include "lab/daemon/lab_runtime.hpp"
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

struct LabDescription {
  const LabSpec* spec;
  const LabRuntime* runtime;
  std::string control_address;
  double time_scale;
  int pid;
  std::vector<RepoEntry> repo;
  std::string public_key;
  // The nodes' IPMI simulators; null or without a node: that node's power is the REST BMC only.
  const IpmiBmcs* ipmi = nullptr;
};
void write_lab_json(const std::string& dir, const LabDescription& d);
void write_inventory(const std::string& dir, const LabDescription& d);
// Where clients of a cluster connect: its shared IP, load balancer, or its only node.
std::string service_address(const LabSpec& spec, const ClusterSpec& c, const LabRuntime& rt);

}  // namespace hitless::lab
