// `hitless apply | resume | rollback | approve | status`: carrying out a plan, journaled.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "catalog/backup_seal.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/run_engine.hpp"
#include "common/durations.hpp"
#include "planner/planner.hpp"

namespace hitless::cli {
namespace {

struct RunArgs {
  std::string plan_file, inventory, target, strategy, journal, backup_dir, format = "text", step;
  std::string passphrase_file;  // "" = HITLESS_BACKUP_PASSPHRASE
  bool auto_approve = false, quiet = false, allow_expired_catalog = false;
  std::string config_changes;  // resume: pause | carry-over | discard
  int stop_after_phase = 0;    // 1-based for people; 0 = run every phase
  double api_timeout_s = 5;
};

std::string read_whole_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path;
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int report_outcome(const exec::RunOutcome& out, const std::string& journal) {
  std::printf("\nrun %s: %s\n", out.state.c_str(), out.message.c_str());
  if (out.state == "completed") return kExitOk;
  if (out.state == "paused" || out.state == "interrupted") {
    std::printf("continue with: hitless resume --journal %s\n", journal.c_str());
    return out.state == "paused" ? kExitOk : kExitFailed;
  }
  if (out.state == "rolled-back") return kExitOk;
  if (out.state == "rollback-incomplete") {
    std::printf("see: hitless status --journal %s\n", journal.c_str());
    return kExitFailed;
  }
  std::printf("see: hitless status --journal %s   undo: hitless rollback --journal %s\n",
              journal.c_str(), journal.c_str());
  return kExitFailed;
}

EngineOptions engine_options(const RunArgs& a, const std::string& journal) {
  EngineOptions o;
  o.auto_approve = a.auto_approve;
  o.stop_after_phase = a.stop_after_phase - 1;
  o.api_timeout_s = a.api_timeout_s;
  o.backup_dir = a.backup_dir.empty() ? journal + ".backups" : a.backup_dir;
  o.quiet = a.quiet;
  if (!a.config_changes.empty()) o.config_changes = parse_config_change_action(a.config_changes);
  return o;
}

// Backups are sealed with this passphrase; without one nothing starts (no install may start
// without a proven backup). Read before anything is observed or changed.
bool read_backup_passphrase(const RunArgs& a, const char* cmd, EngineOptions& o) {
  auto p = catalog::read_passphrase(a.passphrase_file);
  if (!p) {
    std::cerr << "hitless " << cmd << ": " << p.message() << "\n";
    return false;
  }
  o.backup_passphrase = std::move(*p);
  return true;
}

int run_apply(const RunArgs& a) {
  std::string error;
  EngineOptions engine;
  if (!read_backup_passphrase(a, "apply", engine)) return kExitBadInput;
  plan::Plan plan;
  std::string inventory_path = a.inventory;
  if (!a.plan_file.empty()) {
    const std::string text = read_whole_file(a.plan_file, error);
    if (!error.empty()) return std::cerr << "hitless apply: " << error << "\n", kExitBadInput;
    auto p = plan::plan_from_json_text(text, a.plan_file);
    if (!p) return std::cerr << "hitless apply: " << p.message() << "\n", kExitBadInput;
    plan = std::move(*p);
    inventory_path = plan.inventory_file;
  } else if (a.inventory.empty()) {  // the planner asks for --to where it needs one
    return std::cerr << "hitless apply: give a PLAN file, or -i INVENTORY with --to VERSION\n",
           kExitBadInput;
  }
  const std::string journal_path =
      !a.journal.empty() ? a.journal : (a.plan_file.empty() ? "hitless" : a.plan_file) + ".journal";
  if (!a.plan_file.empty() && std::filesystem::exists(journal_path)) {
    // Checked before anything is observed or changed: a journal belongs to one plan.
    auto existing = journal::SqliteJournal::open(journal_path);
    if (!existing)
      return std::cerr << "hitless apply: " << existing.message() << "\n", kExitBadInput;
    const std::string theirs = (*existing)->run().plan_hash, ours = plan::plan_hash(plan);
    if (theirs != ours)
      return std::cerr << "hitless apply: journal " << journal_path << " belongs to plan "
                       << theirs.substr(0, 12) << ", not " << ours.substr(0, 12)
                       << "; give another --journal\n",
             kExitBadInput;
    if (!(*existing)->steps().empty())
      return std::cerr
                 << "hitless apply: " << journal_path
                 << " already holds a run of this plan; continue it with: hitless resume --journal "
                 << journal_path << "\n",
             kExitBadInput;
  }
  auto ctx = load_context(inventory_path, error, a.allow_expired_catalog);
  if (!ctx) return std::cerr << "hitless apply: " << error << "\n", kExitBadInput;
  const ObservedState now = observe_all(ctx->inventory, a.api_timeout_s);
  if (a.plan_file.empty()) {
    plan::PlanRequest rq;
    rq.inventory = &ctx->inventory;
    rq.observed = &now;
    rq.catalog = &ctx->catalog;
    rq.bundles = &ctx->bundles;
    rq.target = a.target;
    rq.strategy = a.strategy;
    auto p = plan::make_plan(rq);
    if (!p) return std::cerr << "hitless apply: " << p.message() << "\n", kExitBadInput;
    plan = std::move(*p);
  } else if (now.hash() != plan.observed.hash()) {
    std::cerr << "hitless apply: the cluster changed since the plan was made; nothing was done. "
                 "What changed:\n";
    for (const auto& d : plan.observed.differences(now)) std::cerr << "  " << d << "\n";
    std::cerr << "make a new plan: hitless plan -i " << inventory_path << " --to "
              << plan.target_version << " -o PLAN\n";
    return kExitBadInput;
  }
  if (auto why = actions_missing_from_profiles(plan, ctx->inventory); !why.empty())
    return std::cerr << "hitless apply: " << why << "; nothing was done\n", kExitBadInput;
  const std::string hash = plan::plan_hash(plan);
  auto j = journal::SqliteJournal::create(journal_path, plan::to_json_text(plan), hash);
  if (!j) return std::cerr << "hitless apply: " << j.message() << "\n", kExitBadInput;
  if (!(*j)->steps().empty())
    return std::cerr
               << "hitless apply: " << journal_path
               << " already holds a run of this plan; continue it with: hitless resume --journal "
               << journal_path << "\n",
           kExitBadInput;
  std::printf("applying plan %s (%zu steps, target %s) — journal %s\n", hash.substr(0, 12).c_str(),
              plan.steps.size(), plan.target_version.c_str(), journal_path.c_str());
  EngineOptions o = engine_options(a, journal_path);
  o.backup_passphrase = std::move(engine.backup_passphrase);
  return report_outcome(run_engine(plan, *ctx, **j, o), journal_path);
}

Result<std::unique_ptr<journal::SqliteJournal>, int> open_journal(const std::string& path,
                                                                  const char* cmd,
                                                                  plan::Plan& plan) {
  auto j = journal::SqliteJournal::open(path);
  if (!j) {
    std::cerr << "hitless " << cmd << ": " << j.message() << "\n";
    return make_error(kExitBadInput, j.message());
  }
  auto run = (*j)->run();
  auto p = plan::plan_from_json_text(run.plan_json, path);
  if (!p) {
    std::cerr << "hitless " << cmd << ": " << p.message() << "\n";
    return make_error(kExitBadInput, p.message());
  }
  if (plan::plan_hash(*p) != run.plan_hash) {
    std::cerr << "hitless " << cmd << ": " << path
              << ": the plan in the journal does not match its hash\n";
    return make_error(kExitBadInput, "hash");
  }
  plan = std::move(*p);
  return std::move(*j);
}

int run_resume(const RunArgs& a, bool rollback) {
  const char* cmd = rollback ? "rollback" : "resume";
  plan::Plan plan;
  auto j = open_journal(a.journal, cmd, plan);
  if (!j) return j.code();
  const auto state = (*j)->run().state;
  if (!rollback && state == "completed")
    return std::printf("the run in %s is already complete\n", a.journal.c_str()), kExitOk;
  if (!rollback && (state == "rolled-back" || state == "rolling-back"))
    return std::cerr << "hitless resume: this run was rolled back; make a new plan\n",
           kExitBadInput;
  std::string error;
  // A way back must stay open: rollback uses even an expired catalog (with the warning logged).
  auto ctx = load_context(plan.inventory_file, error, rollback || a.allow_expired_catalog,
                          /*read_bundles=*/false);
  if (!ctx) return std::cerr << "hitless " << cmd << ": " << error << "\n", kExitBadInput;
  // The inventory may name other vendor profiles than when the plan was applied: a step (or,
  // for rollback, an undo) whose action a profile lacks is refused now, not met mid-run.
  if (auto why = actions_missing_from_profiles(plan, ctx->inventory); !why.empty())
    return std::cerr << "hitless " << cmd << ": " << why << "; nothing was done\n", kExitBadInput;
  std::printf("%s plan %s — journal %s\n", rollback ? "rolling back" : "resuming",
              plan::plan_hash(plan).substr(0, 12).c_str(), a.journal.c_str());
  EngineOptions o = engine_options(a, a.journal);
  o.rollback = rollback;
  if (!rollback && !read_backup_passphrase(a, cmd, o)) return kExitBadInput;
  return report_outcome(run_engine(plan, *ctx, **j, o), a.journal);
}

int run_approve(const RunArgs& a) {
  plan::Plan plan;
  auto j = open_journal(a.journal, "approve", plan);
  if (!j) return j.code();
  int approved = 0;
  for (const auto& [id, rec] : (*j)->steps()) {
    const plan::Step* s = plan.find(id);
    if (!s || s->verb != plan::Verb::kApproval || rec.state != journal::StepState::kRunning)
      continue;
    if (!a.step.empty() && a.step != id) continue;
    if (auto r = (*j)->approve(id, std::getenv("USER") ? std::getenv("USER") : "operator"); !r)
      return std::cerr << "hitless approve: " << r.message() << "\n", kExitFailed;
    std::printf("approved %s: %s\n", id.c_str(), s->title.c_str());
    ++approved;
  }
  if (approved == 0)
    return std::cerr << "hitless approve: no approval is waiting in " << a.journal << "\n",
           kExitBadInput;
  return kExitOk;
}

int run_status(const RunArgs& a) {
  plan::Plan plan;
  auto j = open_journal(a.journal, "status", plan);
  if (!j) return j.code();
  const auto run = (*j)->run();
  const auto steps = (*j)->steps();
  if (a.format == "json") {
    nlohmann::json js = nlohmann::json::array();
    for (const auto& s : plan.steps) {
      auto it = steps.find(s.id);
      nlohmann::json e{{"id", s.id}, {"title", s.title}, {"phase", s.phase}, {"state", "pending"}};
      if (it != steps.end())
        e.update({{"state", journal::to_string(it->second.state)},
                  {"attempts", it->second.attempts},
                  {"intent_model_s", it->second.intent_model},
                  {"outcome_model_s", it->second.outcome_model},
                  {"message", it->second.message}});
      if (auto u = steps.find("undo:" + s.id); u != steps.end())
        e["undo"] = {{"state", journal::to_string(u->second.state)},
                     {"message", u->second.message}};
      js.push_back(e);
    }
    nlohmann::json events = nlohmann::json::array();
    for (const auto& e : (*j)->events())
      events.push_back({{"wall", e.wall},
                        {"model_s", e.model},
                        {"kind", e.kind},
                        {"step", e.step_id},
                        {"node", e.node},
                        {"message", e.message}});
    std::cout << nlohmann::json{{"plan_hash", run.plan_hash},
                                {"target_version", plan.target_version},
                                {"clusters", plan.clusters},
                                {"strategies", plan.strategies},
                                {"state", run.state},
                                {"message", run.message},
                                {"steps", js},
                                {"events", events}}
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  std::printf("plan %s to %s; run %s%s%s\n", run.plan_hash.substr(0, 12).c_str(),
              plan.target_version.c_str(), run.state.c_str(), run.message.empty() ? "" : ": ",
              run.message.c_str());
  for (const auto& s : plan.steps) {
    auto it = steps.find(s.id);
    std::string st = it == steps.end() ? "pending" : journal::to_string(it->second.state);
    if (auto u = steps.find("undo:" + s.id); u != steps.end())
      st += " (undo " + std::string(journal::to_string(u->second.state)) + ")";
    std::printf("  %-10s phase %d  %-40s %s%s\n", st.c_str(), s.phase + 1, s.id.c_str(),
                s.title.c_str(),
                it != steps.end() && !it->second.message.empty() &&
                        it->second.state == journal::StepState::kFailed
                    ? ("\n             " + it->second.message).c_str()
                    : "");
  }
  return kExitOk;
}

// The options of the commands that carry a run forward (apply, resume): gates, windows, backups,
// timeouts, output, catalog freshness.
void add_carrying_out_options(CLI::App& cmd, RunArgs& a) {
  cmd.add_flag("--auto-approve", a.auto_approve, "Approve every verification gate without asking");
  cmd.add_option("--stop-after-phase", a.stop_after_phase,
                 "Stop after this phase (maintenance window), e.g. 1");
  cmd.add_option("--backup-dir", a.backup_dir,
                 "Where configuration backups go (default: JOURNAL.backups)");
  cmd.add_option("--backup-passphrase-file", a.passphrase_file,
                 "Owner-only file holding the passphrase that seals configuration backups "
                 "(default: the HITLESS_BACKUP_PASSPHRASE environment variable)");
  cmd.add_option("--api-timeout", a.api_timeout_s,
                 "Seconds before a management API call counts as unanswered");
  cmd.add_flag("-q,--quiet", a.quiet, "Print only failures and the outcome");
  cmd.add_flag("--allow-expired-catalog", a.allow_expired_catalog,
               "Use an expired package catalog (air-gapped sites); logged as a warning");
}

}  // namespace

void add_run_commands(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<RunArgs>();
  auto* apply =
      app.add_subcommand("apply", "Carry out a plan (or plan and carry out) with a journal");
  apply->add_option("plan", a->plan_file, "Plan file from `hitless plan -o`");
  apply->add_option("-i,--inventory", a->inventory,
                    "Plan now from this inventory instead of a plan file");
  apply->add_option("--to", a->target, "With -i: target version or 'latest'");
  apply->add_option("--strategy", a->strategy, "With -i: strategy");
  apply->add_option("--journal", a->journal, "SQLite journal (default: PLAN.journal)");
  add_carrying_out_options(*apply, *a);
  apply->callback([a, &exit_code] { exit_code = run_apply(*a); });

  auto r = std::make_shared<RunArgs>();
  auto* resume =
      app.add_subcommand("resume", "Continue a run after a crash, a pause or a fixed failure");
  resume->add_option("--journal", r->journal, "The run's journal")->required();
  add_carrying_out_options(*resume, *r);
  resume
      ->add_option("--config-changes", r->config_changes,
                   "Configuration changed on a node during the run, that a step would overwrite: "
                   "pause (default), "
                   "carry-over (re-apply it on the node whose configuration wins), discard (lose "
                   "it; written in the report)")
      ->check(CLI::IsMember({"pause", "carry-over", "discard"}));
  resume->callback([r, &exit_code] { exit_code = run_resume(*r, false); });

  auto rb = std::make_shared<RunArgs>();
  auto* rollback = app.add_subcommand(
      "rollback", "Undo the completed steps of a run, in reverse, where they can be undone");
  rollback->add_option("--journal", rb->journal, "The run's journal")->required();
  rollback->add_flag("-q,--quiet", rb->quiet, "Print only failures and the outcome");
  rollback->callback([rb, &exit_code] { exit_code = run_resume(*rb, true); });

  auto ap = std::make_shared<RunArgs>();
  auto* approve = app.add_subcommand("approve", "Approve a verification gate a run is waiting at");
  approve->add_option("--journal", ap->journal, "The run's journal")->required();
  approve->add_option("--step", ap->step, "The approval step (default: every one waiting)");
  approve->callback([ap, &exit_code] { exit_code = run_approve(*ap); });

  auto st = std::make_shared<RunArgs>();
  auto* status =
      app.add_subcommand("status", "Show a run: its state, every step, and (json) its events");
  status->add_option("--journal", st->journal, "The run's journal")->required();
  status->add_option("--format", st->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  status->callback([st, &exit_code] { exit_code = run_status(*st); });
}

}  // namespace hitless::cli
