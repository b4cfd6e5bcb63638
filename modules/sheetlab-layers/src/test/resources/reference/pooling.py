#!/usr/bin/python3
"""Reference values for org.sheetlab.layers.pooling, from PyTorch autograd (independent of ND4J).

Run with Debian's python3-torch:  /usr/bin/python3 pooling.py > pooling.json
Each case: a layer configuration, an input x [B, C, H, W] (double), the forward output y, an upstream gradient dy
(same shape as y) and the input gradient dx = d(sum(y * dy))/dx computed by autograd.
  p-pooling:   windows from F.unfold (zero padding), y = (sum |x|^p)^(1/p)
  log-average: y = logsumexp(window) - log(k_h k_w)
  global:      the same over all H*W positions of each channel
"""
import json, math
import torch
import torch.nn.functional as F

torch.manual_seed(1125)
cases = []

def windows(x, k, s, p):
    b, c = x.shape[:2]
    u = F.unfold(x, kernel_size=k, padding=p, stride=s)          # [B, C*K, L]
    return u.reshape(b, c, k[0] * k[1], -1)                       # [B, C, K, L]

def out_hw(h, w, k, s, p):
    return (h - k[0] + 2 * p[0]) // s[0] + 1, (w - k[1] + 2 * p[1]) // s[1] + 1

def add(kind, x, k=None, s=None, pad=None, p=None):
    x = x.clone().requires_grad_(True)
    if kind in ("ppool", "logavg"):
        w = windows(x, k, s, pad)
        y = (w.abs() ** p).sum(2) ** (1.0 / p) if kind == "ppool" else torch.logsumexp(w, 2) - math.log(k[0] * k[1])
        oh, ow = out_hw(x.shape[2], x.shape[3], k, s, pad)
        y = y.reshape(x.shape[0], x.shape[1], oh, ow)
    else:
        w = x.reshape(x.shape[0], x.shape[1], -1)
        y = (w.abs() ** p).sum(2) ** (1.0 / p) if kind == "global_ppool" else torch.logsumexp(w, 2) - math.log(w.shape[2])
    dy = torch.randn(y.shape, dtype=torch.float64)
    (y * dy).sum().backward()
    cases.append({"kind": kind, "kernel": k, "stride": s, "padding": pad, "p": p, "x": x.detach().tolist(),
                  "y": y.detach().tolist(), "dy": dy.tolist(), "dx": x.grad.tolist()})

for (b, c, h, w) in [(1, 1, 4, 4), (2, 3, 6, 5), (3, 2, 7, 7)]:
    pos = torch.rand(b, c, h, w, dtype=torch.float64) + 0.05     # the sheet's domain: after a ReLU
    mixed = torch.randn(b, c, h, w, dtype=torch.float64)          # negative inputs: pooled by magnitude
    for k, s, pad in [([2, 2], [2, 2], [0, 0]), ([3, 3], [1, 1], [1, 1]), ([3, 2], [2, 1], [0, 0])]:
        if k[0] > h + 2 * pad[0] or k[1] > w + 2 * pad[1]:
            continue
        for p in [1.0, 2.0, 3.0, 2.5, 16.0]:
            add("ppool", pos, k, s, pad, p)
        add("ppool", mixed, k, s, pad, 3.0)
        add("logavg", mixed * 3, k, s, pad)
    add("global_ppool", pos, p=2.0)
    add("global_ppool", mixed, p=3.5)
    add("global_logavg", mixed * 3)
print(json.dumps({"generator": "pooling.py", "torch": torch.__version__, "cases": cases}))
