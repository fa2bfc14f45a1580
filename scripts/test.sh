#!/usr/bin/env bash
# Every test: unit and integration tests in the dev build, then again under AddressSanitizer +
# UndefinedBehaviorSanitizer. Installs what is missing first. Ends with ctest's summary line.
# Usage: scripts/test.sh            (both builds)
#        HITLESS_SKIP_ASAN=1 scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
presets=(dev)
[ "${HITLESS_SKIP_ASAN:-0}" = 1 ] || presets+=(asan)
scripts/setup.sh "${presets[@]}"

status=0
for preset in "${presets[@]}"; do
  echo "== tests: $preset =="
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --preset "$preset" -j "$(nproc)" --timeout 300 || status=1
done
[ $status -eq 0 ] && echo "hitless tests: ALL PASSED (${presets[*]})" || echo "hitless tests: FAILURES (see above)"
exit $status
