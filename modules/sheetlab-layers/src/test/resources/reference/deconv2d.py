#!/usr/bin/python3
"""Reference values for org.sheetlab.layers.conv.FastDeconvolution2D, from PyTorch autograd (independent of ND4J).

Run with Debian's python3-torch:  /usr/bin/python3 deconv2d.py > deconv2d.json
Each case: kernel, stride, padding (symmetric, Truncate mode) or DL4J's Same mode (output = stride * input, the
top/left crop ((in - 1) * s + k - out) // 2), activation, an input x [B, C_in, H, W], weights w [C_in, C_out, kH, kW]
(DL4J's Deconvolution2D layout is PyTorch's conv_transpose2d layout), bias b [C_out], the output
y = act(crop(conv_transpose2d(x, w, padding 0)) + b), an upstream gradient dy and the gradients dx, dw, db of
sum(y * dy), in double. The crop of the full transposed convolution is what padding means for it.
"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(20261127)
cases = []
ACT = {"identity": lambda z: z, "relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}


def add(b, c, h, w, f, k, s, pad, act, mode="truncate"):
    x = torch.randn(b, c, h, w, dtype=torch.float64, requires_grad=True)
    wt = (torch.randn(c, f, k[0], k[1], dtype=torch.float64) * 0.5).requires_grad_(True)
    bias = (torch.randn(f, dtype=torch.float64) * 0.1).requires_grad_(True)
    full = F.conv_transpose2d(x, wt, None, stride=s)  # [B, F, (h-1)s + k, (w-1)s + k]
    if mode == "same":
        oh, ow = h * s[0], w * s[1]
        pt = ((h - 1) * s[0] + k[0] - oh) // 2
        pl = ((w - 1) * s[1] + k[1] - ow) // 2
    else:
        oh, ow = (h - 1) * s[0] + k[0] - 2 * pad[0], (w - 1) * s[1] + k[1] - 2 * pad[1]
        pt, pl = pad
    z = full[:, :, pt:pt + oh, pl:pl + ow] + bias.view(1, -1, 1, 1)
    y = ACT[act](z)
    dy = torch.randn(y.shape, dtype=torch.float64)
    (y * dy).sum().backward()
    cases.append({"mode": mode, "kernel": k, "stride": s, "padding": pad, "activation": act, "nOut": f,
                  "x": x.detach().tolist(), "w": wt.detach().tolist(), "b": bias.detach().tolist(),
                  "y": y.detach().tolist(), "dy": dy.tolist(), "dx": x.grad.tolist(), "dw": wt.grad.tolist(),
                  "db": bias.grad.tolist()})


add(2, 3, 4, 4, 2, [4, 4], [2, 2], [0, 0], "relu", mode="same")      # the DCGAN generator's layer: 4x4 -> 8x8
add(1, 2, 3, 5, 1, [4, 4], [2, 2], [0, 0], "sigmoid", mode="same")
add(2, 2, 4, 5, 3, [3, 3], [2, 2], [0, 0], "tanh", mode="same")       # odd total padding: the extra row at the end
add(2, 2, 5, 4, 3, [3, 3], [1, 1], [0, 0], "identity", mode="same")
add(2, 3, 4, 5, 2, [3, 3], [2, 2], [0, 0], "tanh")                    # truncate, no padding: 9 x 11
add(1, 2, 5, 5, 3, [4, 4], [2, 2], [1, 1], "relu")                    # PyTorch's usual k4 s2 p1: 10 x 10
add(2, 1, 3, 3, 2, [2, 3], [2, 1], [0, 1], "tanh")
print(json.dumps({"generator": "deconv2d.py", "torch": torch.__version__, "cases": cases}))
