#!/usr/bin/python3
"""Reference values for sheetlab's neural style transfer (sheet: Neural Style Transfer, Final Q3).

An independent implementation with PyTorch autograd: a tiny VGG-shaped network (3x3 convolutions with padding 1 and
ReLU, 2x2 max pooling) with fixed random weights, and the loss
    L(G) = alpha * mse(a_c(G), a_c(C)) + beta * sum_l w_l * mse(gram(a_l(G)), gram(a_l(S))) + gamma * TV(G)
with gram(A) = M M^T / (C*H*W), M = A reshaped to [C, H*W] (PyTorch's neural-transfer tutorial), and
TV(x) = (sum (x[i+1,j]-x[i,j])^2 + sum (x[i,j+1]-x[i,j])^2) / numel(x).
Writes the weights, the images, each loss term and dL/dG (autograd) to style_transfer.json; StyleTransferTest
reads them. Run: /usr/bin/python3 style_transfer.py (torch 1.13, float64).
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(17)
torch.set_default_dtype(torch.float64)

# name, in, out: the layers of the Java test's network, in order (pooling after block1_conv2)
CONVS = [("block1_conv1", 3, 4), ("block1_conv2", 4, 4), ("block2_conv1", 4, 6)]
weights = {name: (torch.randn(o, i, 3, 3) * (2.0 / (9 * i)) ** 0.5, torch.randn(o) * 0.1) for name, i, o in CONVS}


def features(x):
    out = {}
    a = F.relu(F.conv2d(x, *weights["block1_conv1"], padding=1))
    out["block1_conv1"] = a
    a = F.relu(F.conv2d(a, *weights["block1_conv2"], padding=1))
    out["block1_conv2"] = a
    a = F.max_pool2d(a, 2, 2)
    out["block1_pool"] = a
    a = F.relu(F.conv2d(a, *weights["block2_conv1"], padding=1))
    out["block2_conv1"] = a
    return out


def gram(a):
    b, c, h, w = a.shape
    m = a.reshape(b, c, h * w)
    return m @ m.transpose(1, 2) / (c * h * w)


def tv(x):
    dv = x[:, :, 1:, :] - x[:, :, :-1, :]
    dh = x[:, :, :, 1:] - x[:, :, :, :-1]
    return ((dv ** 2).sum() + (dh ** 2).sum()) / x.numel()


def case(name, content_layer, style_layers, alpha, beta, gamma, size, style_size):
    content = torch.rand(1, 3, size, size)
    style = torch.rand(1, 3, style_size, style_size)
    generated = torch.rand(1, 3, size, size).requires_grad_(True)
    fc = features(content)
    fs = features(style)
    fg = features(generated)
    lc = F.mse_loss(fg[content_layer], fc[content_layer])
    by_layer = {l: F.mse_loss(gram(fg[l]), gram(fs[l])) for l in style_layers}
    ls = sum(w * by_layer[l] for l, w in style_layers.items())
    lt = tv(generated)
    total = alpha * lc + beta * ls + gamma * lt
    total.backward()
    return {
        "name": name,
        "contentLayer": content_layer,
        "styleLayers": list(style_layers.keys()),
        "styleWeights": list(style_layers.values()),
        "alpha": alpha,
        "beta": beta,
        "gamma": gamma,
        "content": content.tolist(),
        "style": style.tolist(),
        "generated": generated.detach().tolist(),
        "contentLoss": lc.item(),
        "styleLoss": ls.item(),
        "styleByLayer": [by_layer[l].item() for l in style_layers],
        "tv": lt.item(),
        "total": total.item(),
        "gradient": generated.grad.tolist(),
        "styleGrams": [gram(fs[l]).tolist() for l in style_layers],
    }


cases = [
    case("late content, early+late style, TV", "block2_conv1", {"block1_conv1": 0.7, "block2_conv1": 0.3},
         1.0, 50.0, 0.1, 8, 12),
    case("early content, pooled style", "block1_conv2", {"block1_pool": 1.0, "block1_conv2": 2.0},
         0.5, 10.0, 0.0, 6, 6),
]
out = {
    "weights": {name: {"W": w.tolist(), "b": b.tolist()} for name, (w, b) in weights.items()},
    "cases": cases,
}
with open("style_transfer.json", "w") as f:
    json.dump(out, f, allow_nan=False)
