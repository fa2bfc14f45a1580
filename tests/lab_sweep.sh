#!/bin/sh
# Stops the labs a ctest run's own tests left running (a test that failed between `lab up` and
# its fixture's `lab down`). Registered in tests/CMakeLists.txt as the setup and the cleanup of
# the fixture `hitless_labs`, which every integration and e2e test requires.
#
#   lab_sweep.sh start RUN_FILE           writes a new id for this run into RUN_FILE
#   lab_sweep.sh sweep RUN_FILE HITLESS   `HITLESS lab down` for each lab of this run still running
#
# Whose lab: the harness (tests/lab_harness.cpp, make_temp_dir) copies the id from RUN_FILE,
# which ctest names in HITLESS_TEST_RUN_FILE, into each scratch directory as `ctest-run`. Labs
# of other runs (other build trees, other engineers' runs on this machine) carry another id or
# none and are never touched. A lab counts as running when the pid in its lab.pid is a
# `hitless lab serve --dir` of that very directory (a reused pid is left alone).
# Exit status 1 when a lab had to be stopped: some test leaked it, and that should be seen.
set -eu

mode=${1:?usage: lab_sweep.sh start RUN_FILE | sweep RUN_FILE HITLESS}
run_file=${2:?the run file}

case "$mode" in
start)
  # Nanoseconds and our pid: two runs never share an id.
  echo "$(date +%s%N)-$$" >"$run_file"
  exit 0
  ;;
sweep)
  hitless=${3:?the hitless binary}
  ;;
*)
  echo "lab_sweep.sh: unknown mode '$mode'" >&2
  exit 2
  ;;
esac

[ -r "$run_file" ] || {
  echo "lab_sweep.sh: $run_file is missing: no run to sweep"
  exit 0
}
run_id=$(cat "$run_file")
stopped=0
for mark in "${TMPDIR:-/tmp}"/hitless-*/ctest-run; do
  [ -f "$mark" ] && [ "$(cat "$mark")" = "$run_id" ] || continue
  scratch=${mark%/ctest-run}
  for pid_file in "$scratch"/lab.pid "$scratch"/*/lab.pid; do
    [ -f "$pid_file" ] || continue
    lab_dir=${pid_file%/lab.pid}
    pid=$(cat "$pid_file")
    [ -r "/proc/$pid/cmdline" ] || continue
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "lab serve --dir $lab_dir " || continue
    echo "lab_sweep.sh: a test of this run left the lab in $lab_dir running (pid $pid): stopping it"
    "$hitless" lab down --dir "$lab_dir" || true
    stopped=$((stopped + 1))
  done
done
if [ "$stopped" -gt 0 ]; then
  echo "lab_sweep.sh: stopped $stopped lab(s) left running; their directories are kept for a look"
  exit 1
fi
echo "lab_sweep.sh: no lab of this run was left running"
