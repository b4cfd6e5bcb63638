#!/usr/bin/python3
"""Reference values for org.sheetlab.models.blocks (ResidualBlock, DepthwiseSeparableBlock), from PyTorch autograd.

Run with Debian's python3-torch:  /usr/bin/python3 conv_blocks.py > conv_blocks.json
Each case: an input x [B, C, H, W], fixed weights in PyTorch's layout (conv [C_out, C_in, K, K], depthwise
[C, 1, K, K], biases [C_out]), the block's output y, an upstream gradient dy and the gradients of sum(y * dy) with
respect to x and every parameter, in double. No batch norm (the Java blocks are built with optBatchNorm(false)).

residual:  y = act(conv2(act(conv1(x; stride S, padding (K-1)/2)); padding (K-1)/2) + skip(x)),
           skip = x, or conv1x1(x; stride S) when C_in != C_out or S != 1 (He et al. 2015, post-addition ReLU)
separable: y = relu6(conv1x1(relu6(depthwise(x; groups = C, stride S, padding (K-1)/2))))
"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(20261205)
cases = []


def rand(*shape, scale=1.0):
    return (torch.randn(*shape, dtype=torch.float64) * scale).requires_grad_(True)


def finish(kind, x, y, params, extra):
    dy = torch.randn(y.shape, dtype=torch.float64)
    (y * dy).sum().backward()
    case = {"kind": kind, "x": x.detach().tolist(), "y": y.detach().tolist(), "dy": dy.tolist(),
            "dx": x.grad.tolist()}
    case.update(extra)
    for name, p in params.items():
        case[name] = p.detach().tolist()
        case["d" + name] = p.grad.tolist()
    cases.append(case)


def residual(b, c_in, c_out, h, w, stride, k=3, act="relu"):
    f = {"relu": torch.relu, "identity": lambda z: z}[act]
    x = rand(b, c_in, h, w)
    p = {"conv1_w": rand(c_out, c_in, k, k, scale=0.4), "conv1_b": rand(c_out, scale=0.1),
         "conv2_w": rand(c_out, c_out, k, k, scale=0.4), "conv2_b": rand(c_out, scale=0.1)}
    pad = (k - 1) // 2
    hidden = f(F.conv2d(x, p["conv1_w"], p["conv1_b"], stride=stride, padding=pad))
    branch = F.conv2d(hidden, p["conv2_w"], p["conv2_b"], stride=1, padding=pad)
    if c_in != c_out or stride != 1:
        p["proj_w"] = rand(c_out, c_in, 1, 1, scale=0.5)
        p["proj_b"] = rand(c_out, scale=0.1)
        skip = F.conv2d(x, p["proj_w"], p["proj_b"], stride=stride)
    else:
        skip = x
    y = f(branch + skip)
    finish("residual", x, y, p, {"channelsIn": c_in, "channelsOut": c_out, "stride": stride, "kernel": k,
                                 "activation": act})


def separable(b, c_in, c_out, h, w, stride, k=3):
    # inputs and weights large enough that some pre-activations pass 6, so ReLU6's upper clip is exercised
    x = rand(b, c_in, h, w, scale=3.0)
    p = {"dw_w": rand(c_in, 1, k, k, scale=1.0), "dw_b": rand(c_in, scale=0.5),
         "pw_w": rand(c_out, c_in, 1, 1, scale=1.0), "pw_b": rand(c_out, scale=0.5)}
    d = F.relu6(F.conv2d(x, p["dw_w"], p["dw_b"], stride=stride, padding=(k - 1) // 2, groups=c_in))
    y = F.relu6(F.conv2d(d, p["pw_w"], p["pw_b"]))
    finish("separable", x, y, p, {"channelsIn": c_in, "channelsOut": c_out, "stride": stride, "kernel": k,
                                  "clippedAt6": int((d >= 6).sum() + (y >= 6).sum())})


residual(2, 3, 3, 5, 5, 1)                # identity skip
residual(2, 2, 4, 6, 5, 2)                # 1x1 projection skip, stride 2: 6x5 -> 3x3
residual(1, 2, 2, 4, 4, 1, act="identity")  # the sheet's y = F(x, W) + x with no final activation
separable(2, 3, 4, 5, 5, 1)
separable(2, 3, 5, 6, 7, 2)               # stride 2: 6x7 -> 3x4
separable(1, 2, 3, 5, 5, 1, k=5)          # K = 5, P = 2


# The catalog's resnet-small and mobilenet-small built in PyTorch: parameters plus batch norm's running mean and
# variance (DL4J counts those as parameters), an independent count of the same layouts.
class Residual(torch.nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        nn = torch.nn
        self.c1, self.b1 = nn.Conv2d(c_in, c_out, 3, stride, 1), nn.BatchNorm2d(c_out)
        self.c2, self.b2 = nn.Conv2d(c_out, c_out, 3, 1, 1), nn.BatchNorm2d(c_out)
        self.proj = (nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride), nn.BatchNorm2d(c_out))
                     if c_in != c_out or stride != 1 else nn.Identity())


def separable_block(c_in, c_out, stride):
    nn = torch.nn
    return nn.Sequential(nn.Conv2d(c_in, c_in, 3, stride, 1, groups=c_in), nn.BatchNorm2d(c_in), nn.ReLU6(),
                         nn.Conv2d(c_in, c_out, 1), nn.BatchNorm2d(c_out), nn.ReLU6())


def count(m):
    return (sum(p.numel() for p in m.parameters())
            + sum(b.numel() for n, b in m.named_buffers() if not n.endswith("num_batches_tracked")))


nn = torch.nn
resnet = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1), nn.BatchNorm2d(16), Residual(16, 16, 1), Residual(16, 32, 2),
                       nn.Linear(32, 10))
mobilenet = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1), nn.BatchNorm2d(16), separable_block(16, 32, 1),
                          separable_block(32, 64, 2), separable_block(64, 128, 2), nn.Linear(128, 10))
models = {"resnet-small": count(resnet), "mobilenet-small": count(mobilenet)}
print(json.dumps({"generator": "conv_blocks.py", "torch": torch.__version__, "cases": cases, "models": models}))
