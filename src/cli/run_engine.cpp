#include "cli/run_engine.hpp"

#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>

#include "catalog/backup_store.hpp"
#include "catalog/package.hpp"
#include "cli/progress_printer.hpp"
#include "drivers/driver_set.hpp"
#include "lab/model/scratch_restore.hpp"
#include "net/asio_scheduler.hpp"
#include "net/async_http_client.hpp"

namespace hitless::cli {

exec::RunOutcome run_engine(const plan::Plan& plan, const UpgradeContext& ctx,
                            journal::Journal& journal, const EngineOptions& o) {
  boost::asio::io_context io;
  net::AsioScheduler clock(io, plan.time_scale);
  net::AsyncHttpClient http(io);
  auto driver = drivers::DriverSet::create(http, ctx.inventory, o.api_timeout_s, &clock);
  if (!driver) return {"failed", driver.message()};
  ProgressPrinter printer(plan, stdout, o.quiet);
  exec::ExecutorOptions eo;
  eo.auto_approve = o.auto_approve;
  eo.stop_after_phase = o.stop_after_phase;
  eo.poll_interval_s = exec::default_poll_interval_s(plan.time_scale);
  eo.reaction_s = exec::default_reaction_s(plan.time_scale);
  eo.approval_poll_s = 0.5 / plan.time_scale;
  // At most ~2,000 observations per wall second in all, however many steps wait at once.
  eo.poll_spacing_s = 0.0005 / plan.time_scale;
  // One sealer for the run: one Argon2id derivation for every backup it keeps (at its
  // interactive cost, one per backup held the run's single thread for minutes at 500 nodes).
  auto sealer = std::make_shared<catalog::BackupSealer>(o.backup_passphrase);
  if (!o.rollback)
    eo.keep_backup = [dir = o.backup_dir, pass = o.backup_passphrase, sealer](
                         const std::string& node, const nlohmann::json& answer,
                         double now) -> Result<nlohmann::json, std::string> {
      if (pass.empty()) return make_error(std::string(), std::string("no backup passphrase"));
      const auto text = answer.value("backup", std::string());
      // A node that reports its configuration checksum (the lab's appliances) is proven by
      // restoring the stored backup into a scratch node. A device that reports none (a vendor
      // CLI's export, e.g. JunOS `show configuration | display set`) has no scratch twin here:
      // its proof is the round trip, the sealed file opening to exactly the bytes exported.
      const auto reported = answer.value("checksum", std::string());
      const bool round_trip = reported.empty();
      if (round_trip && text.empty())
        return make_error(std::string(), std::string("the node exported an empty configuration"));
      catalog::RestoreProbe probe = round_trip ? catalog::RestoreProbe([](const std::string& t) {
        return Result<std::string, std::string>(catalog::sha256_hex(t));
      })
                                               : catalog::RestoreProbe([](const std::string& t) {
                                                   return lab::checksum_after_scratch_restore(t);
                                                 });
      auto r = catalog::store_backup(
          dir, node, text, round_trip ? catalog::sha256_hex(text) : reported, now, *sealer, probe);
      if (!r) return make_error(std::string(), r.message());
      return nlohmann::json{{"node", r->node},
                            {"file", r->file},
                            {"sha256", r->sha256},
                            {"checksum", r->checksum},
                            {"restored_checksum", r->restored_checksum},
                            {"proof", round_trip ? "round-trip" : "scratch-restore"},
                            {"proven", r->proven()}};
    };
  eo.config_changes = o.config_changes;
  eo.wall_now = [] {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  exec::Executor executor(plan, &ctx.catalog, clock, (*driver)->drivers(), journal, eo, &printer);
  exec::RunOutcome outcome{
      "interrupted", "stopped by a signal; the journal keeps the place: run `hitless resume`"};
  auto done = [&](const exec::RunOutcome& r) {
    outcome = r;
    io.stop();
  };
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    (void)journal.set_run_state("paused", "interrupted by a signal");
    io.stop();
  });
  if (o.rollback)
    executor.start_rollback(done);
  else
    executor.start(done);
  io.run();
  return outcome;
}

}  // namespace hitless::cli
