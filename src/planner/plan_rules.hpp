#pragma once
// Rules every plan's DAG must keep whatever strategy built it, checked by make_plan so a strategy
// that breaks one is refused at `plan` time (not only by the executor at `apply`). Pure.

#include <set>
#include <string>

#include "planner/plan.hpp"

namespace hitless::plan {

// Ids of every step `id` waits for, directly or through others.
std::set<std::string> ancestors(const Plan& p, const std::string& id);

// Issue 9 item 6: no install starts on a node before that node's backup has been taken, so every
// install step of node N must wait (directly or through others) for a backup step of N. Returns
// what breaks the rule, naming the steps, or "" when nothing does.
std::string install_before_backup(const Plan& p);

}  // namespace hitless::plan
