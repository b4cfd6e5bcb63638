#!/usr/bin/python3
"""PyTorch replica of the pooling experiment's CNN, for finding a training recipe that reaches the sheet's Fashion-MNIST
figure for "2 Conv+pooling" (91.6% test accuracy) with every pooling kind. The sheet's shape: conv 5x5xC1, pool 2x2,
conv 5x5xC2, pool 2x2, dense D, dense 10. Options add batch normalization after each convolution (before the ReLU, so
pooling still sees non-negative inputs), dropout before the two dense layers (as DL4J's dropOut on the dense and output
layers, which drops each layer's input) and a per-epoch exponential learning-rate decay (DL4J's
ExponentialSchedule(EPOCH, lr, gamma)). Adam, batch 64, training images scaled to [0, 1], a seeded reshuffle per
epoch, one thread by default. Prints the test accuracy after every epoch and one JSON line per variant.

    flock /tmp/sheetlab-mvn.lock /usr/bin/python3 bench/pooling_recipe_torch.py --bn --dropout 0.25 --gamma 0.8 \
        --epochs 10 --variants max,avg,p2,p3,logavg
"""
import argparse, json, math, os, sys, time
import numpy as np
import torch
from torch import nn
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_training import idx

p = argparse.ArgumentParser()
p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
p.add_argument("--epochs", type=int, default=10)
p.add_argument("--batch-size", type=int, default=64)
p.add_argument("--lr", type=float, default=1e-3)
p.add_argument("--gamma", type=float, default=1.0, help="learning rate x gamma after every epoch")
p.add_argument("--bn", action="store_true", help="batch normalization after each convolution")
p.add_argument("--dropout", type=float, default=0.0, help="drop probability on the dense layers' inputs")
p.add_argument("--widths", default="16,32,64")
p.add_argument("--hflip", action="store_true", help="flip each training image left-right with probability 1/2")
p.add_argument("--variants", default="max,avg,p2,p3,logavg")
p.add_argument("--threads", type=int, default=1)
p.add_argument("--seed", type=int, default=42)
a = p.parse_args()
torch.set_num_threads(a.threads)


def load(prefix):
    x = torch.from_numpy(idx(a.data_dir, prefix + "-images-idx3-ubyte").reshape(-1, 1, 28, 28).astype(np.float32) / 255)
    y = torch.from_numpy(idx(a.data_dir, prefix + "-labels-idx1-ubyte").astype(np.int64))
    return x, y


def logavg(x):
    b, c, h, w = x.shape
    u = F.unfold(x.reshape(b * c, 1, h, w), kernel_size=2, stride=2)
    return (torch.logsumexp(u, dim=1) - math.log(4)).reshape(b, c, h // 2, w // 2)


POOL = {"max": lambda x: F.max_pool2d(x, 2), "avg": lambda x: F.avg_pool2d(x, 2),
        "p2": lambda x: F.lp_pool2d(x, 2, 2), "p3": lambda x: F.lp_pool2d(x, 3, 2), "logavg": logavg}


class Pool(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def forward(self, x):
        return POOL[self.kind](x)


def net(kind):
    c1, c2, d = (int(v) for v in a.widths.split(","))
    bn = (lambda c: [nn.BatchNorm2d(c, eps=1e-5, momentum=0.1)]) if a.bn else (lambda c: [])
    drop = [nn.Dropout(a.dropout)] if a.dropout > 0 else []
    return nn.Sequential(nn.Conv2d(1, c1, 5), *bn(c1), nn.ReLU(), Pool(kind),
                         nn.Conv2d(c1, c2, 5), *bn(c2), nn.ReLU(), Pool(kind), nn.Flatten(),
                         *drop, nn.Linear(c2 * 16, d), nn.ReLU(), *drop, nn.Linear(d, 10))


xtr, ytr = load("train")
xte, yte = load("t10k")
for kind in a.variants.split(","):
    torch.manual_seed(a.seed)
    model = net(kind)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, a.gamma)
    rng = np.random.default_rng(a.seed)
    accs, t0 = [], time.perf_counter()
    for epoch in range(a.epochs):
        model.train()
        order = torch.from_numpy(rng.permutation(len(xtr)))
        for s in range(0, len(xtr), a.batch_size):
            i = order[s:s + a.batch_size]
            xb = xtr[i]
            if a.hflip:
                flip = torch.from_numpy(rng.random(len(i)) < 0.5)
                xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(xb), ytr[i]).backward()
            opt.step()
        sched.step()
        model.eval()
        with torch.no_grad():
            acc = sum((model(xte[s:s + 1000]).argmax(1) == yte[s:s + 1000]).sum().item()
                      for s in range(0, len(xte), 1000)) / len(xte)
        accs.append(acc)
        print(f"{kind} epoch {epoch + 1}: test accuracy {acc:.4f} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr,
              flush=True)
    print(json.dumps({"variant": kind, "widths": a.widths, "bn": a.bn, "hflip": a.hflip, "dropout": a.dropout, "lr": a.lr,
                      "gamma": a.gamma, "epochs": a.epochs, "threads": a.threads, "testAccuracy": accs,
                      "final": accs[-1], "best": max(accs), "seconds": time.perf_counter() - t0}), flush=True)
