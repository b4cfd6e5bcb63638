#!/usr/bin/python3
"""PyTorch CPU peer for `scripts/bench nms`: the sheet's non-max suppression (keep p_c >= 0.6, then
torchvision.ops.nms at IoU 0.5; torchvision's nms has no score threshold, so the selection is timed with it) on
clustered random corner boxes, float64. It also writes the boxes and scores it timed to --out-dir as raw little-endian
float64 (boxes-N.bin [N, 4], scores-N.bin [N]), which sheetlab's side then reads, so both time the same boxes.
Median milliseconds per call and the kept count per size; prints one JSON object."""
import argparse, json, os, sys, time
import numpy as np
import torch
import torchvision
from torchvision.ops import nms

p = argparse.ArgumentParser()
p.add_argument("--sizes", default="1000 10000 100000")
p.add_argument("--iterations", type=int, default=10)
p.add_argument("--warmup", type=int, default=3)
p.add_argument("--seed", type=int, default=42)
p.add_argument("--out-dir", required=True)
p.add_argument("--threads", type=int, default=os.cpu_count())
a = p.parse_args()
torch.set_num_threads(a.threads)
rng = np.random.default_rng(a.seed)


def boxes(n):
    """n boxes around n/20 cluster centres on a canvas that grows with sqrt(n) (the same density at each size)."""
    side = 100 * np.sqrt(n)
    centres = rng.uniform(0, side, size=(max(1, n // 20), 2))
    which = rng.integers(0, len(centres), size=n)
    cx = centres[which, 0] + rng.normal(0, 6, size=n)
    cy = centres[which, 1] + rng.normal(0, 6, size=n)
    w = rng.uniform(4, 60, size=n)
    h = w * np.exp(rng.normal(0, 0.4, size=n))
    return np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)


ms, kept = {}, {}
for n in [int(s) for s in a.sizes.split()]:
    b = boxes(n)
    s = rng.uniform(0, 1, size=n)
    b.astype("<f8").tofile(os.path.join(a.out_dir, f"boxes-{n}.bin"))
    s.astype("<f8").tofile(os.path.join(a.out_dir, f"scores-{n}.bin"))
    tb, ts = torch.tensor(b), torch.tensor(s)
    t = []
    for i in range(a.warmup + a.iterations):
        t0 = time.perf_counter()
        sel = torch.where(ts >= 0.6)[0]
        keep = sel[nms(tb[sel], ts[sel], 0.5)]
        if i >= a.warmup:
            t.append((time.perf_counter() - t0) * 1000)
    t.sort()
    ms[str(n)] = t[len(t) // 2]
    kept[str(n)] = len(keep)
    print(f"torchvision nms, {n:>7} boxes: {ms[str(n)]:9.3f} ms, kept {len(keep)}", file=sys.stderr)
print(json.dumps({"impl": f"torchvision {torchvision.__version__} (PyTorch {torch.__version__} CPU)",
                  "threads": torch.get_num_threads(), "medianMs": ms, "kept": kept}))
