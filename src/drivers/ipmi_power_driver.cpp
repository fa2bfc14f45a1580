#include "drivers/ipmi_power_driver.hpp"

#include <sys/stat.h>

#include "drivers/ipmi_power_status.hpp"
#include "net/process_runner.hpp"

namespace hitless::drivers {
namespace {

// ipmitool's first line on stderr says why (e.g. "Unable to establish IPMI v2 / RMCP+ session").
std::string first_line(const std::string& text) {
  const auto end = text.find('\n');
  return text.substr(0, end);
}

}  // namespace

Result<std::unique_ptr<IpmiPowerDriver>, DriverErrc> IpmiPowerDriver::create(
    boost::asio::io_context& io, const Inventory& inv, double timeout_s) {
  std::unique_ptr<IpmiPowerDriver> d(new IpmiPowerDriver(io, timeout_s));
  for (const auto& c : inv.clusters)
    for (const auto& n : c.nodes) {
      if (!n.power || n.power->driver != "ipmi") continue;
      const std::string where = inv.file + ":" + std::to_string(n.line) + ": clusters[" + c.name +
                                "].nodes[" + n.name + "].power.";
      const auto colon = n.power->address.rfind(':');
      if (colon == std::string::npos || colon == 0)
        return make_error(DriverErrc::kProtocol,
                          where + "address: '" + n.power->address + "' is not host:port");
      struct stat st {};
      if (::stat(n.power->password_file.c_str(), &st) != 0)
        return make_error(DriverErrc::kProtocol,
                          where + "password_file: cannot read " + n.power->password_file);
      if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return make_error(DriverErrc::kProtocol,
                          where + "password_file: " + n.power->password_file +
                              " is readable by group or others (chmod 600 it)");
      d->targets_[n.name] =
          IpmiTarget{n.power->address.substr(0, colon), n.power->address.substr(colon + 1),
                     n.power->user, n.power->password_file};
    }
  return d;
}

void IpmiPowerDriver::ipmitool(const IpmiTarget& t, const std::string& node,
                               std::vector<std::string> command, Callback<std::string> done) {
  net::ProcessRequest rq;
  rq.argv = {"ipmitool", "-I",   "lanplus", "-C",   "3",  "-H",           t.host,
             "-p",       t.port, "-U",      t.user, "-f", t.password_file};
  rq.argv.insert(rq.argv.end(), command.begin(), command.end());
  rq.timeout_s = timeout_s_;
  runner_.run(std::move(rq), [node, done = std::move(done)](net::ProcessResult r) {
    if (!r.started)
      return done(make_error(DriverErrc::kUnsupported, "BMC of " + node + ": " + r.spawn_error));
    if (r.timed_out)
      return done(make_error(DriverErrc::kUnreachable,
                             "BMC of " + node + ": ipmitool did not finish before its deadline"));
    if (r.exit_code != 0) {
      const std::string why = first_line(r.err.empty() ? r.out : r.err);
      // No session at all means the BMC did not answer or refused the credentials.
      const bool no_session = why.find("Unable to establish") != std::string::npos;
      return done(make_error(no_session ? DriverErrc::kUnreachable : DriverErrc::kRejected,
                             "BMC of " + node + ": ipmitool: " + why));
    }
    done(std::move(r.out));
  });
}

void IpmiPowerDriver::power_state(const std::string& node, Callback<bool> done) {
  auto it = targets_.find(node);
  if (it == targets_.end())
    return done(make_error(DriverErrc::kUnsupported, node + " has no IPMI BMC in the inventory"));
  ipmitool(it->second, node, {"chassis", "power", "status"},
           [node, done = std::move(done)](Result<std::string, DriverErrc> r) {
             if (!r) return done(r.error());
             done(parse_chassis_power_status(node, *r));
           });
}

void IpmiPowerDriver::set_power(const std::string& node, bool on, Callback<Unit> done) {
  auto it = targets_.find(node);
  if (it == targets_.end())
    return done(make_error(DriverErrc::kUnsupported, node + " has no IPMI BMC in the inventory"));
  const std::string want = on ? "on" : "off";
  ipmitool(
      it->second, node, {"chassis", "power", want},
      [this, node, on, want, done = std::move(done)](Result<std::string, DriverErrc> r) mutable {
        if (!r) return done(r.error());
        // The BMC accepted; read back what it reports so a silent no-op is not success.
        power_state(node, [node, on, want, done = std::move(done)](Result<bool, DriverErrc> s) {
          if (!s) return done(s.error());
          if (*s != on)
            return done(make_error(DriverErrc::kRejected, "BMC of " + node + " accepted power " +
                                                              want + " but reports " +
                                                              (*s ? "on" : "off")));
          done(Unit{});
        });
      });
}

}  // namespace hitless::drivers
