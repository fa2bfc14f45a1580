// Seed 004, "Upgrade BeyondTrust Hardware": the steps that move an appliance's identity and data
// to new hardware, and retire the old box. Two of them carry a file from one appliance to the
// other inside one step (the certificate export, a fresh backup): the second call takes a field of
// the first call's answer (DriverCall "@from_answer"), so the file lives only in the executor's
// memory and never in the journal. The passphrase is not known here at all: the call names its
// owner-only file and the driver reads it.
#include "executor/verbs/verb_registry.hpp"

namespace hitless::exec {
namespace {

using Channel = DriverCall::Channel;
using nlohmann::json;

class CertTransfer : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kCertTransfer; }
  const char* summary() const override {
    return "exports a certificate, its chain and its private key (encrypted under a passphrase) "
           "and imports them into another appliance";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    const std::string file = c.step.params.value("passphrase_file", "");
    return std::vector<DriverCall>{
        {Channel::kAppliance, c.step.targets.at(0), {"cert-export", {{"passphrase_file", file}}}},
        {Channel::kAppliance,
         c.step.targets.at(1),
         {"cert-import",
          {{"passphrase_file", file}, {"@from_answer", {{"bundle", "cert-export.bundle"}}}}}}};
  }
  std::optional<std::string> judge_answers(const VerbContext& c) const override {
    const auto out = c.answers.value("cert-export", json::object());
    const auto in = c.answers.value("cert-import", json::object());
    if (out.value("fingerprint", "") != in.value("fingerprint", "-"))
      return c.step.targets.at(1) + " imported a certificate other than the one " +
             c.step.targets.at(0) + " exported";
    return std::nullopt;
  }
};

class CertAssignIp : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kCertAssignIp; }
  const char* summary() const override {
    return "assigns the imported certificate to the appliance's IP address";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    return std::vector<DriverCall>{{Channel::kAppliance,
                                    c.step.targets.at(0),
                                    {"cert-assign-ip", {{"ip", c.step.params.value("ip", "")}}}}};
  }
};

class Restore : public VerbHandler {
 public:
  plan::Verb verb() const override { return plan::Verb::kRestore; }
  const char* summary() const override {
    return "takes a fresh backup of the old appliance and restores it onto the new one";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    const std::string from = c.step.params.value("from", "");
    if (from.empty()) return make_error(VerbErrc::kRefused, "restore: the plan names no source");
    return std::vector<DriverCall>{
        {Channel::kAppliance, from, {"backup", {}}},
        {Channel::kAppliance,
         c.step.targets.at(0),
         {"restore", {{"@from_answer", {{"backup", "backup.backup"}}}}}}};
  }
  // The restored data must be the backup's, bit for bit (checksums of the same canonical form).
  std::optional<std::string> judge_answers(const VerbContext& c) const override {
    const std::string taken = c.answers.value("backup", json::object()).value("checksum", "");
    const std::string restored = c.answers.value("restore", json::object()).value("checksum", "");
    if (taken.empty() || taken != restored)
      return c.step.targets.at(0) + " holds data " + restored.substr(0, 12) +
             " after the restore, but the backup of " + c.step.params.value("from", "") + " had " +
             taken.substr(0, 12);
    return std::nullopt;
  }
};

// Factory reset and shut-down retire the old box: it stops serving for good.
class Retire : public VerbHandler {
 public:
  explicit Retire(bool shut_down) : shut_down_(shut_down) {}
  plan::Verb verb() const override {
    return shut_down_ ? plan::Verb::kShutDown : plan::Verb::kFactoryReset;
  }
  const char* summary() const override {
    return shut_down_ ? "shuts the appliance down through its management API"
                      : "resets the appliance to factory defaults (data, certificate, accounts)";
  }
  Result<std::vector<DriverCall>, VerbErrc> calls(const VerbContext& c) const override {
    return std::vector<DriverCall>{
        {Channel::kAppliance, c.step.targets.at(0), {shut_down_ ? "power-off" : "factory-reset"}}};
  }
  std::vector<std::string> takes_out_of_service(const plan::Step& s) const override {
    return {s.targets.at(0)};
  }

 private:
  bool shut_down_;
};

}  // namespace

void register_migration_verbs(VerbRegistry& r) {
  r.add(std::make_unique<CertTransfer>());
  r.add(std::make_unique<CertAssignIp>());
  r.add(std::make_unique<Restore>());
  r.add(std::make_unique<Retire>(false));
  r.add(std::make_unique<Retire>(true));
}

}  // namespace hitless::exec
