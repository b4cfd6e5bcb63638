#!/usr/bin/env python3
"""(A bench without FastCore's profile, such as gan, has its default-step and fit rounds both under "fit" here.)
Summarise the fast step's profile lines of scripts/bench logs: per benchmark variant, the median over rounds of
ms per step (total, batch preparation, forward+backward, update, other) for the default step, fit's ms per step,
and the peers' ms per step (from samples/s and the batch size)."""
import json, re, statistics, sys
out = {}
for path in sys.argv[1:]:
    name = path.split('/')[-1][:-4]
    lines = open(path).read().splitlines()
    prof = re.compile(r'^(sheetlab [^:]*|[A-Za-z][^:]*): profile, ms per step: \{(.*)\}$')
    rate = re.compile(r'^(.*): (\d+) samples/s \(batch (\d+), (\d+) batches.*?(?:, (\d+) threads)?\)$')
    pending = None
    rows = {}
    for ln in lines:
        m = prof.match(ln)
        if m:
            pending = dict((k, float(v)) for k, v in (kv.split('=') for kv in m.group(2).split(', ')))
            continue
        m = rate.match(ln)
        if m:
            label, sps, batch = m.group(1), float(m.group(2)), int(m.group(3))
            threads = m.group(5)
            if label.startswith('pytorch') or label.startswith('torch'):
                key = (label, 'peer %s threads' % threads)
                rows.setdefault(key, []).append({'msPerStep': batch / sps * 1000})
            elif pending is not None:
                kind = ('fast' if 'gradientMs' in pending else 'fit') + ' (%s batches)' % m.group(4)
                rows.setdefault((label, kind), []).append(pending)
            pending = None
    summary = {}
    for (label, kind), rs in rows.items():
        keys = rs[0].keys()
        summary.setdefault(label, {})[kind] = {k: round(statistics.median(r[k] for r in rs if k in r), 2) for k in keys}
    out[name] = summary
json.dump(out, sys.stdout, indent=1)
