// Seed 004, "Upgrade BeyondTrust Hardware": what the old appliance and its replacement do when an
// operator moves to new hardware. Backups restore only onto the same or a newer version (a
// backup's data cannot be imported by older software: install the software first), and only when
// the new appliance has room for the data. Certificates leave the old box encrypted under a
// passphrase and must be assigned to an IP on the new one. A factory reset wipes data,
// certificate and credentials but keeps the installed software.
#include "lab/model/lab_world.hpp"
#include "model/version.hpp"

namespace hitless::lab {
namespace {

bool older_than(const std::string& running, const std::string& made_by) {
  const auto a = Version::parse(running);
  const auto b = Version::parse(made_by);
  return a && b && *a < *b;
}

}  // namespace

NodeStatus Node::restore(const std::string& backup) {
  if (auto s = require_management(); !s) return s;
  if (has_fault(Fault::kRefusesRestore))
    return make_error(NodeErrc::kRefused, spec_.name + " refused the backup (injected fault)");
  ConfigStore incoming;
  if (!incoming.deserialize(backup))
    return make_error(NodeErrc::kBadRequest, "not a backup of this appliance type");
  if (older_than(version(), incoming.schema()))
    return make_error(NodeErrc::kRefused, "the backup was made by version " + incoming.schema() +
                                              " and " + spec_.name + " runs " + version() +
                                              ", which is older: install " + incoming.schema() +
                                              " on it before restoring");
  if (incoming.size_mb() > disk_mb())
    return make_error(NodeErrc::kDiskFull,
                      "the backup holds " + std::to_string(static_cast<long>(incoming.size_mb())) +
                          " MB of data but " + spec_.name + " has " +
                          std::to_string(static_cast<long>(disk_mb())) + " MB of disk");
  store_ = std::move(incoming);
  store_.set_schema(version());  // the running software imports it into its own schema
  factory_defaults_ = false;     // the backup brings the old appliance's accounts
  notify();
  return Unit{};
}

Result<std::string, NodeErrc> Node::export_certificate(const std::string& passphrase) const {
  if (auto s = require_management(); !s) return s.error();
  if (!certificate_)
    return make_error(NodeErrc::kNotFound, spec_.name + " holds no certificate to export");
  auto bundle = lab::export_certificate(*certificate_, passphrase);
  if (!bundle) return make_error(NodeErrc::kBadRequest, bundle.message());
  return *bundle;
}

NodeStatus Node::import_certificate(const std::string& bundle, const std::string& passphrase) {
  if (auto s = require_management(); !s) return s;
  auto c = lab::import_certificate(bundle, passphrase);
  if (!c)
    return make_error(
        c.code() == CertificateErrc::kBadBundle ? NodeErrc::kBadRequest : NodeErrc::kRefused,
        spec_.name + ": " + c.message());
  c->assigned_ip.clear();  // a new box: the operator assigns it (Assign IP)
  certificate_ = std::move(*c);
  notify();
  return Unit{};
}

NodeStatus Node::assign_certificate_ip(const std::string& ip) {
  if (auto s = require_management(); !s) return s;
  if (!certificate_)
    return make_error(NodeErrc::kNotFound,
                      spec_.name + " holds no certificate: import one before assigning an IP");
  if (const std::string w = certificate_->warning(); !w.empty())
    return make_error(NodeErrc::kRefused,
                      spec_.name + ": resolve the certificate's warning first: " + w);
  if (ip.empty()) return make_error(NodeErrc::kBadRequest, "no IP address given");
  certificate_->assigned_ip = ip;
  notify();
  return Unit{};
}

NodeStatus Node::factory_reset() {
  if (auto s = require_management(); !s) return s;
  if (ha_.role != HaRole::kNone)
    return make_error(NodeErrc::kRefused, spec_.name + " is in a failover relation with " +
                                              ha_.peer + ": break it before a factory reset");
  store_ = ConfigStore{};
  store_.set_schema(version());
  certificate_.reset();
  factory_defaults_ = true;
  drop_sessions();  // its clients are cut: nothing on it serves them any more
  accepting_ = false;
  notify();
  return Unit{};
}

}  // namespace hitless::lab
