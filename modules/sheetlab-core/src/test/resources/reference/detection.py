#!/usr/bin/python3
"""Reference values for org.sheetlab.core.detection (Boxes.iou, NonMaxSuppression), from torchvision.ops.

Run with Debian's python3-torchvision (0.14):  /usr/bin/python3 detection.py > detection.json
Boxes are corner boxes (x1, y1, x2, y2) in float64, with coordinates on a 0.1 grid and scores that are distinct
multiples of 1e-4 (so the JSON stays small and no two scores tie; "tie_scores" is a separate case with 5 score levels). The boxes
are clustered so that NMS has real work to do, and a few have zero width or height.
- "iou": torchvision.ops.box_iou(a, b) for a [40, 4] and b [60, 4] (a holds one zero-area box; no pair of zero-area
  boxes, whose 0/0 torchvision returns as NaN), plus the sum of the full [N, N] box_iou of the NMS boxes and the count
  of its entries > 0.5 (zero-area pairs counted as 0, the Java convention).
- "nms": for each (score threshold, IoU threshold): torchvision.ops.nms has no score threshold, so the boxes with
  score >= the threshold are selected first (the sheet: discard p_c < 0.6) and nms runs on them; the kept indices are
  mapped back to the full list. "batched" does the same with torchvision.ops.batched_nms and classes 0..4.
"""
import json

import numpy as np
import torch
import torchvision
from torchvision.ops import batched_nms, box_iou, nms

rng = np.random.default_rng(20261205)


def clustered_boxes(n, clusters, degenerate):
    centres = rng.uniform(20, 480, size=(clusters, 2))
    which = rng.integers(0, clusters, size=n)
    cx = centres[which, 0] + rng.normal(0, 6, size=n)
    cy = centres[which, 1] + rng.normal(0, 6, size=n)
    w = rng.uniform(4, 60, size=n)
    h = w * np.exp(rng.normal(0, 0.4, size=n))
    x1, y1 = np.round(cx - w / 2, 1), np.round(cy - h / 2, 1)
    x2, y2 = np.round(cx + w / 2, 1), np.round(cy + h / 2, 1)
    boxes = np.stack([x1, y1, x2, y2], axis=1)
    boxes[:degenerate, 2] = boxes[:degenerate, 0]  # zero width
    boxes[degenerate:2 * degenerate, 3] = boxes[degenerate:2 * degenerate, 1]  # zero height
    return boxes[rng.permutation(n)]


n = 3000
boxes = clustered_boxes(n, 150, 5)
scores = rng.choice(10000, size=n, replace=False) / 10000.0
classes = rng.integers(0, 5, size=n)
tb, ts, tc = torch.tensor(boxes, dtype=torch.float64), torch.tensor(scores), torch.tensor(classes)
assert len(set(scores.tolist())) == n

a = clustered_boxes(40, 6, 0)
a[7, 2] = a[7, 0]  # one zero-width box
b = clustered_boxes(60, 6, 0)
iou_ab = box_iou(torch.tensor(a), torch.tensor(b))
assert not torch.isnan(iou_ab).any()
full = torch.nan_to_num(box_iou(tb, tb), nan=0.0)

runs = []
for score_threshold, iou_threshold in [(0.6, 0.5), (0.0, 0.5), (0.3, 0.3), (0.6, 0.7), (0.9, 0.1)]:
    selected = torch.where(ts >= score_threshold)[0]
    keep = selected[nms(tb[selected], ts[selected], iou_threshold)]
    keep_batched = selected[batched_nms(tb[selected], ts[selected], tc[selected], iou_threshold)]
    runs.append({"score_threshold": score_threshold, "iou_threshold": iou_threshold,
                 "keep": keep.tolist(), "keep_batched": keep_batched.tolist()})

# ties: the first 1000 boxes with scores on five levels. torch.sort (inside nms) is not stable here, so torchvision's
# result with ties depends on its sort; NonMaxSuppression defines ties as index order. "tie_keep" is torchvision's nms
# run in that stable order (scores replaced by minus the rank in a stable argsort), the reference for the Java order.
tie_scores = torch.tensor(np.round(0.6 + 0.1 * rng.integers(0, 5, size=1000), 1))
stable = np.argsort(-tie_scores.numpy(), kind="stable")
rank = np.empty(1000)
rank[stable] = np.arange(1000)
tie_keep = nms(tb[:1000], torch.tensor(-rank), 0.5)

out = {"generator": "detection.py", "torch": torch.__version__, "torchvision": torchvision.__version__,
       "boxes": boxes.tolist(), "scores": scores.tolist(), "classes": classes.tolist(),
       "a": a.tolist(), "b": b.tolist(), "iou_ab": iou_ab.tolist(),
       "iou_full_sum": float(full.sum()), "iou_full_above_half": int((full > 0.5).sum()),
       "tie_scores": tie_scores.tolist(), "tie_keep": tie_keep.tolist(), "cases": runs}
print(json.dumps(out, allow_nan=False, separators=(",", ":")))
