#!/usr/bin/python3
"""PyTorch CPU peer for `scripts/bench cnn`: the pooling experiment's CNN (conv 5x5x16 relu, pool 2x2, conv 5x5x32
relu, pool 2x2, dense 64 relu, dense 10 softmax; Adam(1e-3), float32) with max pooling or p=2 pooling (lp_pool2d), on
the real Fashion-MNIST training images scaled to [0, 1], the same batch size and number of timed batches as sheetlab's
`bench cnn`. Prints one JSON object."""
import argparse, gzip, json, os, sys, time
import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
p.add_argument("--batch-size", type=int, default=64)
p.add_argument("--batches", type=int, default=100)
p.add_argument("--warmup", type=int, default=10)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--pooling", choices=["max", "p2"], default="max")
p.add_argument("--seed", type=int, default=42)
a = p.parse_args()


def idx(name):
    path = os.path.join(a.data_dir, name + ".gz")
    with (gzip.open(path) if os.path.exists(path) else open(os.path.join(a.data_dir, name), "rb")) as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class Pool(nn.Module):
    def forward(self, x):
        return F.max_pool2d(x, 2) if a.pooling == "max" else F.lp_pool2d(x, 2, 2)


torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
x = torch.from_numpy(idx("train-images-idx3-ubyte").reshape(-1, 1, 28, 28).astype(np.float32) / 255.0)
y = torch.from_numpy(idx("train-labels-idx1-ubyte").astype(np.int64))
net = nn.Sequential(nn.Conv2d(1, 16, 5), nn.ReLU(), Pool(), nn.Conv2d(16, 32, 5), nn.ReLU(), Pool(), nn.Flatten(),
                    nn.Linear(32 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 10))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
rng = np.random.default_rng(a.seed)


def batches():
    while True:
        order = torch.from_numpy(rng.permutation(len(x)))
        for s in range(0, len(x) - a.batch_size + 1, a.batch_size):
            i = order[s:s + a.batch_size]
            yield x[i], y[i]


it = batches()


def step():
    xb, yb = next(it)
    opt.zero_grad(set_to_none=True)
    loss = loss_fn(net(xb), yb)
    loss.backward()
    opt.step()
    return loss.item()


for _ in range(a.warmup):
    step()
t0 = time.perf_counter()
for _ in range(a.batches):
    last = step()
secs = time.perf_counter() - t0
sps = a.batches * a.batch_size / secs
print(f"pytorch cnn {a.pooling}: {sps:.0f} samples/s (batch {a.batch_size}, {a.batches} batches, {secs:.2f} s, "
      f"{torch.get_num_threads()} threads)", file=sys.stderr)
print(json.dumps({"impl": f"PyTorch {torch.__version__} CPU", "pooling": a.pooling, "batchSize": a.batch_size,
                  "batches": a.batches, "seconds": secs, "samplesPerSecond": sps, "finalLoss": last,
                  "threads": torch.get_num_threads()}))
