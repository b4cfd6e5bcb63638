#!/usr/bin/python3
"""PyTorch CPU peer for `scripts/bench vae`: the same dense VAE as sheetlab's VaeNetwork defaults on Fashion-MNIST:
784 -> 256 (ReLU) -> [mu | logvar] (2 + 2) -> z = mu + exp(logvar/2) * eps -> 256 (ReLU) -> 784 (sigmoid); loss per
example: binary cross-entropy summed over the pixels + KL, averaged over the batch; Adam(1e-3), float32, the same
batch size and number of timed batches. Prints one JSON object."""
import argparse, json, os, sys, time
import numpy as np
import torch
from torch import nn
from torch_training import idx

p = argparse.ArgumentParser()
p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
p.add_argument("--batch-size", type=int, default=128)
p.add_argument("--batches", type=int, default=200)
p.add_argument("--warmup", type=int, default=20)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--seed", type=int, default=42)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
x = torch.from_numpy(idx(a.data_dir, "train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255.0)


class Vae(nn.Module):
    def __init__(self, hidden=256, k=2):
        super().__init__()
        self.k = k
        self.enc = nn.Linear(784, hidden)
        self.post = nn.Linear(hidden, 2 * k)
        self.dec = nn.Linear(k, hidden)
        self.out = nn.Linear(hidden, 784)

    def forward(self, xb):
        e = self.post(torch.relu(self.enc(xb)))
        mu, logvar = e[:, :self.k], e[:, self.k:]
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        logits = self.out(torch.relu(self.dec(z)))
        recon = nn.functional.binary_cross_entropy_with_logits(logits, xb, reduction="none").sum(1)
        kl = -0.5 * (1 + logvar - mu ** 2 - torch.exp(logvar)).sum(1)
        return (recon + kl).mean()


net = Vae()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
rng = np.random.default_rng(a.seed)


def batches():
    while True:
        order = torch.from_numpy(rng.permutation(len(x)))
        for s in range(0, len(x) - a.batch_size + 1, a.batch_size):
            yield x[order[s:s + a.batch_size]]


it = batches()


def step():
    opt.zero_grad(set_to_none=True)
    loss = net(next(it))
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
print(f"pytorch vae: {sps:.0f} samples/s ({torch.get_num_threads()} threads)", file=sys.stderr)
print(json.dumps({"impl": f"PyTorch {torch.__version__} CPU", "batchSize": a.batch_size, "batches": a.batches,
                  "seconds": secs, "samplesPerSecond": sps, "finalLoss": last, "threads": torch.get_num_threads()}))
