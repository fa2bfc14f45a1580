#!/usr/bin/env bash
# The main job. Until the upgrade engine lands it brings up the lab pair, shows it, measures
# it with the probe, moves the shared IP by hand (the seed's "shared IP switch") under the
# probe, shows the gap clients saw, and stops the lab. Output goes to demo-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
H=build/dev/src/cli/hitless
OUT=demo-out
LAB=$OUT/lab
mkdir -p "$OUT"
$H lab down --dir "$LAB" >/dev/null 2>&1 || true
trap '$H lab down --dir "$LAB" >/dev/null 2>&1 || true' EXIT

echo "== hitless lab up examples/pair.yaml (1 model minute = 60 ms) =="
$H lab up examples/pair.yaml --dir "$LAB" --time-scale 0.001
echo
$H lab inspect --dir "$LAB"
SERVICE=$(python3 -c "import json,sys;print(json.load(open('$LAB/lab.json'))['clusters']['pair']['service'])")
addr() { python3 -c "import json;print(json.load(open('$LAB/lab.json'))['nodes']['$1']['address'])"; }
api() { curl -s -X "$2" "http://$(addr "$1")$3" -H "Authorization: Bearer $(cat "$LAB/secrets/$1.token")" -d "$4"; echo; }

echo
echo "== probe on $SERVICE for 4 s while the shared IP moves from a to b at t=2s =="
$H probe --target "$SERVICE" --duration 4 --rate 200 --sessions 4 --format json > "$OUT/probe.json" &
PROBE=$!
sleep 2
api a PUT /api/v1/shared-ip '{"enabled": false}'
api b PUT /api/v1/shared-ip '{"enabled": true}'
wait $PROBE
python3 - "$OUT/probe.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"requests {r['requests']}, failed {r['failed']} {r['failures']}, longest gap {r['max_gap_ms']:.1f} ms")
print(f"answered by {r['answered_by']}; sessions opened {r['sessions_opened']}, dropped {r['sessions_dropped']}")
for b in r['series']:
    print(f"  t={b['t']}s ok={b['ok']:4d} failed={b['failed']:3d} " + '#' * (b['ok'] // 10) + 'x' * b['failed'])
PY
echo
$H lab inspect --dir "$LAB"
echo
echo "(the planned, journaled upgrade of this pair arrives with the upgrade engine; see README)"
