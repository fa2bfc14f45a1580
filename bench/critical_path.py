#!/usr/bin/env python3
# The critical path of an executed plan, read from its run directory (plan.json, journal.db, as
# atlas_bench keeps them with HITLESS_BENCH_KEEP=1): per step, when it became ready (its last
# dependency ended), how long it waited to start, how long it took against its estimate. Shows
# where model time went (e.g. backups serialised on the run thread, a tail of serial steps).
# Also: how far the drains on the path ran from a session lifetime (the bound assumes one each).
# Usage: bench/critical_path.py RUN_DIR [LAST_STEP_ID]
import json, sqlite3, sys
d = sys.argv[1]
p = json.load(open(d + '/plan.json'))
db = sqlite3.connect('file:' + d + '/journal.db?mode=ro', uri=True)
rec = {r[0]: r[1:] for r in db.execute('select step_id,state,intent_model,outcome_model from steps')}
steps = {s['id']: s for s in p['steps']}
t0 = min(r[1] for r in rec.values() if r[1] > 0)
def end(i): return rec[i][2] if i in rec and rec[i][2] > 0 else None
last = max((i for i in rec if end(i)), key=lambda i: end(i)) if len(sys.argv) < 3 else sys.argv[2]
chain = []
cur = last
while cur:
    s = steps[cur]
    deps = [a for a in s.get('after', []) if end(a)]
    ready = max((end(a) for a in deps), default=t0)
    chain.append((cur, s['verb'], s.get('estimate_s'), ready - t0, rec[cur][1] - t0, (end(cur) or 0) - t0))
    cur = max(deps, key=lambda a: end(a)) if deps else None
tot_wait = tot_over = drain_dev = 0
print('%-48s %-16s %7s %9s %8s %8s %8s' % ('step', 'verb', 'est', 'ready', 'start-rd', 'dur', 'dur-est'))
for c in reversed(chain):
    sid, verb, est, ready, start, fin = c
    print('%-48s %-16s %7.0f %9.1f %8.1f %8.1f %8.1f' % (sid[-48:], verb, est, ready, start - ready, fin - start, fin - start - est))
    tot_wait += start - ready; tot_over += fin - start - est
    if verb == 'wait-drained': drain_dev += fin - start - est
print('start delays %.1f, over estimates %.1f' % (tot_wait, tot_over))
# The lab's sessions all last one lifetime. Opened together they end in step, and a drain lasts
# until the next such end, anywhere up to a lifetime, by the luck of when it starts; opened spread
# over a lifetime (atlas_bench does), a drain lasts about one. The bound counts a full lifetime per
# drain; this is how far the drains on the path were from it.
print('drains on the path against their estimate (one session lifetime): %+.1f; '
      'start delays and over estimates of the other steps: %.1f' % (drain_dev, tot_wait + tot_over - drain_dev))
