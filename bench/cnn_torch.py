#!/usr/bin/python3
"""PyTorch CPU peer for `scripts/bench cnn`: the pooling experiment's CNN (conv 5x5x16 relu, pool 2x2, conv 5x5x32
relu, pool 2x2, dense 64 relu, dense 10 softmax; Adam(1e-3), float32) with max pooling or p=2 pooling (lp_pool2d), on
the real Fashion-MNIST training images scaled to [0, 1], the same batch size and number of timed batches as sheetlab's
`bench cnn`. Prints one JSON object."""
import argparse, os
import torch
from torch import nn
import torch.nn.functional as F
from torch_training import fashion_mnist_train, run

p = argparse.ArgumentParser()
p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
p.add_argument("--batch-size", type=int, default=64)
p.add_argument("--batches", type=int, default=200)
p.add_argument("--warmup", type=int, default=500)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--pooling", choices=["max", "p2"], default="max")
p.add_argument("--seed", type=int, default=42)
a = p.parse_args()


class Pool(nn.Module):
    def forward(self, x):
        return F.max_pool2d(x, 2) if a.pooling == "max" else F.lp_pool2d(x, 2, 2)


torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
x, y = fashion_mnist_train(a.data_dir, (-1, 1, 28, 28))
net = nn.Sequential(nn.Conv2d(1, 16, 5), nn.ReLU(), Pool(), nn.Conv2d(16, 32, 5), nn.ReLU(), Pool(), nn.Flatten(),
                    nn.Linear(32 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 10))
run(a, net, x, y, f"pytorch cnn {a.pooling}", {"pooling": a.pooling})
