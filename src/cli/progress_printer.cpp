#include "cli/progress_printer.hpp"

#include "common/durations.hpp"

namespace hitless::cli {

ProgressPrinter::ProgressPrinter(const plan::Plan& plan, std::FILE* out, bool quiet)
    : plan_(plan), out_(out), quiet_(quiet) {}

double ProgressPrinter::wall() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
}

std::string ProgressPrinter::when(double model) const {
  // Model time is what an operator plans with; wall time differs in a scaled lab.
  return plan_.time_scale == 1
             ? format_duration(model)
             : format_duration(model) + " model, " + format_duration(wall()) + " wall";
}

void ProgressPrinter::step_started(const plan::Step& s, double now) {
  open_[s.id] = spans_.size();
  spans_.push_back(
      sim::StepSpan{s.id, plan::to_string(s.verb), s.title, s.targets, now, now, "running"});
  if (quiet_) return;
  std::string who;
  for (const auto& t : s.targets) who += (who.empty() ? "" : ",") + t;
  std::fprintf(out_, "[%s] %-6s phase %d  %-40s started: %s (estimate %s)\n", when(now).c_str(),
               who.c_str(), s.phase + 1, s.id.c_str(), s.title.c_str(),
               format_duration(s.estimate_s).c_str());
  std::fflush(out_);
}

void ProgressPrinter::step_finished(const plan::Step& s, journal::StepState st,
                                    const std::string& message, double now) {
  auto it = open_.find(s.id);
  double took = 0;
  if (it != open_.end()) {
    spans_[it->second].end = now;
    spans_[it->second].state = journal::to_string(st);
    took = now - spans_[it->second].start;
    open_.erase(it);
  }
  if (quiet_ && st == journal::StepState::kSucceeded) return;
  std::fprintf(out_, "[%s]        phase %d  %-40s %s after %s: %s\n", when(now).c_str(),
               s.phase + 1, s.id.c_str(), st == journal::StepState::kSucceeded ? "done" : "FAILED",
               format_duration(took).c_str(), message.c_str());
  std::fflush(out_);
}

void ProgressPrinter::note(const std::string& node, const std::string& message, double now) {
  if (quiet_) return;
  std::fprintf(out_, "[%s] %-6s %s\n", when(now).c_str(), node.c_str(), message.c_str());
  std::fflush(out_);
}

}  // namespace hitless::cli
