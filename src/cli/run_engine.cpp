#include "cli/run_engine.hpp"

#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>

#include "cli/backup_keeper.hpp"
#include "cli/progress_printer.hpp"
#include "drivers/driver_set.hpp"
#include "net/asio_scheduler.hpp"
#include "net/async_http_client.hpp"
#include "net/blocking_worker.hpp"

namespace hitless::cli {
namespace {
// Wall seconds one backup may take to be sealed, written and proven (the first derives the run's
// key: about a second at Argon2id's interactive cost) before its step fails.
constexpr double kBackupKeepTimeoutS = 120;
}  // namespace

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
  eo.poll_spacing_s = exec::default_poll_spacing_s(plan.time_scale);
  if (!o.rollback) eo.keep_backup = make_backup_keeper(o.backup_dir, o.backup_passphrase);
  // Backups are sealed, written and proven on this worker's thread, one at a time (the keeper's
  // sealer is not shared between threads), while the run's thread serves every other step.
  // Declared before the executor: destroyed after it, once the backup in hand is done.
  net::BlockingWorker backup_worker(io);
  eo.backup_worker = [&backup_worker](std::function<void()> work, std::function<void(bool)> done) {
    backup_worker.run(std::move(work), kBackupKeepTimeoutS, std::move(done));
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
