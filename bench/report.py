#!/usr/bin/env python3
"""The report of each `scripts/bench <what>` (`sheetlab bench <what>`): reads the JSON files the benchmark's rounds
wrote into --out (sheetlab's side from child JVMs, the PyTorch peers from bench/*_torch.py), prints the table,
records the result in --results-dir (bench/results/<what>-<date>.json, as before), and writes {"ratio": X} to
<out>/ratio.json: sheetlab's figure over the best peer's (the peer at its fastest thread setting; above 1 = sheetlab
faster), or null where there is no peer. `sheetlab bench` prints that as the last line, `ratio vs best peer: X.XX`.

Usage (run by the Java command, from the repository root):
  report.py <what> --out DIR --results-dir DIR --rounds R --threads N --batches N [--batch-sizes "32 128 512"]
"""
import argparse
import datetime
import json
import os
import statistics
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


class Report:
    def __init__(self, args):
        self.args = args
        self.out = args.out
        self.rounds = args.rounds
        self.threads = args.threads
        self.date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        self.cpu = cpu_name()

    def load(self, name):
        with open(os.path.join(self.out, name)) as f:
            return json.load(f)

    def samples(self, kind, key=""):
        """samplesPerSecond of <kind>[-key]-<round>.json over the rounds."""
        mid = f"-{key}" if key else ""
        return [self.load(f"{kind}{mid}-{r}.json")["samplesPerSecond"] for r in range(1, self.rounds + 1)]

    def machine(self):
        return {"cpu": self.cpu, "cores": self.threads}

    def record(self, name, doc):
        os.makedirs(self.args.results_dir, exist_ok=True)
        path = os.path.join(self.args.results_dir, f"{name}-{self.date}.json")
        with open(path, "w") as f:
            json.dump(doc, f, indent=1)
        print(f"recorded in {path}")
        return path

    def ratio(self, value):
        with open(os.path.join(self.out, "ratio.json"), "w") as f:
            json.dump({"ratio": value}, f)


def peer_row(r, key=""):
    """sheetlab against PyTorch at threads = cores and at 1 thread: the medians and the ratio vs the faster."""
    s, t, t1 = r.samples("sheetlab", key), r.samples("torch", key), r.samples("torch1", key)
    best = max(statistics.median(t), statistics.median(t1))
    return {"sheetlab": s, "pytorch": t, "pytorch1Thread": t1, "sheetlabMedian": statistics.median(s),
            "pytorchMedian": statistics.median(t), "pytorch1ThreadMedian": statistics.median(t1), "bestPeer": best,
            "ratioVsBestPeer": statistics.median(s) / best}


def single_row(r, name, benchmark, title, sheetlab_label, peer_label="PyTorch", extra=None, second=None):
    """lstm, gru, vae, gan, gan-conv: one row of sheetlab vs the two PyTorch settings (and maybe DL4J's own layer)."""
    row = peer_row(r)
    if second:  # (kind, key): DL4J's own implementation measured beside sheetlab's
        kind, key = second
        d = r.samples(kind)
        row = {"sheetlab": row["sheetlab"], key: d, key + "Median": statistics.median(d),
               **{k: v for k, v in row.items() if k != "sheetlab"}}
    doc = {"benchmark": benchmark, "date": r.date, "machine": r.machine(), "gitRevision": git_revision(),
           "rounds": r.rounds, **(extra or {}), "row": row}
    print(f"{title}, {r.date}, {r.cpu}, {r.threads} cores")
    dl4j = f"; DL4J's LSTM {row[second[1] + 'Median']:,.0f}" if second else ""
    print(f"{sheetlab_label} {row['sheetlabMedian']:,.0f}{dl4j}; {peer_label} {row['pytorchMedian']:,.0f} "
          f"({r.threads} threads), {row['pytorch1ThreadMedian']:,.0f} (1 thread)")
    r.record(name, doc)
    r.ratio(row["ratioVsBestPeer"])


def lstm(r):
    single_row(r, "lstm", "LSTM(28->128) training over Fashion-MNIST rows, batch 64",
               f"LSTM training, batch 64, samples/s (median of {r.rounds} rounds of {r.args.batches} batches)",
               "sheetlab (FastLSTM, fast step)", second=("dl4j", "dl4jLstm"))


def gru(r):
    single_row(r, "gru", "GRU(28->128) training over Fashion-MNIST rows, batch 64",
               f"GRU training, batch 64, samples/s (median of {r.rounds} rounds of {r.args.batches} batches)",
               "sheetlab (GRU, fast step)", peer_label="PyTorch nn.GRU")


def vae(r):
    single_row(r, "vae", "dense VAE 784-256-[2+2]-256-784 training on Fashion-MNIST, batch 128",
               f"VAE training, batch 128, samples/s (median of {r.rounds} rounds of {r.args.batches} batches)",
               "sheetlab (VaeNetwork, fast step)")


def gan(r, what="gan"):
    n = r.args.batches
    arch = ("dense GAN (G 64-256-784, D 784-256-1)" if what == "gan" else
            "DCGAN-style GAN (G 64-3136-Deconv32-Deconv1, D Conv32-AvgPool-Conv64-AvgPool-1)")
    single_row(r, what, f"{arch} alternating step on Fashion-MNIST, batch 128 real images",
               f"{arch} training (one D and one G update per batch), batch 128, samples/s (median of {r.rounds} "
               f"rounds of {n} batches)",
               "sheetlab (Gan step, two DL4J fits)",
               extra={"batches": n, "sheetlabOmpThreads": os.environ.get("OMP_NUM_THREADS", "1")})


def cnn(r):
    rows = []
    for pool in ["max", "p2"]:
        row = peer_row(r, pool)
        d = r.samples("dl4jconv", pool)
        rows.append({"pooling": pool, "sheetlab": row["sheetlab"], "pytorch": row["pytorch"],
                     "pytorch1Thread": row["pytorch1Thread"], "sheetlabMedian": row["sheetlabMedian"],
                     "dl4jConvolution": d, "dl4jConvolutionMedian": statistics.median(d),
                     "pytorchMedian": row["pytorchMedian"], "pytorch1ThreadMedian": row["pytorch1ThreadMedian"],
                     "bestPeer": row["bestPeer"], "ratioVsBestPeer": row["ratioVsBestPeer"]})
    doc = {"benchmark": "pooling CNN training step, batch 64", "date": r.date, "machine": r.machine(),
           "gitRevision": git_revision(), "rounds": r.rounds, "rows": rows}
    print(f"pooling CNN training, batch 64, samples/s (median of {r.rounds} rounds of {r.args.batches} batches), {r.date}, {r.cpu}, "
          f"{r.threads} cores")
    print("sheetlab = FastConvolution2D (PoolingCnn's default); dl4j conv = the same network with DL4J's ConvolutionLayer")
    print(f"{'pooling':>8} {'sheetlab':>9} {'dl4j conv':>10} {'pytorch':>9} {'pytorch 1t':>11} {'ratio vs best':>14}")
    for w in rows:
        print(f"{w['pooling']:>8} {w['sheetlabMedian']:>9,.0f} {w['dl4jConvolutionMedian']:>10,.0f} "
              f"{w['pytorchMedian']:>9,.0f} {w['pytorch1ThreadMedian']:>11,.0f} {w['ratioVsBestPeer']:>14.2f}")
    r.record("cnn", doc)
    r.ratio(min(w["ratioVsBestPeer"] for w in rows))


# final-q5 (784-300-100-10) per training example: forward 2*266,200, weight gradients 2*266,200, deltas 2*31,000
FINAL_Q5_FLOPS_PER_EXAMPLE = 2 * 266_200 * 2 + 2 * (300 * 100 + 100 * 10)


def gemm_ceiling(results_dir, date, cpu):
    """final-q5's GEMM-bound ceiling (samples/s) from the sgemm record of the same date and CPU in results_dir, as
    (ceiling, GFLOP/s, path), or None when there is none: sgemm's fastest sheetlab figure over the step's flops."""
    path = os.path.join(results_dir, f"sgemm-{date}.json")
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return None
    if doc.get("machine", {}).get("cpu") != cpu or "finalQ5GemmBoundSamplesPerSecond" not in doc:
        return None
    gflops = max(v for k, v in doc["sheetlab"].items() if k.startswith("gflops"))
    return doc["finalQ5GemmBoundSamplesPerSecond"], gflops, path


def peer_threads(t, cores):
    """A PyTorch peer's real configuration: torch's threads and its BLAS's own (bench/torch_blas.py); records made
    before the BLAS's count was read say so."""
    blas = t.get("blasThreads")
    return (f"torch {t['threads']} thread(s), OpenBLAS " +
            (f"{blas} thread(s)" if blas is not None else f"its own threads (one per core: {cores}, not read)"))


def sgemm(r):
    s, t, t1 = r.load("sheetlab.json"), r.load("torch.json"), r.load("torch1.json")
    try:
        t11 = r.load("torch1blas1.json")  # one thread in all (torch's and OpenBLAS's)
    except OSError:
        t11 = None
    best_peer = max(t["gflops"], t1["gflops"], t11["gflops"] if t11 else 0)
    best_ours = max(v for k, v in s.items() if k.startswith("gflops"))  # the fastest way sheetlab ran the product
    flops_per_example = FINAL_Q5_FLOPS_PER_EXAMPLE
    ceiling = best_ours * 1e9 / flops_per_example
    doc = {"benchmark": "sgemm 2048x2048 float", "date": r.date, "machine": r.machine(), "gitRevision": git_revision(),
           "sheetlab": s, "pytorch": t, "pytorch1Thread": t1, "finalQ5FlopsPerExample": flops_per_example,
           "finalQ5GemmBoundSamplesPerSecond": ceiling,
           "peerConfigurations": {"pytorch": peer_threads(t, r.threads), "pytorch1Thread": peer_threads(t1, r.threads)}}
    if t11:
        doc["pytorchOneThreadInAll"] = t11
        doc["peerConfigurations"]["pytorchOneThreadInAll"] = peer_threads(t11, r.threads)
    print(f"sgemm 2048x2048 float, median GFLOP/s, {r.date}, {r.cpu}, {r.threads} cores")
    print(f"ND4J {s['gflopsOneThread']:.1f} (1 BLAS thread), {s['gflopsTwoThreadSplit']:.1f} (split over 2 Java "
          f"threads); PyTorch {t['gflops']:.1f} ({peer_threads(t, r.threads)}), {t1['gflops']:.1f} "
          f"({peer_threads(t1, r.threads)})" + (f", {t11['gflops']:.1f} ({peer_threads(t11, r.threads)})" if t11 else ""))
    if "gflopsRowSplit" in s:
        print(f"ND4J split by rows over the host threads {s['gflopsRowSplit']:.1f}; whole on OpenBLAS's own "
              f"{s['openBlasThreads']} threads {s['gflopsOpenBlasThreads']:.1f}")
    if "gflopsSystemOneThread" in s:
        print(f"system OpenBLAS ({s.get('systemOpenBlas', '?')}) {s['gflopsSystemOneThread']:.1f} (1 thread), "
              f"{s['gflopsSystemOpenBlasThreads']:.1f} (its own {s['openBlasThreads']} threads)")
    if "gflopsDnnlOneThread" in s:
        print(f"oneDNN dnnl_sgemm (-Dsheetlab.blas.dnnl=true) {s['gflopsDnnlOneThread']:.1f} (1 thread), "
              f"{s['gflopsDnnlColumnSplit']:.1f} (column split over the host threads)")
    print(f"final-q5 step: {flops_per_example:,} flops per example, so at {best_ours:.0f} GFLOP/s the GEMM-bound ceiling "
          f"is {ceiling:,.0f} samples/s")
    r.record("sgemm", doc)
    r.ratio(best_ours / best_peer)


def pooling(r):
    s = r.load("sheetlab.json")["medianMs"]
    t = r.load("torch.json")
    # the peer at threads = cores and (where measured) at 1 thread: each op against its faster setting
    t1 = r.load("torch1.json") if os.path.exists(os.path.join(r.out, "torch1.json")) else None
    best = {k: min(v, t1["medianMs"][k]) if t1 else v for k, v in t["medianMs"].items()}
    pairs = [("sheetlab p-pool p=2", "dl4j PNORM p=2", "torch lp_pool2d p=2"),
             ("sheetlab p-pool p=3", "dl4j PNORM p=2", "torch lp_pool2d p=3"),
             ("sheetlab log-average", "dl4j AVG", "torch log-average (unfold+logsumexp)")]
    rows = []
    print(f"pooling forward+backward, [64,32,28,28] float, 2x2/2, median ms, {r.date}, {r.cpu}, {r.threads} cores; "
          f"peer {t['impl']} at {t['threads']}" + (" and 1 thread(s), the faster per op" if t1 else " thread(s)"))
    print(f"{'sheetlab':<22} {'ms':>7} | {'nearest DL4J built-in':<16} {'ms':>7} {'ratio':>6} | {'PyTorch':<38} "
          f"{'ms':>7} {'ratio':>6}")
    for ours, dl4j, torch_name in pairs:
        w = {"sheetlab": ours, "ms": s[ours], "dl4j": dl4j, "dl4jMs": s[dl4j], "vsDl4j": s[ours] / s[dl4j],
             "torch": torch_name, "torchMs": best[torch_name], "vsTorch": s[ours] / best[torch_name]}
        rows.append(w)
        print(f"{ours:<22} {w['ms']:7.2f} | {dl4j:<16} {w['dl4jMs']:7.2f} {w['vsDl4j']:6.2f} | {torch_name:<38} "
              f"{w['torchMs']:7.2f} {w['vsTorch']:6.2f}")
    builtins = []
    for dl4j, torch_name in [("dl4j MAX", "torch max_pool2d"), ("dl4j AVG", "torch avg_pool2d")]:
        if dl4j in s and torch_name in best:
            builtins.append({"dl4j": dl4j, "dl4jMs": s[dl4j], "torch": torch_name, "torchMs": best[torch_name],
                             "vsTorch": s[dl4j] / best[torch_name]})
            print(f"{dl4j + ' (SubsamplingLayer)':<22} {s[dl4j]:7.2f} | {'':<16} {'':>7} {'':>6} | {torch_name:<38} "
                  f"{best[torch_name]:7.2f} {s[dl4j] / best[torch_name]:6.2f}")
    print("(ratio = sheetlab time / other time: below 1 is faster; max and average pooling are DL4J's own layers, "
          "not in the ratio line)")
    doc = {"benchmark": "pooling forward+backward", "date": r.date, "machine": r.machine(),
           "gitRevision": git_revision(), "sheetlabMs": s, "torch": t, "torch1Thread": t1, "rows": rows,
           "dl4jBuiltins": builtins}
    r.record("pooling", doc)
    r.ratio(min(w["torchMs"] / w["ms"] for w in rows))


def nms(r):
    s, t = r.load("sheetlab.json"), r.load("torch.json")
    rows = []
    print(f"non-max suppression (p_c >= 0.6, IoU > 0.5), clustered random float64 boxes, median ms per call, {r.date}, "
          f"{r.cpu}; peer {t['impl']}")
    print(f"{'boxes':>8} {'kept':>7} {'sheetlab ms':>12} {'torchvision ms':>15} {'ratio':>7}")
    for n in s["medianMs"]:
        w = {"boxes": int(n), "kept": s["kept"][n], "keptTorchvision": t["kept"][n], "sheetlabMs": s["medianMs"][n],
             "torchvisionMs": t["medianMs"][n], "ratio": t["medianMs"][n] / s["medianMs"][n]}
        assert w["kept"] == w["keptTorchvision"], f"kept counts differ at {n} boxes: {w}"
        rows.append(w)
        print(f"{w['boxes']:>8} {w['kept']:>7} {w['sheetlabMs']:>12.3f} {w['torchvisionMs']:>15.3f} {w['ratio']:>7.2f}")
    print("(ratio = torchvision time / sheetlab time: above 1 = sheetlab faster; the ratio line is the lowest, as pooling's)")
    doc = {"benchmark": "non-max suppression, sheet thresholds", "date": r.date, "machine": r.machine(),
           "gitRevision": git_revision(), "rows": rows}
    r.record("nms", doc)
    r.ratio(min(w["ratio"] for w in rows))


def newton(r):
    d = r.load("newton.json")
    runs = r.load(os.path.join("run", "metrics.json"))

    def per_iter(name):
        c = next(c for c in runs["curves"] if c["method"] == name)
        return c["seconds"][-1] / (len(c["seconds"]) - 1)

    step_ratio = per_iter("newton-full") / per_iter("sgd")
    block_ratio = per_iter("newton-block") / per_iter("sgd")
    print(f"H^-1 g, median ms, {r.date}, {r.cpu}")
    print(f"{'n':>10} {'block-diag':>12} {'dense solve':>12} {'dense/block':>12}")
    for w in d["rows"]:
        dense = w.get("denseMs")
        print(f"{w['n']:>10,} {w['blockMs']:>12.3f} {dense if dense is None else round(dense, 3)!s:>12} "
              f"{'' if dense is None else round(dense / w['blockMs'], 1)!s:>12}")
    print(f"newton experiment (62 parameters): time per full-Newton step / SGD step = {step_ratio:.0f}x, "
          f"block-diagonal step / SGD step = {block_ratio:.0f}x (both dominated by the 2n gradient evaluations of the "
          "finite-difference Hessian)")
    doc = {"benchmark": d["benchmark"], "date": r.date, "cpu": r.cpu, "rows": d["rows"], "gitRevision": git_revision(),
           "newtonStepOverSgdStep": step_ratio, "blockNewtonStepOverSgdStep": block_ratio}
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        ns = [w["n"] for w in d["rows"]]
        plt.loglog(ns, [w["blockMs"] for w in d["rows"]], "o-", label="2x2 block-diagonal, O(n)")
        dn = [w for w in d["rows"] if "denseMs" in w]
        plt.loglog([w["n"] for w in dn], [w["denseMs"] for w in dn], "s-", label="dense solve, O(n^3)")
        plt.xlabel("n (parameters)"); plt.ylabel("ms for H^-1 g"); plt.legend(); plt.grid(True, which="both", alpha=.3)
        plt.title(f"H^-1 g cost, {r.date}")
        os.makedirs(r.args.results_dir, exist_ok=True)
        png = os.path.join(r.args.results_dir, f"newton-{r.date}.png")
        plt.savefig(png, dpi=90)
        print(f"plot: {png}")
    except ImportError:
        print("(matplotlib not installed: no plot)")
    r.record("newton", doc)
    r.ratio(None)  # no external implementation is timed here: dense vs block-diagonal are both sheetlab's


def final_q5(r):
    sizes = r.args.batch_sizes.split()
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    rows = []
    for b in sizes:
        s, f = r.samples("sheetlab", b), r.samples("fast", b)
        t, t1 = r.samples("torch", b), r.samples("torch1", b)
        best_peer = max(statistics.median(t), statistics.median(t1))
        # sheetlab's configurations (FinalQ5Bench --dnnl): the default, and oneDNN's sgemm where measured; the faster
        # one counts, named, as the peer's faster thread setting does
        configs = {"default": f}
        if os.path.exists(os.path.join(r.out, f"fastdnnl-{b}-1.json")):
            configs["-Dsheetlab.blas.dnnl=true"] = r.samples("fastdnnl", b)
        best_conf = max(configs, key=lambda c: statistics.median(configs[c]))
        best = statistics.median(configs[best_conf])
        extra = {"sheetlabBestMedian": best, "sheetlabBestConfiguration": best_conf,
                 "bestRatioVsBestPeer": best / best_peer}
        if len(configs) > 1:
            extra.update({"sheetlabFastDnnl": configs["-Dsheetlab.blas.dnnl=true"],
                          "sheetlabFastDnnlMedian": statistics.median(configs["-Dsheetlab.blas.dnnl=true"])})
        rows.append({**extra, "batchSize": int(b), "sheetlab": s, "sheetlabFast": f, "pytorch": t, "pytorch1Thread": t1,
                     "sheetlabMedian": statistics.median(s), "sheetlabFastMedian": statistics.median(f),
                     "pytorchMedian": statistics.median(t), "pytorch1ThreadMedian": statistics.median(t1),
                     "bestPeer": best_peer,
                     "ratio": statistics.median(s) / statistics.median(t),
                     "ratioVs1Thread": statistics.median(s) / statistics.median(t1),
                     "fastRatioVsBestPeer": statistics.median(f) / best_peer,
                     "fitRatioVsBestPeer": statistics.median(s) / best_peer})
    torch_ver = r.load(f"torch-{sizes[0]}-1.json")["impl"]
    t1_conf = peer_threads(r.load(f"torch1-{sizes[0]}-1.json"), r.threads)
    doc = {"benchmark": "final-q5 training throughput", "date": r.date,
           "machine": {**r.machine(),
                       "memGiB": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)},
           "peer": f"{torch_ver}, {peer_threads(r.load(f'torch-{sizes[0]}-1.json'), r.threads)}, BLAS {blas}",
           "sheetlab": "DL4J 1.0.0-M2.1 nd4j-native, OMP_NUM_THREADS=" + os.environ.get("OMP_NUM_THREADS", "1"),
           "batchesPerRun": r.args.batches, "rounds": r.rounds, "gitRevision": git_revision(), "rows": rows}
    print(f"final-q5 training, samples/s (median of {r.rounds} alternating rounds of {r.args.batches} batches), "
          f"{r.date}, {r.cpu}, {r.threads} cores")
    doc["peer1Thread"] = f"{torch_ver}, {t1_conf} (torch.set_num_threads(1): its OpenBLAS keeps its own threads)"
    print(f"peer: {doc['peer']}; also {doc['peer1Thread']}")
    print("sheetlab fast = final-q5's default step (DenseAdamStep); dnnl = the same with -Dsheetlab.blas.dnnl=true; "
          "best = sheetlab's faster configuration (the ratio's); fit = DL4J's MultiLayerNetwork.fit")
    print(f"{'batch':>6} {'fast':>9} {'dnnl':>9} {'fit':>9} {'pytorch':>9} {'pytorch 1t':>11} {'best peer':>10} "
          f"{'fast/best':>10} {'best/best':>10} {'fit/best':>9}")
    for w in rows:
        print(f"{w['batchSize']:>6} {w['sheetlabFastMedian']:>9,.0f} {w.get('sheetlabFastDnnlMedian', float('nan')):>9,.0f} "
              f"{w['sheetlabMedian']:>9,.0f} "
              f"{w['pytorchMedian']:>9,.0f} {w['pytorch1ThreadMedian']:>11,.0f} {w['bestPeer']:>10,.0f} "
              f"{w['fastRatioVsBestPeer']:>10.2f} {w['bestRatioVsBestPeer']:>10.2f} {w['fitRatioVsBestPeer']:>9.2f}")
    print("sheetlab's best configuration: " + ", ".join(f"{w['sheetlabBestConfiguration']} (batch {w['batchSize']})"
                                                        for w in rows))
    # the share of the GEMM-bound ceiling (bench sgemm's own figure) each batch size reaches, where sgemm was recorded
    # on the same date and CPU (bench all runs it after final-q5 and reports the share itself)
    ceiling = gemm_ceiling(r.args.results_dir, r.date, r.cpu)
    if ceiling:
        samples, gflops, path = ceiling
        doc["gemmBoundCeiling"] = {"samplesPerSecond": samples, "gflops": gflops, "from": os.path.basename(path)}
        for w in rows:
            w["ceilingShare"] = w["sheetlabFastMedian"] / samples
            w["bestCeilingShare"] = w["sheetlabBestMedian"] / samples
        print(f"GEMM-bound ceiling {samples:,.0f} samples/s ({gflops:.0f} GFLOP/s, {path}): fast step at "
              + ", ".join(f"{w['ceilingShare']:.0%} (best {w['bestCeilingShare']:.0%}, batch {w['batchSize']})"
                          for w in rows))
    r.record("final-q5", doc)
    r.ratio(min(w["bestRatioVsBestPeer"] for w in rows))


def config_rows(r, fields):
    """vgg, style: one peer_row per setting of --configs, with `fields` (record key: key of sheetlab's JSON) and both
    sides' parameter counts and the peer's layout from round 1."""
    rows = []
    for c in r.args.configs.split():
        row = peer_row(r, c)
        s = r.load(f"sheetlab-{c}-1.json")
        t = r.load(f"torch-{c}-1.json")
        rows.append({"config": c, **{k: s[v] for k, v in fields.items()}, "parameters": s["parameters"],
                     "peerParameters": t["parameters"], "peerLayout": t["layout"], **row})
    return rows


def vgg(r):
    names = {"small": "reduced width", "full": "real VGG19"}
    rows = config_rows(r, {"width": "width", "size": "size", "batchSize": "batchSize", "batches": "batches"})
    doc = {"benchmark": "VGG19 training step (Adam, one fixed random batch)", "date": r.date, "machine": r.machine(),
           "gitRevision": git_revision(), "rounds": r.rounds,
           "sheetlabOmpThreads": os.environ.get("OMP_NUM_THREADS", "1"), "rows": rows}
    print(f"VGG19 training step, samples/s (median of {r.rounds} alternating rounds), {r.date}, {r.cpu}, "
          f"{r.threads} cores")
    print("sheetlab = Vgg19 (FastConvolution2D, DL4J fit); peer = torchvision's vgg19 layout without dropout")
    print(f"{'setting':<14} {'width':>6} {'input':>8} {'batch':>6} {'params':>12} {'sheetlab':>9} {'pytorch':>9} "
          f"{'pytorch 1t':>11} {'ratio vs best':>14}")
    for w in rows:
        print(f"{names[w['config']]:<14} {w['width']:>6} {str(w['size']) + 'x' + str(w['size']):>8} "
              f"{w['batchSize']:>6} {w['parameters']:>12,} {w['sheetlabMedian']:>9,.1f} {w['pytorchMedian']:>9,.1f} "
              f"{w['pytorch1ThreadMedian']:>11,.1f} {w['ratioVsBestPeer']:>14.2f}")
    r.record("vgg", doc)
    r.ratio(min(w["ratioVsBestPeer"] for w in rows))


def style(r):
    names = {"small": "reduced width", "full": "real widths"}
    rows = config_rows(r, {"width": "width", "size": "size", "iterations": "batches"})
    doc = {"benchmark": "neural style transfer iteration: one Adam step (0.02, clipped to [0, 1]) on the generated "
                        "image's pixels through VGG19 without top; content block4_conv2, style block1_conv1.."
                        "block5_conv1 (w 1/5), alpha 1, beta 1e5; Gram M M^T/(C H W), MSE losses; figures are "
                        "iterations/s", "date": r.date, "machine": r.machine(), "gitRevision": git_revision(),
           "rounds": r.rounds, "sheetlabOmpThreads": os.environ.get("OMP_NUM_THREADS", "1"), "rows": rows}
    print(f"style transfer iteration, iterations/s (median of {r.rounds} alternating rounds), {r.date}, {r.cpu}, "
          f"{r.threads} cores")
    print("sheetlab = StyleTransfer + StyleTransferStep on Vgg19 without top (FastConvolution2D, input gradients); "
          "peer = torchvision's vgg19 features to block5_conv1, autograd, Adam on the image")
    print(f"{'setting':<14} {'width':>6} {'image':>8} {'sheetlab':>9} {'pytorch':>9} {'pytorch 1t':>11} "
          f"{'ratio vs best':>14}")
    for w in rows:
        print(f"{names[w['config']]:<14} {w['width']:>6} {str(w['size']) + 'x' + str(w['size']):>8} "
              f"{w['sheetlabMedian']:>9,.2f} {w['pytorchMedian']:>9,.2f} {w['pytorch1ThreadMedian']:>11,.2f} "
              f"{w['ratioVsBestPeer']:>14.2f}")
    r.record("style", doc)
    r.ratio(min(w["ratioVsBestPeer"] for w in rows))


def yolo(r):
    names = {"batched": "batched", "single": "one image"}
    rows = config_rows(r, {"batchSize": "batchSize", "batches": "batches"})
    for w, c in zip(rows, r.args.configs.split()):
        for key, field in (("sheetlabDetect", "detectImagesPerSecond"), ("sheetlabFolded", "foldedImagesPerSecond")):
            w[key] = [r.load(f"sheetlab-{c}-{k}.json")[field] for k in range(1, r.rounds + 1)]
            w[key + "Median"] = statistics.median(w[key])
        w["foldedRatioVsBestPeer"] = w["sheetlabFoldedMedian"] / w["bestPeer"]
    doc = {"benchmark": "YOLO detector inference, images/s (96x96x1, 12x12 grid, 5 priors, 10 classes; activated "
                        "output, no decoding or NMS)", "date": r.date, "machine": r.machine(),
           "gitRevision": git_revision(), "rounds": r.rounds,
           "sheetlabOmpThreads": os.environ.get("OMP_NUM_THREADS", "1"), "rows": rows}
    print(f"YOLO detector inference, images/s (median of {r.rounds} alternating rounds), {r.date}, {r.cpu}, "
          f"{r.threads} cores")
    print("sheetlab = YoloDetector (ComputationGraph.output, FastConvolution2D); peer = the same layers in PyTorch, "
          "eval mode, inference_mode")
    print(f"{'setting':<10} {'batch':>6} {'params':>9} {'sheetlab':>9} {'BN folded':>10} {'pytorch':>9} "
          f"{'pytorch 1t':>11} {'ratio vs best':>14} {'folded ratio':>13}")
    for w in rows:
        print(f"{names.get(w['config'], w['config']):<10} {w['batchSize']:>6} {w['parameters']:>9,} "
              f"{w['sheetlabMedian']:>9,.1f} {w['sheetlabFoldedMedian']:>10,.1f} {w['pytorchMedian']:>9,.1f} "
              f"{w['pytorch1ThreadMedian']:>11,.1f} {w['ratioVsBestPeer']:>14.2f} {w['foldedRatioVsBestPeer']:>13.2f}")
    r.record("yolo", doc)
    r.ratio(min(w["ratioVsBestPeer"] for w in rows))
def word2vec(r):
    """sheetlab's FastSkipGram vs the word2vec C tool and gensim (and DL4J on a prefix): words/s, analogy accuracy."""
    def tool(kind):
        runs = [r.load(f"{kind}-{i}.json") for i in range(1, r.rounds + 1)]
        if kind == "sheetlab":
            for i, run in enumerate(runs, 1):
                run["analogy"] = r.load(f"sheetlab-analogy-{i}.json")
        wps = statistics.median(x["wordsPerSecond"] for x in runs)
        acc = statistics.median(x["analogy"]["accuracy"] or 0 for x in runs)
        return {"impl": runs[0]["impl"], "runs": runs, "wordsPerSecondMedian": wps, "accuracyMedian": acc}
    tools = {"sheetlab": tool("sheetlab"), "c": tool("c"), "gensim": tool("gensim")}
    first = tools["c"]["runs"][0]
    best = max(tools["c"]["wordsPerSecondMedian"], tools["gensim"]["wordsPerSecondMedian"])
    ratio = tools["sheetlab"]["wordsPerSecondMedian"] / best
    ratio_c = tools["sheetlab"]["wordsPerSecondMedian"] / tools["c"]["wordsPerSecondMedian"]
    gap = 100 * (tools["sheetlab"]["accuracyMedian"] - tools["c"]["accuracyMedian"])
    prefix = None
    if os.path.exists(os.path.join(r.out, "dl4j-1.json")):
        d, s = r.load("dl4j-1.json"), r.load("sheetlab-prefix-1.json")
        d["analogy"], s["analogy"] = r.load("dl4j-analogy-1.json"), r.load("sheetlab-prefix-analogy-1.json")
        prefix = {"dl4j": d, "sheetlab": s}
    doc = {"benchmark": "skip-gram word2vec with negative sampling: words/s = corpus tokens x epochs / training "
                        "seconds (training = after the vocabulary pass: table, init, epochs, writing binary vectors; "
                        "the vocabulary pass is timed apart); analogy accuracy by bench/word2vec_eval.py (3CosAdd over "
                        "the 30000 most frequent words) on each tool's vector file",
           "date": r.date, "machine": r.machine(), "gitRevision": git_revision(), "rounds": r.rounds,
           "corpusTokens": first["corpusTokens"], "epochs": first["epochs"], "threads": first["threads"],
           "settings": first["settings"], "tools": tools, "bestPeer": best, "ratioVsBestPeer": ratio,
           "ratioVsCTool": ratio_c, "accuracyPointsVsCTool": gap, "dl4jPrefix": prefix}
    s = first["settings"]
    print(f"skip-gram word2vec, {first['corpusTokens']:,} tokens x {first['epochs']} epochs, {first['threads']} "
          f"threads, d {s['dimension']}, window {s['window']}, k {s['negative']}, sample {s['sample']}, min count "
          f"{s['minCount']}, alpha {s['alpha']} (median of {r.rounds} rounds), {r.date}, {r.cpu}, {r.threads} cores")
    print(f"{'tool':<10} {'vocab':>7} {'vocab s':>8} {'train s':>8} {'words/s':>10} {'analogy':>8} {'answered':>9}  impl")
    names = {"sheetlab": "sheetlab", "c": "C tool", "gensim": "gensim"}

    def line(name, x):
        a = x["analogy"]
        acc = "n/a" if a["accuracy"] is None else f"{100 * a['accuracy']:.1f}%"
        print(f"{name:<10} {x['vocabulary']:>7,} {x['vocabSeconds']:>8.1f} {x['trainSeconds']:>8.1f} "
              f"{x['wordsPerSecond']:>10,.0f} {acc:>8} {a['answered']:>4}/{a['questions']:<4}  {x['impl']}")
    for k, t in tools.items():
        for x in t["runs"]:
            line(names[k], x)
    if prefix:
        print(f"on the first {prefix['dl4j']['corpusTokens']:,} tokens (same settings): DL4J Word2Vec vs sheetlab")
        line("DL4J", prefix["dl4j"])
        line("sheetlab", prefix["sheetlab"])
    print(f"sheetlab vs the C tool: {ratio_c:.2f}x words/s, analogy {gap:+.1f} points")
    r.record("word2vec", doc)
    r.ratio(ratio)


REPORTS = {"final-q5": final_q5, "cnn": cnn, "lstm": lstm, "gru": gru, "vae": vae, "gan": gan,
           "gan-conv": lambda r: gan(r, "gan-conv"), "sgemm": sgemm, "pooling": pooling, "newton": newton, "vgg": vgg,
           "style": style,
           "nms": nms,
           "yolo": yolo,
           "word2vec": word2vec}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=sorted(REPORTS))
    p.add_argument("--out", required=True, help="the folder the rounds wrote their JSON into")
    p.add_argument("--results-dir", default="bench/results")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("--batches", type=int, default=0)
    p.add_argument("--batch-sizes", default="32 128 512")
    p.add_argument("--configs", default="small full", help="vgg, style: the settings measured")
    args = p.parse_args()
    REPORTS[args.what](Report(args))


if __name__ == "__main__":
    main()
