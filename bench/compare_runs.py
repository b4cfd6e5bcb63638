#!/usr/bin/env python3
"""Compares the numbers of two trees of run folders (scripts/smoke-all BEFORE and AFTER a refactoring).

For every JSON file that both trees hold at the same path (or at a renamed path, see RENAMED), every numeric leaf
reached by the same key path in both is compared exactly (repr of the float), except wall-clock figures and
provenance. Leaves present on one side only are counted, not compared. Prints one line per file and a total;
exits 1 if any compared value differs.
"""
import json
import os
import sys

SKIP_KEYS = {"seconds", "samplesPerSecond", "provenance", "secondsPerEpoch", "time", "options", "training"}
# files that moved in the refactoring: (experiment-relative old path, new path)
RENAMED = {"newton/metrics.json": "newton/newton.json"}


def leaves(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in SKIP_KEYS:
                continue
            if k == "classHistogram" and isinstance(v, list):  # the GAN monitor's list became classShare0..9
                for i, x in enumerate(v):
                    yield from leaves(x, f"{path}/classShare{i}")
                continue
            yield from leaves(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, f"{path}[{i}]")
    elif isinstance(node, bool):
        return
    elif isinstance(node, (int, float)):
        yield path, float(node)


def normalise(path):
    # the GAN's history rows: epoch-keyed lists in both, the row keys differ only in the monitor's names
    return path.replace("/values/", "/").replace("/metrics/", "/")


def main(before, after):
    files = []
    for root, _, names in os.walk(before):
        for n in names:
            if n.endswith(".json"):
                files.append(os.path.relpath(os.path.join(root, n), before))
    differ = 0
    compared_total = 0
    for rel in sorted(files):
        new_rel = RENAMED.get(rel, rel)
        other = os.path.join(after, new_rel)
        if not os.path.exists(other):
            print(f"{rel}: not in AFTER")
            continue
        with open(os.path.join(before, rel)) as f:
            a = {normalise(p): v for p, v in leaves(json.load(f))}
        with open(other) as f:
            b = {normalise(p): v for p, v in leaves(json.load(f))}
        common = sorted(set(a) & set(b))
        bad = [p for p in common if repr(a[p]) != repr(b[p])]
        compared_total += len(common)
        differ += len(bad)
        status = "equal" if not bad else f"{len(bad)} DIFFER, e.g. {bad[0]}: {a[bad[0]]!r} vs {b[bad[0]]!r}"
        print(f"{rel}: {len(common)} values compared ({len(a) - len(common)} only before, "
              f"{len(b) - len(common)} only after): {status}")
    print(f"total: {compared_total} values compared, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
