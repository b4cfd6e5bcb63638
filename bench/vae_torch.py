#!/usr/bin/python3
"""PyTorch CPU peer for `scripts/bench vae`: the same dense VAE as sheetlab's VaeNetwork defaults on Fashion-MNIST:
784 -> 256 (ReLU) -> [mu | logvar] (2 + 2) -> z = mu + exp(logvar/2) * eps -> 256 (ReLU) -> 784 (sigmoid); loss per
example: binary cross-entropy summed over the pixels + KL, averaged over the batch; Adam(1e-3), float32, the same
batch size and number of timed batches. Prints one JSON object."""
import argparse, os
import torch
from torch import nn
from torch_training import fashion_mnist_train, shuffled_batches, time_steps

p = argparse.ArgumentParser()
p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
p.add_argument("--batch-size", type=int, default=128)
p.add_argument("--batches", type=int, default=200)
p.add_argument("--warmup", type=int, default=300)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--seed", type=int, default=42)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
x, _ = fashion_mnist_train(a.data_dir, (-1, 784))


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
it = shuffled_batches(x, a.batch_size, a.seed)


def step():
    opt.zero_grad(set_to_none=True)
    loss = net(next(it))
    loss.backward()
    opt.step()
    return loss.item()


time_steps(a, step, "pytorch vae")
