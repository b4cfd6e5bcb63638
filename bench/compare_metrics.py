"""Compares the per-epoch metrics.json of two run folders (before/after a change), value for value.

Usage: python3 bench/compare_metrics.py BEFORE_DIR AFTER_DIR RUN [RUN ...]
RUN is a run folder relative to both (e.g. final-q5, pooling/max). Keys renamed on purpose are mapped with
OLD=NEW arguments, e.g. testLoss=validationLoss. Exit code 1 when any value differs.
"""
import json
import sys


def main(argv):
    before, after, *rest = argv
    renames = dict(a.split("=") for a in rest if "=" in a)
    runs = [a for a in rest if "=" not in a]
    ok = True
    for run in runs:
        a = json.load(open(f"{before}/{run}/metrics.json"))["epochs"]
        b = json.load(open(f"{after}/{run}/metrics.json"))["epochs"]
        diffs = []
        for x, y in zip(a, b):
            for k in ["batches", "trainLoss", "testLoss", "testAccuracy"]:
                if k in x and x[k] != y[renames.get(k, k)]:
                    diffs.append((x["epoch"], k, x[k], y[renames.get(k, k)]))
        same = not diffs and len(a) == len(b)
        ok &= same
        print(f"{run}: {len(a)} vs {len(b)} epochs; last epoch {a[-1]} vs "
              f"{ {k: b[-1][renames.get(k, k)] for k in ['trainLoss', 'testLoss', 'testAccuracy'] if k in a[-1]} }: "
              + ("IDENTICAL" if same else f"DIFFERENT {diffs[:3]}"))
    print("ALL IDENTICAL" if ok else "DIFFERENCES")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
