#!/usr/bin/python3
"""PyTorch CPU peer for `scripts/bench final-q5`: the same 784-300-100-10 ReLU/softmax network, Adam(1e-3), float32,
the same real Fashion-MNIST training images (scaled to [0, 1]), batch size and number of timed batches, reshuffled
each epoch, as sheetlab's `bench final-q5`. Prints one JSON object."""
import argparse, gzip, json, os, sys, time
import numpy as np
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
p.add_argument("--batch-size", type=int, default=128)
p.add_argument("--batches", type=int, default=400)
p.add_argument("--warmup", type=int, default=50)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--seed", type=int, default=42)
a = p.parse_args()

def idx(name):
    path = os.path.join(a.data_dir, name + ".gz")
    with (gzip.open(path) if os.path.exists(path) else open(os.path.join(a.data_dir, name), "rb")) as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)

torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
x = torch.from_numpy(idx("train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255.0)
y = torch.from_numpy(idx("train-labels-idx1-ubyte").astype(np.int64))
net = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
rng = np.random.default_rng(a.seed)

def batches():
    while True:
        order = torch.from_numpy(rng.permutation(len(x)))
        for s in range(0, len(x) - a.batch_size + 1, a.batch_size):  # full batches only, as the Java side
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
print(f"pytorch: {sps:.0f} samples/s (batch {a.batch_size}, {a.batches} batches, {secs:.2f} s)", file=sys.stderr)
print(json.dumps({"impl": f"PyTorch {torch.__version__} CPU", "batchSize": a.batch_size, "batches": a.batches,
                  "seconds": secs, "samplesPerSecond": sps, "finalLoss": last, "threads": torch.get_num_threads()}))
