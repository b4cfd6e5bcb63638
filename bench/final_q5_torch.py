#!/usr/bin/python3
"""PyTorch CPU peer for `scripts/bench final-q5`: the same 784-300-100-10 ReLU/softmax network, Adam(1e-3), float32,
the same real Fashion-MNIST training images (scaled to [0, 1]), batch size and number of timed batches, reshuffled
each epoch, as sheetlab's `bench final-q5`. Prints one JSON object."""
import argparse, os
import torch
from torch import nn
from torch_training import fashion_mnist_train, run

p = argparse.ArgumentParser()
p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
p.add_argument("--batch-size", type=int, default=128)
p.add_argument("--batches", type=int, default=400)
p.add_argument("--warmup", type=int, default=300)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--seed", type=int, default=42)
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
x, y = fashion_mnist_train(a.data_dir, (-1, 784))
net = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10))
run(a, net, x, y, "pytorch")
