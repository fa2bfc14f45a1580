#pragma once
// Live progress of a run on the terminal: one line when a step starts or ends, naming the node,
// its phase (maintenance window), the step, the time spent and the estimate; notes from the
// executor (reconciliation, safety moves, approvals awaited) as they come. Also keeps the
// step timeline for the report. Runs on the executor's thread.

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "executor/executor.hpp"
#include "simulator/timeline.hpp"

namespace hitless::cli {

class ProgressPrinter final : public exec::ProgressSink {
 public:
  ProgressPrinter(const plan::Plan& plan, std::FILE* out, bool quiet = false);
  void step_started(const plan::Step& s, double model_now) override;
  void step_finished(const plan::Step& s, journal::StepState st, const std::string& message,
                     double model_now) override;
  void note(const std::string& node, const std::string& message, double model_now) override;
  const std::vector<sim::StepSpan>& spans() const { return spans_; }

 private:
  double wall() const;
  std::string when(double model) const;
  const plan::Plan& plan_;
  std::FILE* out_;
  bool quiet_;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
  std::map<std::string, std::size_t> open_;  // step id -> index in spans_
  std::vector<sim::StepSpan> spans_;
};

}  // namespace hitless::cli
