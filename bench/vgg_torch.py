#!/usr/bin/python3
"""PyTorch CPU peer for `scripts/bench vgg`: a VGG19 training step in torchvision's vgg19 layout (features = the 16
3x3 convolutions with padding 1 and ReLU, 2x2 max pooling of stride 2 after each block, torchvision's make_layers;
flatten; fc - ReLU - fc - ReLU - fc), without dropout (as Keras' VGG19 and sheetlab's Vgg19), Adam(1e-3),
cross-entropy, float32, on one fixed random batch (uniform [0, 1) pixels, random labels), as sheetlab's `bench vgg`.
--width 1 --size 224 is torchvision.models.vgg19() itself (its adaptive 7x7 average pooling is the identity there)
with the dropout layers removed; other widths scale every channel count and the fc size (round, at least 1) and drop
the adaptive pooling (fc1 reads the flattened block5_pool). Prints one JSON object."""
import argparse, os
import torch
from torch import nn
from torchvision.models import vgg19
from torchvision.models.vgg import cfgs, make_layers
from torch_training import time_steps

p = argparse.ArgumentParser()
p.add_argument("--batch-size", type=int, default=32)
p.add_argument("--batches", type=int, default=30)
p.add_argument("--warmup", type=int, default=3)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--width", type=float, default=0.125)
p.add_argument("--size", type=int, default=32)
p.add_argument("--classes", type=int, default=10)
p.add_argument("--seed", type=int, default=42)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)


def scaled(n):
    return max(1, int(round(n * a.width)))


if a.width == 1 and a.size == 224:
    net = vgg19(num_classes=a.classes)
    net.classifier = nn.Sequential(*[m for m in net.classifier if not isinstance(m, nn.Dropout)])
    layout = "torchvision.models.vgg19 (dropout removed)"
else:
    cfg = [v if v == "M" else scaled(v) for v in cfgs["E"]]
    fc = scaled(4096)
    side = a.size // 32
    net = nn.Sequential(make_layers(cfg), nn.Flatten(), nn.Linear(cfg[-2] * side * side, fc), nn.ReLU(True),
                        nn.Linear(fc, fc), nn.ReLU(True), nn.Linear(fc, a.classes))
    layout = f"torchvision vgg19 make_layers(cfg E x {a.width})"
x = torch.rand(a.batch_size, 3, a.size, a.size)
y = torch.randint(0, a.classes, (a.batch_size,))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()


def step():
    opt.zero_grad(set_to_none=True)
    loss = loss_fn(net(x), y)
    loss.backward()
    opt.step()
    return loss.item()


time_steps(a, step, f"pytorch vgg19 width {a.width} {a.size}x{a.size}",
           {"layout": layout, "width": a.width, "size": a.size,
            "parameters": sum(t.numel() for t in net.parameters())})
