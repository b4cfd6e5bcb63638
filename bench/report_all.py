#!/usr/bin/env python3
"""The report of `scripts/bench all` (`sheetlab bench all`): reads the run list the Java command wrote (--run: each
benchmark's name, ratio, seconds and the folder its own report recorded into), prints one table (benchmark, sheetlab,
best peer, ratio) with the geometric mean of the ratios last, records bench/results/all-<date>.json (the CPU's model
name, the date, the mode, and each benchmark's own result file embedded), and writes {"ratio": geometric mean} to
<out>/ratio.json, which the command prints as `ratio vs best peer: X.XX`.

The figures shown per benchmark come from its own record (what bench/report.py wrote for it); where a benchmark has
several settings (final-q5's batch sizes, cnn's pooling, pooling's three layers) they are listed in order, and its
ratio is the one its own command ends with (the worst of them).

Usage (run by the Java command, from the repository root):
  report_all.py --run all.json --out DIR --results-dir DIR --threads N
"""
import argparse
import datetime
import glob
import json
import math
import os
import subprocess


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def git_revision():
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()


def fmt(values, unit):
    if not values:
        return "n/a"
    digits = 1 if max(values) < 100 else 0
    return " / ".join(f"{v:,.{digits}f}" for v in values) + f" {unit}"


def rows_of(doc):
    rows = doc.get("rows")
    if isinstance(rows, list):
        return rows
    row = doc.get("row")
    return [row] if isinstance(row, dict) else []


def figures(name, doc):
    """(sheetlab, best peer) as display strings, from a benchmark's own record; 'n/a' where its layout is unknown."""
    try:
        if name == "final-q5":
            rows = rows_of(doc)
            return (fmt([w.get("sheetlabBestMedian", w["sheetlabFastMedian"]) for w in rows], "samples/s"),
                    fmt([w["bestPeer"] for w in rows], "samples/s"))
        if name == "sgemm":
            s = doc["sheetlab"]
            ours = max(v for k, v in s.items() if k.startswith("gflops"))
            peer = max(doc["pytorch"]["gflops"], doc["pytorch1Thread"]["gflops"],
                       doc.get("pytorchOneThreadInAll", {}).get("gflops", 0))
            return fmt([ours], "GFLOP/s"), fmt([peer], "GFLOP/s")
        if name == "pooling":
            rows = rows_of(doc)
            return fmt([w["ms"] for w in rows], "ms"), fmt([w["torchMs"] for w in rows], "ms")
        if name == "nms":
            rows = rows_of(doc)
            return fmt([w["sheetlabMs"] for w in rows], "ms"), fmt([w["torchvisionMs"] for w in rows], "ms")
        if name == "word2vec":
            tools = doc["tools"]
            best = max(v["wordsPerSecondMedian"] for k, v in tools.items() if k != "sheetlab")
            return fmt([tools["sheetlab"]["wordsPerSecondMedian"]], "words/s"), fmt([best], "words/s")
        rows = [w for w in rows_of(doc) if "sheetlabMedian" in w and "bestPeer" in w]
        unit = "iterations/s" if name == "style" else "images/s" if name == "yolo" else "samples/s"
        if rows:
            return fmt([w["sheetlabMedian"] for w in rows], unit), fmt([w["bestPeer"] for w in rows], unit)
    except (KeyError, TypeError, ValueError):
        pass
    return "n/a", "n/a"


def ceiling_share(benchmarks):
    """final-q5 at its largest batch as a share of the GEMM-bound ceiling (sgemm's own figure: its fastest sheetlab
    GFLOP/s over the step's flops per example), when both ran; else None."""
    docs = {}
    for b in benchmarks:
        for path in sorted(glob.glob(os.path.join(b["resultsDir"], "*.json"))):
            with open(path) as f:
                docs[b["name"]] = json.load(f)
            break
    try:
        ceiling = docs["sgemm"]["finalQ5GemmBoundSamplesPerSecond"]
        row = max(rows_of(docs["final-q5"]), key=lambda w: w["batchSize"])
        best = row.get("sheetlabBestMedian", row["sheetlabFastMedian"])  # sheetlab's faster configuration
        return (f"final-q5 batch {row['batchSize']}: {best:,.0f} samples/s, "
                f"{best / ceiling:.0%} of the GEMM-bound ceiling ({ceiling:,.0f} samples/s, bench sgemm's figure; "
                f"sheetlab's configuration: {row.get('sheetlabBestConfiguration', 'default')}, the default's "
                f"{row['sheetlabFastMedian']:,.0f} samples/s)")
    except (KeyError, TypeError, ValueError):
        return None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", required=True, help="the run list the Java command wrote")
    p.add_argument("--out", required=True, help="where ratio.json goes")
    p.add_argument("--results-dir", default="bench/results")
    p.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    args = p.parse_args()
    with open(args.run) as f:
        run = json.load(f)
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    cpu = cpu_name()
    table, entries = [], []
    for b in run["benchmarks"]:
        files = {}
        for path in sorted(glob.glob(os.path.join(b["resultsDir"], "*.json"))):
            with open(path) as f:
                files[os.path.basename(path)] = json.load(f)
        doc = next(iter(files.values()), {})
        ours, peer = figures(b["name"], doc)
        table.append((b["name"], ours, peer, b["ratio"]))
        entries.append({"name": b["name"], "ratio": b["ratio"], "seconds": round(b["seconds"], 1),
                        "rounds": b["rounds"], "batches": b["batches"], "sheetlab": ours, "bestPeer": peer,
                        "results": files})
    ratios = [r for _, _, _, r in table if r is not None and r > 0]
    geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios)) if ratios else None
    total = sum(b["seconds"] for b in run["benchmarks"])
    mode = "quick: 1 round, half the batches" if run.get("quick") else "default rounds and batches"
    print()
    print(f"bench all ({mode}), {date}, {cpu}, {args.threads} cores, {total / 60:.1f} min")
    w = max(len("geometric mean"), max((len(t[0]) for t in table), default=0))
    ws = max(len("sheetlab"), max((len(t[1]) for t in table), default=0))
    wp = max(len("best peer"), max((len(t[2]) for t in table), default=0))
    share = ceiling_share(run["benchmarks"])
    if share:
        print(share)
    print(f"{'benchmark':<{w}}  {'sheetlab':<{ws}}  {'best peer':<{wp}}  {'ratio':>6}")
    for name, ours, peer, ratio in table:
        shown = f"{ratio:6.2f}" if ratio is not None else f"{'n/a':>6}"
        print(f"{name:<{w}}  {ours:<{ws}}  {peer:<{wp}}  {shown}")
    shown = f"{geomean:6.2f}" if geomean is not None else f"{'n/a':>6}"
    missing = len(table) - len(ratios)
    note = f"  ({missing} benchmark(s) without a ratio left out)" if missing else ""
    print(f"{'geometric mean':<{w}}  {'':<{ws}}  {'':<{wp}}  {shown}{note}")
    doc = {"benchmark": "all", "date": date, "machine": {"cpu": cpu, "cores": args.threads},
           "gitRevision": git_revision(), "quick": bool(run.get("quick")),
           "openblasCoretype": os.environ.get("OPENBLAS_CORETYPE"), "minutes": round(total / 60, 1),
           "geometricMean": geomean, "finalQ5CeilingShare": share, "benchmarks": entries}
    os.makedirs(args.results_dir, exist_ok=True)
    path = os.path.join(args.results_dir, f"all-{date}{'-quick' if run.get('quick') else ''}.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
    print(f"recorded in {path}")
    with open(os.path.join(args.out, "ratio.json"), "w") as f:
        json.dump({"ratio": geomean}, f)


if __name__ == "__main__":
    main()
