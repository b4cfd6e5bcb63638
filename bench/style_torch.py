#!/usr/bin/python3
"""PyTorch CPU peer for `scripts/bench style`: one neural style transfer iteration, an Adam step on the pixels of the
generated image G [1, 3, S, S] through a fixed VGG19 without its top in torchvision's vgg19 features layout
(torchvision.models.vgg.make_layers(cfgs["E"]): 3x3 convolutions with padding 1 and ReLU, 2x2/2 max pooling after
each block; every channel count scaled by --width, round, at least 1; --width 1 is torchvision.models.vgg19().features),
run only up to block5_conv1, the deepest layer read. The loss is sheetlab's StyleTransfer (see its Javadoc and
modules/sheetlab-models/src/test/resources/reference/style_transfer.py):
    L(G) = alpha * mse(a_c(G), a_c(C)) + beta * sum_l (1/5) * mse(gram(a_l(G)), gram(a_l(S))),
    gram(A) = M M^T / (C*H*W), M = A reshaped to [C, H*W],
content layer block4_conv2, style layers block1_conv1 .. block5_conv1 (Keras names: the ReLU outputs), alpha 1,
beta 1e5, then G <- clamp(G - Adam(0.02) step, 0, 1): the style-transfer experiment's defaults. The network's
parameters are fixed (requires_grad False); content and style are fixed uniform [0, 1) images, G starts at the content
image. Prints one JSON object; samplesPerSecond is iterations/s (one image per iteration)."""
import argparse, os
import torch
import torch.nn.functional as F
from torchvision.models.vgg import cfgs, make_layers
from torch_training import time_steps

p = argparse.ArgumentParser()
p.add_argument("--batches", type=int, default=30, help="timed iterations")
p.add_argument("--warmup", type=int, default=3)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--width", type=float, default=0.125)
p.add_argument("--size", type=int, default=192)
p.add_argument("--seed", type=int, default=42)
a = p.parse_args()
a.batch_size = 1
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)

CONTENT = "block4_conv2"
STYLE = ["block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1"]
cfg = [v if v == "M" else max(1, int(round(v * a.width))) for v in cfgs["E"]]
features = make_layers(cfg)
# Keras names of the ReLU outputs, in features' order (block b, convolution k)
names, block, conv = {}, 1, 0
for i, m in enumerate(features):
    if isinstance(m, torch.nn.ReLU):
        conv += 1
        names[i] = f"block{block}_conv{conv}"
    elif isinstance(m, torch.nn.MaxPool2d):
        block, conv = block + 1, 0
last = max(i for i, n in names.items() if n in STYLE + [CONTENT])
net = features[:last + 1].eval()
for q in net.parameters():
    q.requires_grad_(False)


def activations(x):
    out = {}
    for i, m in enumerate(net):
        x = m(x)
        if i in names and names[i] in STYLE + [CONTENT]:
            out[names[i]] = x
    return out


def gram(t):
    b, c, h, w = t.shape
    m = t.reshape(b, c, h * w)
    return m @ m.transpose(1, 2) / (c * h * w)


content = torch.rand(1, 3, a.size, a.size)
style = torch.rand(1, 3, a.size, a.size)
with torch.no_grad():
    content_target = activations(content)[CONTENT]
    style_targets = {l: gram(t) for l, t in activations(style).items() if l in STYLE}
image = content.clone().requires_grad_(True)
opt = torch.optim.Adam([image], lr=0.02)
alpha, beta = 1.0, 1e5


def step():
    opt.zero_grad(set_to_none=True)
    act = activations(image)
    loss = alpha * F.mse_loss(act[CONTENT], content_target) + beta * sum(
        F.mse_loss(gram(act[l]), style_targets[l]) / len(STYLE) for l in STYLE)
    loss.backward()
    opt.step()
    with torch.no_grad():
        image.clamp_(0, 1)
    return loss.item()


time_steps(a, step, f"pytorch style transfer vgg19 width {a.width} {a.size}x{a.size}",
           {"layout": f"torchvision vgg19 make_layers(cfg E x {a.width})[:{last + 1}] (to block5_conv1)",
            "width": a.width, "size": a.size, "parameters": sum(t.numel() for t in net.parameters())})
