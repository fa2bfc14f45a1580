#!/usr/bin/env bash
# The main job: upgrade the lab failover pair from 7.1.0 to 7.2.0 the way an operator would —
# look, simulate both strategies, plan, apply under load while the probe measures what clients
# see — then report what happened beside what was predicted, with a timeline picture.
# Output goes to demo-out/; the lab is always stopped at the end. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
H=build/dev/src/cli/hitless
OUT=demo-out
# Configuration backups are sealed with this passphrase (a real site uses --backup-passphrase-file
# with an owner-only file); the demo's backups are under $OUT/run.journal.backups.
export HITLESS_BACKUP_PASSPHRASE="${HITLESS_BACKUP_PASSPHRASE:-demo only, not a secret}"
LAB=$OUT/lab
PROBE_PID=""

cleanup() {
  if [ -n "$PROBE_PID" ]; then kill "$PROBE_PID" 2>/dev/null || true; wait "$PROBE_PID" 2>/dev/null || true; fi
  $H lab down --dir "$LAB" >/dev/null 2>&1 || true
}
mkdir -p "$OUT"
$H lab down --dir "$LAB" >/dev/null 2>&1 || true
rm -rf "$LAB" "$OUT"/*.json "$OUT"/run.journal* "$OUT"/timeline.svg
trap cleanup EXIT
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

echo "== 1. the lab: failover pair a (primary, shared IP) + b (backup) at 7.1.0; 1 model minute = 60 ms =="
$H lab up examples/pair.yaml --dir "$LAB" --time-scale 0.001
SERVICE=$(json "$LAB/lab.json" "d['clusters']['pair']['service']")
echo
$H lab inspect --dir "$LAB"
$H lab inspect --dir "$LAB" --format json > "$OUT/before.json"

echo
echo "== 2. hitless simulate: both strategies on a virtual clock =="
$H simulate -i "$LAB/inventory.yaml" --to latest --strategy synchronous --strategy asynchronous
$H simulate -i "$LAB/inventory.yaml" --to latest --strategy asynchronous --format json -o "$OUT/simulation.json" >/dev/null

echo
echo "== 3. hitless plan: asynchronous (backup first, then the shared IP moves, then the old primary) =="
$H plan -i "$LAB/inventory.yaml" --to latest --strategy asynchronous -o "$OUT/plan.json"

# The probe runs until it is stopped after the apply; its duration is only a safety bound
# (three times the plan's estimate in wall seconds, plus a minute).
BOUND=$(json "$OUT/plan.json" "int(d['estimate']['makespan_s'] * d['time_scale'] * 3 + 60)")
echo
echo "== 4. hitless apply, while the probe sends 200 requests/s and holds 4 sessions on $SERVICE =="
$H probe --target "$SERVICE" --duration "$BOUND" --rate 200 --sessions 4 --format json > "$OUT/probe.json" &
PROBE_PID=$!
sleep 0.5  # the probe's first requests, before anything changes
set +e
$H apply "$OUT/plan.json" --auto-approve --journal "$OUT/run.journal"
APPLY_RC=$?
set -e
sleep 0.5
kill -TERM "$PROBE_PID"  # the probe prints its report when stopped
wait "$PROBE_PID"
PROBE_PID=""

echo
echo "== 5. the lab after the upgrade =="
$H lab inspect --dir "$LAB"
$H lab inspect --dir "$LAB" --format json > "$OUT/after.json"

echo
echo "== 6. hitless report: what happened, what clients saw, what was predicted =="
$H report --journal "$OUT/run.journal" --probe "$OUT/probe.json" --simulation "$OUT/simulation.json" \
  --before "$OUT/before.json" --after "$OUT/after.json" --svg "$OUT/timeline.svg"
$H report --journal "$OUT/run.journal" --probe "$OUT/probe.json" --simulation "$OUT/simulation.json" \
  --before "$OUT/before.json" --after "$OUT/after.json" --format json > "$OUT/report.json"
echo "open $(pwd)/$OUT/timeline.svg in a browser for the picture; the report as JSON: $OUT/report.json"
exit "$APPLY_RC"
