#!/usr/bin/python3
"""Reference values for org.sheetlab.layers.conv.FastConvolution2D, from PyTorch autograd (independent of ND4J).

Run with Debian's python3-torch:  /usr/bin/python3 conv2d.py > conv2d.json
Each case: kernel, stride, padding (top/left, bottom/right: PyTorch pads symmetrically with F.pad for the asymmetric
"Same" case), activation, an input x [B, C, H, W], weights w [F, C, kH, kW] (DL4J's layout is PyTorch's), bias b [F],
the output y = act(conv2d(x, w) + b), an upstream gradient dy and the gradients dx, dw, db of sum(y * dy), in double.
"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(20261126)
cases = []
ACT = {"identity": lambda z: z, "relu": torch.relu, "tanh": torch.tanh}

def add(b, c, h, w, f, k, s, pad, act, mode="truncate"):
    x = torch.randn(b, c, h, w, dtype=torch.float64, requires_grad=True)
    wt = (torch.randn(f, c, k[0], k[1], dtype=torch.float64) * 0.5).requires_grad_(True)
    bias = (torch.randn(f, dtype=torch.float64) * 0.1).requires_grad_(True)
    # pad = [top, bottom, left, right]
    xp = F.pad(x, (pad[2], pad[3], pad[0], pad[1]))
    y = ACT[act](F.conv2d(xp, wt, bias, stride=s))
    dy = torch.randn(y.shape, dtype=torch.float64)
    (y * dy).sum().backward()
    cases.append({"mode": mode, "kernel": k, "stride": s, "padding": pad, "activation": act, "nOut": f,
                  "x": x.detach().tolist(), "w": wt.detach().tolist(), "b": bias.detach().tolist(),
                  "y": y.detach().tolist(), "dy": dy.tolist(), "dx": x.grad.tolist(), "dw": wt.grad.tolist(),
                  "db": bias.grad.tolist()})

add(1, 1, 5, 5, 1, [3, 3], [1, 1], [0, 0, 0, 0], "identity")
add(2, 3, 7, 6, 4, [3, 2], [1, 1], [0, 0, 0, 0], "tanh")
add(3, 2, 8, 8, 5, [3, 3], [2, 2], [1, 1, 1, 1], "relu")
add(2, 2, 9, 7, 3, [5, 5], [1, 1], [2, 2, 2, 2], "tanh")
add(2, 4, 6, 6, 2, [1, 1], [1, 1], [0, 0, 0, 0], "identity")
add(2, 2, 7, 7, 3, [4, 4], [3, 3], [0, 0, 0, 0], "tanh")     # truncate: the last column and row are not covered
# DL4J's "Same" mode, stride 2 on 7x8: output ceil(in / s), total padding split with the extra at the bottom/right
add(2, 2, 7, 8, 3, [3, 3], [2, 2], [1, 1, 0, 1], "tanh", mode="same")
add(1, 3, 6, 5, 2, [2, 2], [1, 1], [0, 1, 0, 1], "identity", mode="same")
print(json.dumps({"generator": "conv2d.py", "torch": torch.__version__, "cases": cases}))
