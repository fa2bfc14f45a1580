#!/usr/bin/env bash
# Every test, and every build the README names: format check, the dev build and its unit and
# integration tests, the release build and every benchmark at a small size (figures printed,
# never judged; a benchmark that exits non-zero fails), then the AddressSanitizer + UBSan build
# and its tests. Installs what is missing first. Prints each stage's time; the last line is the
# summary ("hitless tests: ALL PASSED (...)" or "hitless tests: FAILURES ...").
# Usage: scripts/test.sh                 (everything)
#        HITLESS_SKIP_FORMAT=1           no clang-format check
#        HITLESS_SKIP_RELEASE=1          no release build, no benchmarks
#        HITLESS_SKIP_ASAN=1             no sanitizer build and tests
#        HITLESS_SKIP_FUZZ=1             no fuzzing stage
#        HITLESS_FUZZ_SECONDS=N          seconds per fuzz target (default 6: 24 s for the four)
#        HITLESS_JOBS=N                  build and test parallelism (default: nproc)
#        HITLESS_UNITY=0                 compile file by file instead of in unity batches
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${HITLESS_JOBS:-$(nproc)}
# Unity batches (cmake/unity_build.cmake) compile a cold build in a fraction of the time; passed
# explicitly either way so a build directory never keeps a stale choice.
unity=$([ "${HITLESS_UNITY:-1}" = 1 ] && echo ON || echo OFF)
skip() { [ "${!1:-0}" = 1 ]; }

done_parts=()   # what passed, for the summary line
failed=()       # what failed
times=()        # "stage seconds" lines for the closing table
stage_start=0
begin() {
  echo
  echo "== $1 =="
  stage_start=$SECONDS
}
end() {  # end NAME STATUS
  local s=$((SECONDS - stage_start))
  times+=("$(printf '%-22s %5ds  %s' "$1" "$s" "$([ "$2" -eq 0 ] && echo ok || echo FAILED)")")
  echo "== $1: $([ "$2" -eq 0 ] && echo ok || echo FAILED) in ${s}s =="
  [ "$2" -eq 0 ] || failed+=("$1")
}
finish() {
  echo
  echo "== stage times (total $((SECONDS - t_all))s) =="
  printf '%s\n' "${times[@]}"
  if [ ${#failed[@]} -eq 0 ]; then
    echo "hitless tests: ALL PASSED (${done_parts[*]})"
    exit 0
  fi
  echo "hitless tests: FAILURES in ${failed[*]} (see above)"
  exit 1
}
t_all=$SECONDS

# Packages first (quick when nothing is missing): the format check needs clang-format.
scripts/setup.sh --install-only

# Fails fast: before anything is built.
if ! skip HITLESS_SKIP_FORMAT; then
  begin "format"
  st=0; scripts/check-format.sh || st=$?
  end "format" $st
  [ $st -eq 0 ] || finish
  done_parts+=(format)
fi

build() {  # build PRESET [TARGET...]: configure and build it (or only those targets); a failed build stops the script
  local preset=$1; shift
  local targets=()
  [ $# -eq 0 ] || targets=(--target "$@")
  begin "build $preset"
  st=0; nice -n 10 cmake --preset "$preset" -DHITLESS_UNITY="$unity" >/dev/null && nice -n 10 cmake --build --preset "$preset" -j "$jobs" "${targets[@]}" || st=$?
  end "build $preset" $st
  [ $st -eq 0 ] || finish
}

run_tests() {  # run_tests PRESET: its ctest suite
  begin "tests $1"
  st=0
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --preset "$1" -j "$jobs" --timeout 300 || st=$?
  end "tests $1" $st
  [ $st -ne 0 ] || done_parts+=("$1")
}

# Each README benchmark at a size that takes seconds. Figures are printed, not judged; a benchmark
# that exits non-zero (or runs past its time limit) fails the stage.
run_benchmarks() {
  local b=build/release/bench
  local benches=(
    "lab_scale_bench 2 200"
    "probe_bench 1000"
    "lab_model_bench --benchmark_min_time=0.05"
    "plan_bench 100"
    "atlas_bench --execute 20 4 0.005"
    "executor_bench 1 10"
    "apply_bench 3 0.005"
    "dns_swing_bench 50"
    "catalog_bench 10000 64"
    "command_bench 100 1 8"
    "ssh_bench 100 50"
    "haproxy_bench 300"
    "lb_upgrade_bench 4 0.002"
    "downtime_bench 1"
  )
  begin "benchmarks"
  local st=0 cmd t0 rc
  for cmd in "${benches[@]}"; do
    echo "-- $b/$cmd"
    t0=$SECONDS
    rc=0
    # lab_model_bench: only the small world size (its Google Benchmark registrations read this).
    HITLESS_BENCH_SMALL=1 timeout 300 $b/$cmd || rc=$?
    echo "-- ${cmd%% *}: $([ $rc -eq 0 ] && echo ok || echo "FAILED (exit $rc)") in $((SECONDS - t0))s"
    [ $rc -eq 0 ] || st=1
  done
  end "benchmarks" $st
  [ $st -ne 0 ] || done_parts+=(release)
}

# Dev tests first: the quickest full answer. Then the release build (-O2 warnings) and the
# benchmarks, then the slowest: the sanitizer build and its tests.
build dev
run_tests dev
if ! skip HITLESS_SKIP_RELEASE; then
  build release
  run_benchmarks
fi
if ! skip HITLESS_SKIP_ASAN; then
  build asan
  run_tests asan
fi
# The parsers of files hitless does not control, under libFuzzer (clang, ASan+UBSan), each for a
# bounded time from its seed corpus in fuzz/corpus/; a crash, leak-free abort or timeout fails
# the stage and leaves the input as fuzz-out/crash-*.
run_fuzzers() {
  local secs=${HITLESS_FUZZ_SECONDS:-6} b=build/fuzz/fuzz st=0 t rc
  begin "fuzz"
  mkdir -p fuzz-out
  for t in inventory lab_spec catalog signature; do
    mkdir -p "fuzz-out/corpus-$t"
    echo "-- fuzz_$t for ${secs}s"
    rc=0
    ASAN_OPTIONS=detect_leaks=0 $b/fuzz_$t -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix=fuzz-out/ -print_final_stats=1 "fuzz-out/corpus-$t" "fuzz/corpus/$t" \
      >"fuzz-out/$t.log" 2>&1 || rc=$?
    grep -E "^(stat::number_of_executed_units|Done)|ERROR|SUMMARY" "fuzz-out/$t.log" || true
    echo "-- fuzz_$t: $([ $rc -eq 0 ] && echo ok || echo "FAILED (exit $rc, fuzz-out/$t.log)")"
    [ $rc -eq 0 ] || st=1
  done
  end "fuzz" $st
  [ $st -ne 0 ] || done_parts+=(fuzz)
}
if ! skip HITLESS_SKIP_FUZZ; then
  # Only the fuzz targets and the libraries they link: the rest is built and tested above.
  build fuzz fuzz_inventory fuzz_lab_spec fuzz_catalog fuzz_signature
  run_fuzzers
fi
finish
